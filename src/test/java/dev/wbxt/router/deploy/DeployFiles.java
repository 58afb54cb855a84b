package dev.wbxt.router.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The files under {@code deploy/} and the facts of the image they must agree with, read from where each lives:
 * the image's ports, name and Artemis version in {@code pom.xml}.
 */
final class DeployFiles {
    static final Path BASEDIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    static final Path DEPLOY = BASEDIR.resolve("deploy");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployFiles() {
    }

    /** {@code kubectl kustomize <overlay>}: the manifests as {@code kubectl apply -k} would send them. */
    static List<JsonNode> kustomize(String overlay) throws IOException, InterruptedException {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", DEPLOY.resolve("k8s").resolve(overlay).toString())
                    .redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render deploy/k8s (its built-in kustomize, v5): " + e);
        }
        byte[] out;
        try (InputStream stdout = kubectl.getInputStream()) {
            out = stdout.readAllBytes();
        }
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kubectl.waitFor(2, TimeUnit.MINUTES) || kubectl.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize deploy/k8s/" + overlay + " failed: " + err);
        }
        return documents(new String(out, StandardCharsets.UTF_8));
    }

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode doc = values.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    /** The container ports the Jib configuration exposes ({@code <ports><port>} in the image profile). */
    static List<Integer> imagePorts() throws IOException {
        Matcher ports = Pattern.compile("<ports>(.*?)</ports>", Pattern.DOTALL).matcher(pom());
        if (!ports.find()) {
            throw new AssertionError("no <ports> in pom.xml's image profile");
        }
        List<Integer> found = new ArrayList<>();
        Matcher port = Pattern.compile("<port>(\\d+)</port>").matcher(ports.group(1));
        while (port.find()) {
            found.add(Integer.parseInt(port.group(1)));
        }
        return found;
    }

    /** A property of pom.xml with its {@code ${...}} references resolved, e.g. image.name. */
    static String pomProperty(String name) throws IOException {
        String pom = pom();
        Matcher value = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
                .matcher(pom);
        if (!value.find()) {
            throw new AssertionError("no <" + name + "> in pom.xml");
        }
        String resolved = value.group(1);
        Matcher ref = Pattern.compile("\\$\\{([^}]+)}").matcher(resolved);
        StringBuilder out = new StringBuilder();
        while (ref.find()) {
            String key = ref.group(1);
            ref.appendReplacement(out, Matcher.quoteReplacement(
                    key.equals("project.version") ? projectVersion(pom) : pomProperty(key)));
        }
        ref.appendTail(out);
        return out.toString();
    }

    private static String projectVersion(String pom) {
        Matcher version = Pattern.compile("</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        if (!version.find()) {
            throw new AssertionError("no project version in pom.xml");
        }
        return version.group(1);
    }

    private static String pom() throws IOException {
        return Files.readString(BASEDIR.resolve("pom.xml"));
    }
}
