package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.webex.SharedVertx;
import dev.wbxt.router.webex.WebexComponent;
import io.vertx.core.Vertx;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiver before processing (issue 19): the webhooks are served on the public server's event loop at the normal
 * CPU priority; processing (the lanes, the routes after a Webex answer) and the Webex client's own event loop run at
 * {@code processing.nice}. Read from the threads themselves ({@code /proc/thread-self/stat}), while the service
 * answers a real message.
 */
class ProcessingPriorityTest {
    @RegisterExtension
    static final RouterHarness router = new RouterHarness().withWebhooks();

    @Test
    void processingAndTheWebexClientRunBelowTheReceiver() throws Exception {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")) && Files.isExecutable(Path.of("/usr/bin/renice")),
                "Linux with renice (util-linux) only");
        String room = router.webex.directRoom("nice@example.com");
        router.deliver(router.messageCreated(router.newMessage("nice@example.com", room, "hello")));
        router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10)); // the processing threads exist and ran

        Vertx server = router.context().hasService(VertxPlatformHttpServer.class).getVertx();
        Vertx webex = SharedVertx.client(router.context());
        assertNotSame(server, webex, "the webhooks are not served on the Webex client's event loop");

        // the JVM's own priority: 0 normally, 19 under the team's `nice -n 19 mvn ...` (every thread inherits it)
        int normal = niceOfThisThread();
        assertEquals(normal, on(server), "the receiver's event loop keeps the normal priority");
        assertEquals(10, on(webex), "the Webex client's event loop runs at processing.nice");
        CompletableFuture<Integer> processing = CompletableFuture.supplyAsync(ProcessingPriorityTest::niceOfThisThread,
                router.context().getComponent("webex", WebexComponent.class).getExecutorService());
        assertEquals(10, processing.get(10, TimeUnit.SECONDS), "the processing threads run at processing.nice");
    }

    /** The nice value of a thread of that Vert.x instance's event loops. */
    private static int on(Vertx vertx) throws Exception {
        CompletableFuture<Integer> nice = new CompletableFuture<>();
        vertx.runOnContext(ignored -> nice.complete(niceOfThisThread()));
        return nice.get(10, TimeUnit.SECONDS);
    }

    private static int niceOfThisThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // after "(comm) ": state is field 3, nice is field 19
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
