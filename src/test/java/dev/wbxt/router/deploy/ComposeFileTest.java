package dev.wbxt.router.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** deploy/compose/compose.yaml: what `docker compose up` would run, checked without a container runtime. */
class ComposeFileTest {
    private static final Path DIR = DeployFiles.DEPLOY.resolve("compose");

    @Test
    void theServicesAreWiredTogether() throws Exception {
        JsonNode services = DeployFiles.yaml(DIR.resolve("compose.yaml")).path("services");
        JsonNode router = services.path("router");
        assertEquals(DeployFiles.pomProperty("image.name"), router.path("image").asText());
        assertEquals("apache/activemq-artemis:" + DeployFiles.pomProperty("artemis.version"),
                services.path("artemis").path("image").asText());
        services.forEach(service -> assertTrue(service.path("image").asText().matches(".+:[^:/]+")
                && !service.path("image").asText().endsWith(":latest"), "pinned: " + service.path("image")));

        JsonNode env = router.path("environment");
        assertEquals("tcp://artemis:61616", env.path("BROKER_URL").asText());
        assertTrue(env.path("FORWARD_URL").asText().startsWith("http://receiver:"), env.toString());
        // the management port is published on the host's loopback only; the webhook port is the public one
        List<String> published = new ArrayList<>();
        router.path("ports").forEach(p -> published.add(p.asText()));
        assertTrue(published.contains("9006:9006"), published.toString());
        assertTrue(published.contains("127.0.0.1:9876:9876"), published.toString());

        // the bind-mounted broker.xml is the one BrokerXmlTest reads
        String mount = services.path("artemis").path("volumes").path(1).asText();
        assertTrue(mount.endsWith(":/var/lib/artemis-instance/etc-override/broker.xml:ro"), mount);
        assertEquals(DeployFiles.DEPLOY.resolve("k8s/scaled/broker.xml"), DIR.resolve(mount.split(":")[0]).normalize());
    }

    @Test
    void secretsComeFromTheEnvironmentFileOnly() throws Exception {
        String compose = Files.readString(DIR.resolve("compose.yaml"));
        Properties example = new Properties();
        try (InputStream in = Files.newInputStream(DIR.resolve("env.example"))) {
            example.load(in);
        }
        // every variable compose.yaml reads is explained in env.example
        Matcher variable = Pattern.compile("\\$\\{([A-Z_]+)").matcher(compose);
        while (variable.find()) {
            assertTrue(example.containsKey(variable.group(1)), variable.group(1) + " is not in env.example");
        }
        // and no secret is written into compose.yaml itself
        JsonNode env = DeployFiles.yaml(DIR.resolve("compose.yaml")).path("services").path("router").path("environment");
        env.fields().forEachRemaining(e -> {
            if (e.getKey().matches(".*(TOKEN|SECRET|PASSWORD|USERNAME).*")) {
                assertTrue(e.getValue().asText().startsWith("${"), e.getKey() + " must come from .env");
            }
        });
    }
}
