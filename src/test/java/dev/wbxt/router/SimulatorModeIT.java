package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A newcomer's first run: {@code java -jar target/webex-event-router.jar} from the project root with no token.
 * The service says it runs on the simulator and prints a curl line; running exactly that line gets the echo bot's
 * reply. SIGTERM then stops it cleanly (exit code 0).
 */
class SimulatorModeIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** curl -s -X POST http://host:port/path -H 'Name: value' -d '{...}' */
    private static final Pattern CURL = Pattern.compile(
            "curl .*?-X (?<method>[A-Z]+) (?<url>https?://\\S+) -H '(?<header>[^']+)' -d '(?<data>[^']*)'");

    @Test
    void newcomerSaysHelloToTheBotAndStopsItCleanly() throws Exception {
        Path dataDir = RouterProcess.freshDir("simulator-mode");
        int serverPort = RouterProcess.freePort();
        int simulatorPort = RouterProcess.freePort();
        try (RouterProcess router = RouterProcess.startInProject("SimulatorModeIT", RouterProcess.env(
                "DATA_DIR", dataDir.toString(),
                "SERVER_PORT", String.valueOf(serverPort),
                "SIMULATOR_PORT", String.valueOf(simulatorPort)))) {

            long healthyMillis = router.awaitHealthy(Duration.ofSeconds(60));
            RouterProcess.Line welcome = router.awaitLine("SIMULATOR MODE", Duration.ofSeconds(60));
            long welcomeMillis = router.millisSinceStart(welcome);
            System.out.printf("[SimulatorModeIT] start-up: process start -> 'SIMULATOR MODE' line %d ms, "
                    + "-> GET /observe/health 200 %d ms%n", welcomeMillis, healthyMillis);

            // The curl line, performed exactly as printed.
            Matcher curl = CURL.matcher(welcome.text());
            assertTrue(curl.find(), "no curl command in: " + welcome.text());
            URI url = URI.create(curl.group("url"));
            assertEquals(simulatorPort, url.getPort(), "SIMULATOR_PORT must reach simulator.port: " + url);
            String[] header = curl.group("header").split(":\\s*", 2);
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header(header[0], header[1])
                    .method(curl.group("method"), HttpRequest.BodyPublishers.ofString(curl.group("data"))).build();
            long sent = System.nanoTime();
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            long replyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            System.out.printf("[SimulatorModeIT] curl -> answer with the bot's reply: %d ms "
                    + "(includes the simulator's 300 ms wait for further replies)%n", replyMillis);

            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode body = JSON.readTree(answer.body());
            assertEquals("hello", body.path("message").path("text").asText(), answer.body());
            assertEquals(200, body.path("deliveries").path(0).path("status").asInt(),
                    "the simulator's webhook must reach SERVER_PORT: " + answer.body());
            assertTrue(body.path("deliveries").path(0).path("targetUrl").asText().contains(":" + serverPort + "/"),
                    answer.body());
            JsonNode replies = body.path("replies");
            assertEquals(1, replies.size(), "one echo reply expected: " + answer.body());
            assertEquals("echo-bot@webex.bot", replies.path(0).path("personEmail").asText(), answer.body());
            assertTrue(replies.path(0).path("markdown").asText().contains("hello"), answer.body());
            // The reply is in the curl's own answer (the simulator waits for it): how fast is a benchmark's
            // question, printed above, not a timed assertion that a busy CI machine would fail.

            assertEquals(1, router.lines().stream().filter(l -> l.text().contains("SIMULATOR MODE")).count(),
                    router.output());
            // the playground page the welcome line points at
            Matcher playground = Pattern.compile("in a browser: (http://\\S+)").matcher(welcome.text());
            assertTrue(playground.find(), "no playground URL in: " + welcome.text());
            assertEquals("http://127.0.0.1:" + simulatorPort + "/playground/", playground.group(1));
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(playground.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Webex playground"), page.body());

            // the health URL it names is on MANAGEMENT_PORT; the public port does not serve it
            Matcher health = Pattern.compile("Health and metrics: (http://\\S+/observe/health)").matcher(welcome.text());
            assertTrue(health.find(), "no health URL in: " + welcome.text());
            assertEquals(router.managementUrl() + "/observe/health", health.group(1));
            assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + "/observe/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            try (Stream<Path> files = Files.list(dataDir)) {
                assertFalse(files.toList().isEmpty(), "DATA_DIR must reach data.dir: nothing in " + dataDir);
            }

            router.terminate();
            long stopping = System.nanoTime();
            assertEquals(0, router.awaitExit(Duration.ofSeconds(30)), router.output());
            System.out.printf("[SimulatorModeIT] SIGTERM -> exit 0 in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
            List<String> stderr = router.stderr();
            assertTrue(stderr.stream().noneMatch(l -> l.startsWith("webex-event-router:")), router.output());
        }
    }
}
