package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that {@code mvn package -Pimage} writes (Jib's buildTar, a {@code docker save} tar), opened
 * as a container runtime would: its configuration (entrypoint, user, ports, volume, environment, working
 * directory), then its application layers unpacked and its entrypoint run, in its working directory with its
 * environment, until the bot answers in simulator mode. The JVM is the test's, not the image's: no container
 * runtime runs here (README "Image"). Runs in the image profile only, where the tar exists.
 */
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TAR = Path.of(System.getProperty("image.tar",
            RouterProcess.BASEDIR.resolve("target/webex-event-router-image.tar").toString()));

    private static JsonNode config;
    private static Map<String, String> env;
    /** Paths in the image's layers (no leading slash) and their tar entries' modes. */
    private static final Map<String, Integer> modes = new HashMap<>();
    private static Path root;

    @BeforeAll
    static void openTheImage() throws IOException {
        root = RouterProcess.freshDir("image-root");
        // one pass, as the tar is large (the base's layer): the JSON files are kept, each layer is read as it
        // passes; only the application's part (/app) is written to disk, its files are in Jib's layers alone
        Map<String, byte[]> json = new HashMap<>();
        try (TarArchiveInputStream image = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(TAR)))) {
            for (TarArchiveEntry file; (file = image.getNextEntry()) != null; ) {
                if (file.getName().endsWith(".json")) {
                    json.put(file.getName(), image.readAllBytes());
                } else if (file.isFile()) {
                    unpackLayer(image);
                }
            }
        }
        JsonNode manifest = JSON.readTree(json.get("manifest.json")).path(0);
        config = JSON.readTree(json.get(manifest.path("Config").asText()));
        env = new HashMap<>();
        config.path("config").path("Env").forEach(e -> {
            String[] pair = e.asText().split("=", 2);
            env.put(pair[0], pair[1]);
        });
    }

    private static void unpackLayer(InputStream layer) throws IOException {
        InputStream in = new BufferedInputStream(layer);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip ? new GzipCompressorInputStream(in) : in);
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
            modes.put(name.replaceFirst("/$", ""), entry.getMode() & 07777);
            if (!name.startsWith("app/")) {
                continue;
            }
            Path target = root.resolve(name).normalize();
            assertTrue(target.startsWith(root), name);
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isFile()) {
                Files.createDirectories(target.getParent());
                Files.copy(tar, target);
                // as a runtime unpacks it: the class-data archive holds to the jar's time
                Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(entry.getModTime().toInstant()));
                if ((entry.getMode() & 0111) != 0) {
                    target.toFile().setExecutable(true);
                }
            }
        }
    }

    @Test
    void theConfigurationIsWhatTheDeployFilesExpect() {
        JsonNode c = config.path("config");
        String user = c.path("User").asText();
        assertNotEquals("", user, "no user: the container would run as root");
        assertNotEquals("0", user.split(":")[0], "runs as root: " + user);
        assertEquals(Set.of("9006/tcp", "9876/tcp"), fieldNames(c.path("ExposedPorts")));
        assertEquals(Set.of("/data"), fieldNames(c.path("Volumes")));
        assertEquals("/data", env.get("DATA_DIR"));
        // the README's run command: the launcher picks the JVM options, none are set in the environment
        assertFalse(env.containsKey("JAVA_TOOL_OPTIONS"), env.toString());
        String workDir = c.path("WorkingDir").asText().replaceFirst("^/", "");
        assertEquals(List.of("/" + workDir + "/target/webex-event-router"),
                JSON.convertValue(c.path("Entrypoint"), List.class), c.toString());
        assertEquals(Integer.valueOf(0755), modes.get(workDir + "/target/webex-event-router"), "the launcher runs");
        assertTrue(Files.isRegularFile(root.resolve(workDir).resolve("target/webex-event-router.jar")));
        assertTrue(Files.isRegularFile(root.resolve(workDir).resolve("target/webex-event-router.jsa")), "the archive");
        assertFalse(Files.exists(root.resolve("app/libs")), "Jib's own layout is left out: the jar is the application");
        // the working directory holds what users edit, as in a checkout
        assertTrue(Files.isRegularFile(root.resolve(workDir).resolve("application.properties")));
        assertTrue(Files.isRegularFile(root.resolve(workDir).resolve("routes/10-dispatch.yaml")));
        assertTrue(Files.isRegularFile(root.resolve(workDir).resolve("templates/lab-card.json")), "the card templates");
        // DATA_DIR's mount point is writable by the user's group (a volume a runtime creates copies the mode)
        assertEquals(Integer.valueOf(0775), modes.get("data"), "mode of /data");
    }

    @Test
    void theEntrypointRunsTheBot() throws Exception {
        Path workDir = root.resolve(config.path("config").path("WorkingDir").asText().replaceFirst("^/", ""));
        List<String> command = new ArrayList<>();
        for (JsonNode arg : config.path("config").path("Entrypoint")) {
            command.add(inTheRoot(arg.asText()));
        }
        Map<String, String> processEnv = new HashMap<>(env);
        processEnv.remove("PATH");
        // the base image's JAVA_HOME is this test's JVM here; -Xshare:on: the start fails unless the archive maps
        processEnv.put("JAVA_HOME", RouterProcess.JAVA.getParent().getParent().toString());
        processEnv.put("JAVA_OPTS", "-Xshare:on");
        int simulatorPort = RouterProcess.freePort();
        processEnv.putAll(RouterProcess.env(
                "DATA_DIR", RouterProcess.freshDir("image-data").toString(),
                "SERVER_PORT", String.valueOf(RouterProcess.freePort()),
                "MANAGEMENT_PORT", String.valueOf(RouterProcess.freePort()),
                "SIMULATOR_PORT", String.valueOf(simulatorPort)));
        try (RouterProcess router = RouterProcess.start("ImageIT", workDir, processEnv, command)) {
            router.awaitLine("SIMULATOR MODE", Duration.ofMinutes(3));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + simulatorPort + "/simulator/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello\"}", StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode replies = JSON.readTree(answer.body()).path("replies");
            assertEquals(1, replies.size(), "the echo bot's reply, with the image's routes/: " + answer.body());
            assertTrue(router.firstLine("JVM .*sharing.*-Xmx\\d+m.*class-data archive target/webex-event-router.jsa").isPresent(),
                    "the launcher's JVM options and class-data archive reach the JVM:\n" + router.output());
            router.terminate();
            assertEquals(0, router.awaitExit(Duration.ofMinutes(1)), router.output());
        }
    }

    /** Every absolute /app path in {@code text} moved under the unpacked root. */
    private static String inTheRoot(String text) {
        return text.replaceAll("(^|[:@\\s])/app/", "$1" + java.util.regex.Matcher.quoteReplacement(root + "/app/"));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

}
