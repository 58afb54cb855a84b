package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.wbxt.router.ops.GuardedRouteReload;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hot reload of {@code routes/*.yaml} as an operator lives it: the service runs on its own copy of the routes
 * folder, a file is saved, and the effect (or the reported refusal) shows in what the bot does and in
 * /observe/metrics. Every wait polls for the effect; the watcher's latency is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<String> reloadLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> reloadTimes = Collections.synchronizedList(new ArrayList<>());
    private AbstractAppender capture;
    private Path routesDir;
    private RouterHarness router;
    private String room;

    @BeforeAll
    void start() throws Exception {
        capture = new AbstractAppender("reload-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLoggerName().equals(GuardedRouteReload.class.getName())) {
                    String line = event.getLevel() + " " + event.getMessage().getFormattedMessage();
                    if (line.startsWith("INFO") && line.contains("reloaded")) {
                        reloadTimes.add(event.getTimeMillis() + " " + line);
                    }
                    reloadLog.add(line);
                    System.out.println("HotReloadTest captured: " + line);
                }
            }
        };
        capture.start();
        ((Logger) LogManager.getLogger(GuardedRouteReload.class)).addAppender(capture);

        routesDir = Path.of("target", "test-routes", UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(routesDir);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routesDir.resolve(file.getFileName()));
            }
        }
        router = new RouterHarness(Map.of("routes.dir", routesDir.toString(), "routes.reload", "true")).start();
        router.registerWebhooks();
        room = router.webex.groupRoom("Reload room");
        assertEchoed("before any edit");
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
        ((Logger) LogManager.getLogger(GuardedRouteReload.class)).removeAppender(capture);
        capture.stop();
    }

    @Test
    @Order(1)
    void aValidEditTakesEffectWithoutRestart() throws Exception {
        sendMembership();
        router.awaitMetrics("wbxt_events_processed_total{outcome=\"logged\",resource=\"memberships\"} 1.0");

        long saved = System.currentTimeMillis();
        edit("22-memberships.yaml", "      steps:\n", "      steps:\n"
                + "        - setVariable:\n            name: outcome\n            constant: membership-v2\n");
        // the service keeps the old route until the watcher has noticed: send until the new outcome shows up
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            sendMembership();
            return metrics().contains("wbxt_events_processed_total{outcome=\"membership-v2\",resource=\"memberships\"}");
        });
        long visible = System.currentTimeMillis();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> reloadedAt("22-memberships.yaml") > 0);
        System.out.printf("HotReloadTest: 22-memberships.yaml saved; reloaded after %d ms, visible in /observe/metrics "
                + "after %d ms%n", reloadedAt("22-memberships.yaml") - saved, visible - saved);
        assertEchoed("after a valid edit"); // the Java receiver and every other route are still there
        assertEquals(200, router.manage("/observe/health").statusCode());
    }

    @Test
    @Order(2)
    void invalidYamlSyntaxIsReportedAndTheLastGoodRoutesKeepAnswering() throws Exception {
        brokenSaveIsReportedAndEchoStillWorks("20-messages.yaml", "      steps:\n        - filter:",
                "      steps:\n        - filter: [unclosed\n     bad: indentation:", "line");
    }

    @Test
    @Order(3)
    void anUnknownEipIsReportedAndTheLastGoodRoutesKeepAnswering() throws Exception {
        brokenSaveIsReportedAndEchoStillWorks("20-messages.yaml", "        - filter:",
                "        - teleport:\n            to: mars\n        - filter:", "teleport");
    }

    @Test
    @Order(4)
    void anUnknownFieldIsReportedAndTheLastGoodRoutesKeepAnswering() throws Exception {
        brokenSaveIsReportedAndEchoStillWorks("20-messages.yaml", "            simple: \"${header.WbxtEvent} == 'created'\"",
                "            simple: \"${header.WbxtEvent} == 'created'\"\n            colour: blue", "colour");
    }

    @Test
    @Order(5)
    void anEditThatParsesButCannotStartIsReportedAndTheLastGoodRoutesKeepAnswering() throws Exception {
        brokenSaveIsReportedAndEchoStillWorks("20-messages.yaml", "        - filter:",
                "        - to: foo:bar\n        - filter:", "foo://bar");
    }

    @Test
    @Order(6)
    void fixingTheFileLoadsIt() throws Exception {
        String original = Files.readString(Path.of("routes", "20-messages.yaml"));
        String anchor = "              - to: direct:bot ";
        assertTrue(original.contains(anchor), "20-messages.yaml calls the bot");
        Files.writeString(routesDir.resolve("20-messages.yaml"), original.replace(anchor,
                "              - setVariable: {name: outcome, constant: replied-v2}\n" + anchor));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertEchoedQuietly();
            return metrics().contains("wbxt_events_processed_total{outcome=\"replied-v2\",resource=\"messages\"}");
        });
        assertEchoed("after the fix");
    }

    /**
     * A command that arrives while its file reloads is answered by that command. The reload is held while its route is
     * away (removed, not yet added again: at the reload's next route event, on the reload's thread): "ping" is said
     * then, and the reload goes on once the bot has chosen the route for it ({@code ${variable.command[route]}} of the
     * event in flight) or has answered. Before, the command table was read from the running routes only: "ping" went
     * to the fallback.
     */
    @Test
    @Order(7)
    void aCommandSentWhileItsFileReloadsIsAnsweredByThatCommand() throws Exception {
        String text = "ping while 31-commands.yaml reloads " + UUID.randomUUID();
        int before = router.botRepliesIn(room).size();
        AtomicBoolean removed = new AtomicBoolean();
        AtomicBoolean said = new AtomicBoolean();
        AtomicReference<String> chosen = new AtomicReference<>();
        EventNotifierSupport holdTheReload = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                CamelEvent.RouteEvent change = (CamelEvent.RouteEvent) event;
                if (change instanceof CamelEvent.RouteRemovedEvent && change.getRoute().getRouteId().equals("command-ping")) {
                    removed.set(true); // still listed while its removal is notified
                } else if (removed.get() && router.context().getRoute("command-ping") == null && !said.getAndSet(true)) {
                    router.webex.say("ada@example.com", room, text); // returns once stored (200)
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
                        chosen.compareAndSet(null, routeChosenFor(text));
                        return chosen.get() != null || router.botRepliesIn(room).size() > before;
                    });
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteEvent;
            }
        };
        holdTheReload.setIgnoreExchangeEvents(true);
        router.context().getManagementStrategy().addEventNotifier(holdTheReload);
        holdTheReload.start();
        router.context().getInflightRepository().setInflightBrowseEnabled(true); // for routeChosenFor
        try {
            edit("31-commands.yaml", "description: \"pong: am I alive?\"", "description: \"pong: am I alive? (v2)\"");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> reloadedAt("31-commands.yaml") > 0);
            assertTrue(said.get(), "said while command-ping was away");
            List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, before + 1, WAIT);
            assertEquals("command-ping", chosen.get(), "the route chosen while command-ping was away");
            assertTrue(replies.size() > before, "no answer to " + text);
            assertEquals("pong", replies.get(before).get("markdown"), "the answer to " + text);
        } finally {
            router.context().getManagementStrategy().removeEventNotifier(holdTheReload);
            holdTheReload.stop();
        }
        assertEchoed("after 31-commands.yaml reloaded");
        router.awaitIdle();
        router.context().getInflightRepository().setInflightBrowseEnabled(false);
    }

    /** {@code ${variable.command[route]}} of the event in flight whose text is {@code text}, or null. */
    private String routeChosenFor(String text) {
        for (var inflight : router.context().getInflightRepository().browse()) {
            if (inflight.getExchange().getVariable("command") instanceof Map<?, ?> command && text.equals(command.get("text"))) {
                return (String) command.get("route");
            }
        }
        return null;
    }

    private void brokenSaveIsReportedAndEchoStillWorks(String file, String anchor, String replacement, String problem)
            throws Exception {
        String good = Files.readString(routesDir.resolve(file));
        int errorsBefore = errors(file);
        edit(file, anchor, replacement);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> errors(file) > errorsBefore);
        String report = reloadLog.stream().filter(l -> l.startsWith("ERROR") && l.contains(file)).reduce((a, b) -> b).orElseThrow();
        assertTrue(report.contains(problem), report);
        assertTrue(report.contains("The routes loaded before keep running"), report);
        assertEchoed("after a broken save of " + file);
        Files.writeString(routesDir.resolve(file), good); // back to good for the next test
    }

    private long reloadedAt(String file) {
        synchronized (reloadTimes) {
            return reloadTimes.stream().filter(l -> l.contains(file)).mapToLong(l -> Long.parseLong(l.split(" ")[0]))
                    .max().orElse(0);
        }
    }

    private int errors(String file) {
        synchronized (reloadLog) {
            return (int) reloadLog.stream().filter(l -> l.startsWith("ERROR") && l.contains(file)).count();
        }
    }

    private void edit(String file, String anchor, String replacement) throws Exception {
        Path path = routesDir.resolve(file);
        String content = Files.readString(path);
        assertTrue(content.contains(anchor), file + " has no " + anchor);
        Files.writeString(path, content.replace(anchor, replacement));
    }

    private void assertEchoed(String when) {
        String text = "echo " + when + " " + UUID.randomUUID();
        int before = router.botRepliesIn(room).size();
        router.webex.say("ada@example.com", room, text);
        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, before + 1, Duration.ofSeconds(10));
        assertTrue(replies.size() > before, "no echo " + when);
        String reply = (String) replies.get(replies.size() - 1).get("markdown");
        assertTrue(reply.contains(text), "no echo " + when + ": " + reply);
    }

    private void assertEchoedQuietly() {
        try {
            assertEchoed("while waiting");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void sendMembership() {
        try {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", "Y2lzY29zcGFyazovL3VzL01FTUJFUlNISVAv" + UUID.randomUUID().toString().replace("-", ""));
            data.put("roomId", room);
            data.put("personId", router.webex.bot().get("id"));
            assertEquals(200, router.deliver(router.envelope("memberships", "created", "someone", data)).statusCode());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String metrics() {
        try {
            return router.manage("/observe/metrics").body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
