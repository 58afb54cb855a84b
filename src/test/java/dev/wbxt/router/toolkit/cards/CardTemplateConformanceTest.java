package dev.wbxt.router.toolkit.cards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every construct of the card templates' subset against Microsoft's JavaScript SDK ({@code adaptivecards-templating}
 * on {@code adaptive-expressions}): the cases of {@code cards/conformance/cases.json} (a template, data, and the
 * construct it exercises) expanded by our {@link CardTemplate} must give the SDK's JSON, or fail where the SDK fails.
 * <ul>
 * <li>{@link #checkedInFixture}: against {@code expected.json}, the SDK's output saved with the SDK's versions, so
 * the suite means the same offline;</li>
 * <li>{@link #liveSdk}: the pinned SDK installed with npm under {@code target/card-sdk}, run with node on the same
 * cases, compared with us and with the fixture (a difference there means the fixture is stale: copy
 * {@code target/card-sdk/expected.json} over it). Skipped, with the reason, when node or the npm registry is not
 * there.</li>
 * </ul>
 */
class CardTemplateConformanceTest {
    static final String TEMPLATING_VERSION = "2.3.1";
    static final String EXPRESSIONS_VERSION = "4.23.3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = Path.of("src/test/resources/cards/conformance");
    private static final Path SDK = Path.of("target/card-sdk");

    private static JsonNode cases() throws IOException {
        return JSON.readTree(DIR.resolve("cases.json").toFile()).get("cases");
    }

    /** What we give for a case: {"output": ...} or {"error": ...}, as expand.js writes the SDK's. */
    static JsonNode ours(JsonNode c) throws IOException {
        try {
            CardTemplate template = CardTemplates.parse(JSON.writeValueAsString(c.get("template")));
            Object data = JSON.treeToValue(c.get("data"), Object.class);
            Object output = template.expand(data, null);
            return JSON.createObjectNode().set("output", JSON.readTree(JSON.writeValueAsString(output)));
        } catch (CardTemplateException e) {
            return JSON.createObjectNode().put("error", e.getMessage());
        }
    }

    private static void assertSame(JsonNode expected, JsonNode actual, JsonNode c, String sdkName) {
        String what = c.get("name").asText() + " (" + c.get("construct").asText() + "): template " + c.get("template")
                + ", data " + c.get("data");
        if (expected.has("error")) {
            assertTrue(actual.has("error"), what + ": " + sdkName + " fails (" + expected.get("error").asText()
                    + "), we give " + actual);
        } else {
            assertEquals(expected.get("output"), actual.get("output"), what + ": not what " + sdkName + " gives"
                    + (actual.has("error") ? " (we fail: " + actual.get("error").asText() + ")" : ""));
        }
    }

    @TestFactory
    Stream<DynamicTest> checkedInFixture() throws IOException {
        JsonNode fixture = JSON.readTree(DIR.resolve("expected.json").toFile());
        assertEquals(TEMPLATING_VERSION, fixture.get("sdk").get("adaptivecards-templating").asText(), "the fixture's SDK");
        assertEquals(EXPRESSIONS_VERSION, fixture.get("sdk").get("adaptive-expressions").asText(), "the fixture's SDK");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            JsonNode expected = fixture.get("results").get(c.get("name").asText());
            tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " [" + c.get("construct").asText() + "]", () -> {
                assertTrue(expected != null, "expected.json has no result for " + c.get("name") + ": regenerate it");
                assertSame(expected, ours(c), c, "the SDK " + TEMPLATING_VERSION + " (checked-in fixture)");
            }));
        }
        return tests.stream();
    }

    @Test
    void liveSdk() throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"),
                "node and npm are not installed: the live SDK comparison is skipped (the checked-in fixture was compared)");
        Path installed = SDK.resolve("node_modules/adaptivecards-templating/package.json");
        if (!Files.exists(installed) || !JSON.readTree(installed.toFile()).get("version").asText().equals(TEMPLATING_VERSION)
                || !Files.exists(SDK.resolve("node_modules/adaptive-expressions/package.json"))) {
            Files.createDirectories(SDK);
            Result npm = run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                    SDK.toAbsolutePath().toString(), "adaptivecards-templating@" + TEMPLATING_VERSION,
                    "adaptive-expressions@" + EXPRESSIONS_VERSION), 300);
            Assumptions.assumeTrue(npm.code == 0, "npm could not install adaptivecards-templating@" + TEMPLATING_VERSION
                    + " (no registry?): the live SDK comparison is skipped, the checked-in fixture was compared. npm said: "
                    + npm.output.lines().filter(l -> l.contains("ERR")).limit(3).toList());
        }
        Result node = run(List.of("node", DIR.resolve("expand.js").toString(), DIR.resolve("cases.json").toString(),
                SDK.toString()), 120);
        if (node.code != 0) {
            fail("node expand.js failed: " + node.output);
        }
        Files.writeString(SDK.resolve("expected.json"), node.output);
        JsonNode live = JSON.readTree(node.output);
        assertEquals(TEMPLATING_VERSION, live.get("sdk").get("adaptivecards-templating").asText());
        System.out.println("CardTemplateConformanceTest: live SDK " + live.get("sdk"));
        JsonNode fixture = JSON.readTree(DIR.resolve("expected.json").toFile());
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (JsonNode c : cases()) {
            JsonNode sdk = live.get("results").get(c.get("name").asText());
            try {
                assertSame(sdk, ours(c), c, "the live SDK " + live.get("sdk"));
                compared++;
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
            if (!sdk.equals(fixture.get("results").get(c.get("name").asText()))) {
                failures.add(c.get("name").asText() + ": the checked-in expected.json is stale, copy " + SDK.resolve("expected.json")
                        + " over it");
            }
        }
        System.out.println("CardTemplateConformanceTest: " + compared + " cases as the live SDK gives them");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("card-sdk", ".out");
        Path err = Files.createTempFile("card-sdk", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(err));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return new Result(p.exitValue(), p.exitValue() == 0 ? text : text + errors);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
