package dev.wbxt.router.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.wbxt.router.WebexEventRouter;
import dev.wbxt.router.simulator.WebexSimulator;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * {@code java -XX:ArchiveClassesAtExit=target/webex-event-router.jsa -jar target/webex-event-router.jar training-run},
 * the package step's last act: the service in simulator mode (whatever the environment sets: no token, a temporary
 * DATA_DIR, free ports, no reload), the Webex lab's flow through its simulator a few times (hello, a card, its
 * submit, help), then a clean stop. The JVM writes at exit the class-data archive of every class that took
 * (AppCDS), which the launcher ({@code target/webex-event-router}) maps at each start instead of loading them from
 * the jar. Exit 0 when the bot answered everything, 1 otherwise: a service that cannot answer its own lab fails the
 * build.
 */
public final class TrainingRun {
    private static final int ROUNDS = 5;
    private static final Duration ANSWER = Duration.ofSeconds(60);

    private TrainingRun() {
    }

    public static int run(PrintStream err) {
        Path data;
        try {
            data = Files.createTempDirectory("wbxt-training-run");
        } catch (IOException e) {
            err.println("webex-event-router training-run: " + e.getMessage());
            return 1;
        }
        Main main = WebexEventRouter.newMain();
        main.addOverrideProperty("webex.bot-token", ""); // simulator mode: nothing of it reaches Webex
        main.addOverrideProperty("webex.webhook-target-url", "");
        main.addOverrideProperty("broker.url", "");
        main.addOverrideProperty("data.dir", data.toString());
        main.addOverrideProperty("server.port", String.valueOf(freePort()));
        main.addOverrideProperty("management.port", String.valueOf(freePort()));
        main.addOverrideProperty("simulator.port", String.valueOf(freePort()));
        main.addOverrideProperty("routes.reload", "false");
        main.addOverrideProperty("broker.journal-buffer-timeout-us", "100"); // not measured: a throwaway journal
        int[] answered = {-1};
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                Thread flow = new Thread(() -> {
                    try {
                        answered[0] = labFlow(m.getCamelContext().getRegistry().lookupByNameAndType(
                                WebexSimulator.REGISTRY_NAME, WebexSimulator.class));
                    } catch (RuntimeException e) {
                        err.println("webex-event-router training-run: " + e);
                    } finally {
                        main.completed();
                    }
                }, "wbxt-training-run");
                flow.start();
            }
        });
        int exit;
        try {
            exit = main.run(new String[0]);
        } catch (Exception e) {
            err.println("webex-event-router training-run: " + WebexEventRouter.describe(e));
            exit = 1;
        } finally {
            delete(data);
        }
        if (exit != 0 || answered[0] != ROUNDS * 4) {
            err.println("webex-event-router training-run: the bot answered " + Math.max(0, answered[0]) + " of "
                    + ROUNDS * 4 + " messages (exit " + exit + ")");
            return 1;
        }
        return 0;
    }

    /** The lab's flow, ROUNDS times in rooms of its own; the number of bot answers seen. */
    private static int labFlow(WebexSimulator webex) {
        int answers = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String email = "training-" + round + "@example.com";
            String room = webex.directRoom(email);
            webex.say(email, room, "hello");
            webex.say(email, room, "card training");
            List<Map<String, Object>> replies = webex.awaitBotMessages(room, 2, ANSWER);
            Map<String, Object> card = replies.get(replies.size() - 1);
            webex.submitCard(email, (String) card.get("id"), Map.of("input_text", "training"));
            webex.say(email, room, "help");
            answers += webex.awaitBotMessages(room, 4, ANSWER).size();
        }
        return answers;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: the OS cleans it
        }
    }
}
