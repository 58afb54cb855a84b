package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import dev.wbxt.router.broker.EmbeddedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A destination with a wrong parameter stops the start with a message naming it (the route, the parameter), rather
 * than dead-lettering every event: the template's parameters are bound to typed settings when its route is created.
 */
class DestinationSettingsTest {
    private static final String PLAIN_SECRET = "my-plain-text-secret";

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "secret|" + PLAIN_SECRET + "|secret: the secret is not base64",
            "secret|whsec_AAAAAAAAAAAAAAAAAAAAAA==|is a 16-byte key",
            "mode|binray|mode must be structured or binary, not 'binray'",
            "maxAttempts|many|maxAttempts",
            "filter|${header.WbxtResource} ==|filter-bad",
            "uri|kamelet:kafka-destination?topic=t|brokers"})
    void aWrongParameterStopsTheStartAndNamesIt(String parameter, String value, String expected) throws Exception {
        Path file = Path.of("target", "test-destinations", UUID.randomUUID() + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, destination("forward-bad", "bad", "kamelet:http-destination?url=http://127.0.0.1:1/never",
                parameter, value));
        try (RouterHarness router = new RouterHarness(Map.of("camel.main.routes-include-pattern",
                "file:routes/*.yaml,file:" + file))) {
            Exception refused;
            try {
                refused = assertThrows(Exception.class, router::start);
            } finally {
                // a context that failed to start leaves its embedded broker running, with the in-VM acceptor id the
                // next test's broker needs ("AMQ229062: Acceptor with id 0 already registered"): stop it here
                EmbeddedBroker broker = router.context().hasService(EmbeddedBroker.class);
                if (broker != null) {
                    broker.stop();
                }
            }
            String message = messages(refused);
            System.out.println("START REFUSED (" + parameter + "): " + message);
            // the destination's route, or the type whose Kamelet route it could not make
            assertTrue(message.contains("forward-bad") || message.contains("Route template kafka-destination"), message);
            assertTrue(message.contains("filter-bad".equals(expected) ? "${header.WbxtResource} ==" : expected), message);
            assertFalse(message.contains(PLAIN_SECRET), "the secret never appears: " + message);
        }
    }

    /** A routes file with one forward destination: its name, uri and one more parameter (also StartupErrorsIT's). */
    static String destination(String routeId, String name, String uri, String parameter, String value) {
        return """
                - templatedRoute:
                    routeTemplateRef: forward-destination
                    routeId: %s
                    parameters:
                      - {name: name, value: %s}
                      - {name: uri, value: "%s"}
                      - {name: %s, value: "%s"}
                """.formatted(routeId, name, uri, parameter, value);
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" / ");
        }
        return all.toString();
    }
}
