package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The public port (SERVER_PORT, the one exposed to Webex and the internet) answers the webhook path only: health,
 * metrics, info and admin are on the management port, and anything else is 404 with nothing to read in it.
 */
class PublicPortTest {
    private static final String ADMIN = "test-admin-token";
    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of("admin.token", ADMIN));

    @Test
    void theOperationsEndpointsAreNotOnThePublicPort() throws Exception {
        assertNotEquals(router.baseUrl(), router.managementUrl());
        for (String path : List.of("/observe/health", "/observe/health/ready", "/observe/health/live", "/observe/metrics",
                "/observe/info", "/admin/dead-letters", "/admin/webhooks", "/admin/ui/dead-letters.html", "/admin/ui/dead-letters.js",
                "/q/dev", "/", "/api/v1/wbxt", "/nothing")) {
            HttpResponse<String> rsp = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                    .header("Authorization", "Bearer " + ADMIN).GET());
            assertEquals(404, rsp.statusCode(), path + ": " + rsp.body());
            assertEquals("", rsp.body(), path + ": a 404 says nothing (no Vert.x or Camel page)");
            assertTrue(rsp.headers().firstValue("Content-Type").isEmpty(), path + ": " + rsp.headers().map());
        }
        HttpResponse<String> replay = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/admin/dead-letters/replay"))
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}")));
        assertEquals(404, replay.statusCode(), replay.body());

        // the same requests on the management port are served
        assertEquals(200, router.manage("/observe/health").statusCode());
        assertEquals(200, router.manage("/observe/metrics").statusCode());
        assertEquals(200, router.admin(ADMIN, "GET", "/admin/dead-letters", null).statusCode());
        assertEquals(200, router.manage("/admin/ui/dead-letters.html").statusCode());
    }

    @Test
    void theWebhookPathTakesPostOnly() throws Exception {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            HttpResponse<String> rsp = router.send(HttpRequest.newBuilder(URI.create(router.webhookUrl()))
                    .method(method, HttpRequest.BodyPublishers.noBody()));
            assertEquals(405, rsp.statusCode(), method + ": " + rsp.body());
            assertEquals("POST", rsp.headers().firstValue("Allow").orElse(""), method);
            assertEquals("", rsp.body(), method);
        }
        // and a POST is the receiver's: unsigned, refused by the signature check
        HttpResponse<String> unsigned = router.send(HttpRequest.newBuilder(URI.create(router.webhookUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":\"x\"}}")));
        assertEquals(401, unsigned.statusCode(), unsigned.body());
    }

    /**
     * While the receiver is not running (a start before its route, a stop after it) the webhook path is 503 with
     * Retry-After, which Webex delivers again, never the 404 of an unknown path. A stopped receiver route stands in
     * for both here; the service's own start is the same code (PublicPort is installed before the broker starts).
     */
    @Test
    void theWebhookPathIs503WhileTheReceiverIsNotRunning() throws Exception {
        String room = router.webex.directRoom("late@example.com");
        Map<String, Object> message = router.newMessage("late@example.com", room, "while stopped");
        router.context().getRouteController().stopRoute("webhook-receiver");
        try {
            HttpResponse<String> rsp = router.deliver(router.messageCreated(message));
            assertEquals(503, rsp.statusCode(), rsp.body());
            assertEquals("10", rsp.headers().firstValue("Retry-After").orElse(""));
            assertTrue(rsp.body().contains("\"error\":\"unavailable\""), rsp.body());
            assertEquals(404, router.get("/nothing").statusCode(), "any other path is still 404");
        } finally {
            router.context().getRouteController().startRoute("webhook-receiver");
        }
        assertEquals(200, router.deliver(router.messageCreated(message)).statusCode(), "delivered again, accepted");
    }
}
