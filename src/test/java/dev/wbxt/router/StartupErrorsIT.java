package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The contract's "non-zero with one clear message when configuration is wrong": each wrong configuration makes
 * {@code java -jar} exit 1 quickly, with one line {@code webex-event-router: <what is wrong>} on stderr and no
 * stack trace.
 */
class StartupErrorsIT {
    private static final Duration QUICKLY = Duration.ofSeconds(30);

    @Test
    void tokenWithoutWebhookSecret() throws Exception {
        assertFailsWith("token-without-secret", RouterProcess.env("WEBEX_BOT_TOKEN", "a-real-looking-token"),
                "WEBEX_WEBHOOK_SECRET is required when WEBEX_BOT_TOKEN is set");
    }

    @Test
    void serverPortNotANumber() throws Exception {
        assertFailsWith("port-not-a-number", RouterProcess.env("SERVER_PORT", "notaport"),
                "server.port (SERVER_PORT) must be a whole number, not 'notaport'");
    }

    @Test
    void serverPortOutOfRange() throws Exception {
        assertFailsWith("port-out-of-range", RouterProcess.env("SERVER_PORT", "70000"),
                "server.port (SERVER_PORT) must be a port number (0-65535), not 70000");
    }

    @Test
    void ingestNotAKnownWay() throws Exception {
        assertFailsWith("ingest-unknown", RouterProcess.env("WEBEX_INGEST", "sockets"),
                "webex.ingest (WEBEX_INGEST) must be webhook, websocket or both, not 'sockets'");
    }

    @Test
    void proxyOverTlsIsRefusedWithoutShowingItsPassword() throws Exception {
        String message = assertFailsWith("proxy-https", RouterProcess.env("HTTPS_PROXY", "https://bot:hunter2@proxy.corp:3128"),
                "https.proxy (HTTPS_PROXY) must be http://[user:password@]host:port");
        assertFalse(message.contains("hunter2"), message);
    }

    @Test
    void managementPortSameAsServerPort() throws Exception {
        String port = String.valueOf(RouterProcess.freePort());
        assertFailsWith("management-port-same", RouterProcess.env("SERVER_PORT", port, "MANAGEMENT_PORT", port),
                "management.port (MANAGEMENT_PORT) must differ from server.port (SERVER_PORT)");
    }

    @Test
    void serverPortInUse() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) { // another process listening on it
            assertFailsWith("port-in-use", RouterProcess.env("SERVER_PORT", String.valueOf(taken.getLocalPort())),
                    "cannot listen on 0.0.0.0:" + taken.getLocalPort() + ", server.port (SERVER_PORT)");
        }
    }

    @Test
    void routesFolderMissing() throws Exception {
        assertFailsWith("routes-missing", RouterProcess.env("ROUTES_DIR", "/nonexistent"),
                "the routes folder routes.dir (ROUTES_DIR) '/nonexistent' does not exist");
    }

    @Test
    void routesFolderWithInvalidYaml() throws Exception {
        Path routes = RouterProcess.freshDir("broken-routes");
        try (Stream<Path> shipped = Files.list(RouterProcess.BASEDIR.resolve("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("50-broken.yaml"), "- route:\n    id: broken\n    from: uri: direct:x\n");

        String message = assertFailsWith("routes-invalid-yaml", RouterProcess.env("ROUTES_DIR", routes.toString()),
                "50-broken.yaml");
        assertTrue(message.contains("line 3"), "the message should point at the broken line: " + message);
    }

    @Test
    void forwardDestinationModeTypo() throws Exception {
        // before, every event was dead-lettered at delivery by ForwardDelivery.prepare
        assertFailsWith("forward-mode-typo", destination("http://127.0.0.1:9/hooks", "binarry"),
                "forward destination forward-typo: mode must be structured or binary, not 'binarry'");
    }

    @Test
    void forwardDestinationUnknownScheme() throws Exception {
        assertFailsWith("forward-bad-uri", destination("htps://example.com/hooks", "structured"),
                "forward destination forward-typo: uri 'htps://example.com/hooks' names no known component 'htps'");
    }

    @Test
    void forwardSourceNotAUri() throws Exception {
        assertFailsWith("forward-source", RouterProcess.env("FORWARD_SOURCE", "urn:webex event router"),
                "forward.source (FORWARD_SOURCE) must be a URI such as urn:webex-event-router:{orgId}, not "
                        + "'urn:webex event router'");
    }

    @Test
    void fileDirectoryThatCannotBeCreated() throws Exception {
        assertFailsWith("file-directory", RouterProcess.env("WEBEX_CLIENT_FILE_DIRECTORY", "/proc/wbxt-files"),
                "webex.client.file-directory (WEBEX_CLIENT_FILE_DIRECTORY) '/proc/wbxt-files' cannot be created");
    }

    @Test
    void settingNotOneOfItsValues() throws Exception {
        assertFailsWith("routes-reload-typo", RouterProcess.env("ROUTES_RELOAD", "ture"),
                "routes.reload (ROUTES_RELOAD) must be auto, true or false, not 'ture'");
    }

    @Test
    void recordingRedactsWhatItCannot() throws Exception {
        assertFailsWith("recording-redact-typo", RouterProcess.env("RECORDING_REDACT", "text,names"),
                "recording.redact (RECORDING_REDACT) may list text and emails (comma-separated), not 'text,names'");
    }

    /** The shipped routes plus one destination {@code forward-typo}. */
    private static Map<String, String> destination(String uri, String mode) throws Exception {
        Path routes = RouterProcess.freshDir("typo-destination");
        try (Stream<Path> shipped = Files.list(RouterProcess.BASEDIR.resolve("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("96-typo.yaml"),
                DestinationSettingsTest.destination("forward-typo", "typo", uri, "mode", mode));
        return RouterProcess.env("ROUTES_DIR", routes.toString());
    }

    /** Starts the jar from the project root with {@code env} (plus its own ports and data folder); returns the line. */
    private static String assertFailsWith(String name, Map<String, String> env, String sentence)
            throws IOException, InterruptedException {
        Map<String, String> all = RouterProcess.env(
                "DATA_DIR", RouterProcess.freshDir(name).toString(),
                "SERVER_PORT", String.valueOf(RouterProcess.freePort()),
                "SIMULATOR_PORT", String.valueOf(RouterProcess.freePort()));
        all.putAll(env);
        try (RouterProcess router = RouterProcess.startInProject("StartupErrorsIT-" + name, all)) {
            int exitCode = router.awaitExit(QUICKLY);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - router.startNanos);
            List<String> stderr = router.stderr();
            System.out.printf("[StartupErrorsIT] %s: exit %d after %d ms: %s%n", name, exitCode, millis, stderr);

            assertNotEquals(0, exitCode, router.output());
            assertEquals(1, stderr.size(), "one line on stderr expected:\n" + router.output());
            String line = stderr.get(0);
            assertTrue(line.startsWith("webex-event-router: "), line);
            assertTrue(line.contains(sentence), "expected '" + sentence + "' in: " + line);
            assertTrue(router.lines().stream().noneMatch(l -> l.text().startsWith("\tat ")
                            || l.text().startsWith("Exception in thread")),
                    "no stack trace expected:\n" + router.output());
            assertTrue(router.firstLine("Started webhook-receiver").isEmpty(), "it must not start:\n" + router.output());
            return line;
        }
    }
}
