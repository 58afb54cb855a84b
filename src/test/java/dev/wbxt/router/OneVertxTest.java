package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wbxt.router.webex.SharedVertx;
import io.vertx.core.Vertx;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 8: one Vert.x instance serves the public port and the management port (and the websocket client);
 * the Webex REST client keeps an instance of its own, whose one event loop runs at {@code processing.nice}
 * (ProcessingPriorityTest). Seen from the servers' Vert.x objects and from the threads the service started: one
 * acceptor thread, two blocked-thread checkers (one per Vert.x instance), the Webex client's event loop. And both
 * ports still answer what they serve: the webhook on the public port, health, metrics and admin on the management
 * port.
 */
class OneVertxTest {
    private static final String ADMIN = "one-vertx-admin-token";

    @Test
    void thePublicAndTheManagementServerShareOneVertxAndTheWebexClientHasItsOwn() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("admin.token", ADMIN))) {
            Set<Thread> before = Thread.getAllStackTraces().keySet(); // the simulator's threads are there already
            router.start();
            router.registerWebhooks();

            Set<VertxPlatformHttpServer> servers = router.context().hasServices(VertxPlatformHttpServer.class);
            assertEquals(2, servers.size(), "the public server and the management server");
            Vertx server = servers.iterator().next().getVertx();
            for (VertxPlatformHttpServer s : servers) {
                assertSame(server, s.getVertx(), "both ports are served by one Vert.x instance");
            }
            assertSame(server, SharedVertx.of(router.context()), "the websocket client runs on it too");
            assertNotSame(server, SharedVertx.client(router.context()), "the Webex client has its own");

            String room = router.webex.directRoom("one-vertx@example.com");
            var rsp = router.deliver(router.messageCreated(router.newMessage("one-vertx@example.com", room, "hello")));
            assertEquals(200, rsp.statusCode(), rsp.body());
            router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));
            assertEquals(200, router.manage("/observe/health").statusCode());
            assertTrue(router.manage("/observe/metrics").body().contains("wbxt_events_received_total"));
            assertEquals(200, router.admin(ADMIN, "GET", "/admin/dead-letters", null).statusCode());
            assertEquals(404, router.get("/observe/health").statusCode(), "the public port serves the webhook only");

            List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .map(Thread::getName).sorted().toList();
            System.out.println("Vert.x threads the service started: "
                    + started.stream().filter(n -> n.startsWith("vert") || n.startsWith("wbxt-webex")).toList());
            assertEquals(1, count(started, "vert.x-acceptor-thread-"), "one Vert.x instance runs servers: " + started);
            assertEquals(2, count(started, "vertx-blocked-thread-checker"), "two Vert.x instances: " + started);
            assertEquals(1, count(started, "wbxt-webex-eventloop"), started.toString());
        }
    }

    private static long count(List<String> threads, String prefix) {
        return threads.stream().filter(n -> n.startsWith(prefix)).count();
    }
}
