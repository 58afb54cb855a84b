package dev.wbxt.router.webex;

import dev.wbxt.router.simulator.WebexSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebexComponentTest {
    private static final String TOKEN = "tok-SECRET-4f1d9c";
    private WebexSimulator sim;
    private CamelContext context;
    private ProducerTemplate template;
    private SimpleMeterRegistry meters;
    private LogCapture logs;

    @BeforeAll
    void startAll() throws Exception {
        logs = LogCapture.start(Level.DEBUG, "dev.wbxt", "org.apache.camel");
        sim = WebexSimulator.start(0, TOKEN);
        WebexConfiguration cfg = componentConfig();
        context = new DefaultCamelContext();
        meters = new SimpleMeterRegistry();
        context.getRegistry().bind("meters", meters);
        context.addComponent("webex", new WebexComponent(cfg));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:me").to("webex:me");
                from("direct:getMessage").toD("webex:getMessage?id=${header.mid}");
                from("direct:getRoom").to("webex:getRoom");
                from("direct:getPerson").to("webex:getPerson");
                from("direct:getAction").to("webex:getAttachmentAction");
                from("direct:createMessage").to("webex:createMessage");
                from("direct:listWebhooks").to("webex:listWebhooks?max=2");
                from("direct:createWebhook").to("webex:createWebhook");
                from("direct:updateWebhook").to("webex:updateWebhook");
                from("direct:deleteWebhook").to("webex:deleteWebhook");
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterAll
    void stopAll() {
        context.stop();
        sim.close();
        logs.close();
        assertFalse(logs.all().contains(TOKEN), "the token must never be logged");
        assertTrue(logs.all().contains("WARN"), "Webex errors are logged at WARN");
    }

    @BeforeEach
    void clean() {
        sim.clearFaults();
        sim.clearCalls();
    }

    @AfterEach
    void noTokenInLogsSoFar() {
        assertFalse(logs.all().contains(TOKEN), "the token must never be logged");
    }

    private String aliceMessage(String text) {
        String room = sim.directRoom("alice@example.com");
        sim.say("alice@example.com", room, text);
        List<Map<String, Object>> msgs = sim.messagesIn(room);
        return (String) msgs.get(msgs.size() - 1).get("id");
    }

    private long calls(String method, String pathPrefix) {
        return sim.calls().stream().filter(c -> c.method().equals(method) && c.path().startsWith("/v1" + pathPrefix)).count();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> getMessage(String id) {
        return template.requestBodyAndHeader("direct:getMessage", null, "mid", id, Map.class);
    }

    private <T extends Throwable> T failure(Class<T> type, Runnable call) {
        CamelExecutionException e = assertThrows(CamelExecutionException.class, call::run);
        assertFalse(String.valueOf(e.getMessage()).contains(TOKEN));
        assertFalse(String.valueOf(e.getCause().getMessage()).contains(TOKEN));
        return assertInstanceOf(type, e.getCause());
    }

    @Test
    void getMessageReturnsTheTextWithStatusAndTrackingHeaders() {
        String id = aliceMessage("hello router");
        Exchange ex = template.request("direct:getMessage", e -> e.getIn().setHeader("mid", id));
        assertEquals("hello router", ex.getMessage().getBody(Map.class).get("text"));
        assertEquals(200, ex.getMessage().getHeader("WebexStatusCode"));
        assertTrue(ex.getMessage().getHeader("WebexTrackingId", String.class).startsWith("SIM_"));
    }

    @Test
    void theIdComesFromTheUriElseFromTheHeaderAndOtherGetsWork() {
        String room = sim.directRoom("bob@example.com");
        Map<?, ?> r = template.requestBodyAndHeader("direct:getRoom", null, "WebexId", room, Map.class);
        assertEquals("Bob", r.get("title"));
        String bobId = (String) sim.person("bob@example.com").get("id");
        Map<?, ?> p = template.requestBodyAndHeader("direct:getPerson", null, "WebexId", bobId, Map.class);
        assertEquals("Bob", p.get("displayName"));
        String asked = aliceMessage("asked for");
        String other = aliceMessage("other");
        Exchange ex = template.request("direct:getMessage", e -> {
            e.getIn().setHeader("mid", asked); // toD webex:getMessage?id=${header.mid}
            e.getIn().setHeader("WebexId", other);
        });
        assertEquals("asked for", ex.getMessage().getBody(Map.class).get("text"));
        assertEquals(other, ex.getMessage().getHeader("WebexId"), "the caller's header is left as it was");
    }

    @Test
    void getAttachmentActionReturnsTheInputs() throws Exception {
        // a webhook whose target is closed still records the payload Webex would have sent, with data.id
        String hook = (String) new WebexClient(context, componentConfig()).createWebhook(Map.of("name", "cards",
                "targetUrl", "http://127.0.0.1:9/closed", "resource", "attachmentActions", "event", "created")).get("id");
        String mid = aliceMessage("card");
        List<WebexSimulator.Delivery> d = sim.submitCard("alice@example.com", mid, Map.of("input_text", "typed"));
        Map<?, ?> payload = new com.fasterxml.jackson.databind.ObjectMapper().readValue(d.get(0).payload(), Map.class);
        String actionId = (String) ((Map<?, ?>) payload.get("data")).get("id");
        Map<?, ?> action = template.requestBodyAndHeader("direct:getAction", null, "WebexId", actionId, Map.class);
        assertEquals(Map.of("input_text", "typed"), action.get("inputs"));
        assertEquals(mid, action.get("messageId"));
        template.requestBodyAndHeader("direct:deleteWebhook", null, "WebexId", hook);
    }

    @Test
    void meIsFetchedOnce() {
        for (int i = 0; i < 3; i++) {
            Map<?, ?> me = template.requestBody("direct:me", null, Map.class);
            assertEquals("bot", me.get("type"));
        }
        assertEquals(1, calls("GET", "/people/me"), "me is cached after the first success");
    }

    @Test
    void tooManyRequestsWaitsRetryAfterThenSucceeds() {
        String id = aliceMessage("rate limited");
        sim.clearCalls();
        sim.failNext("GET", "/messages", 429, 1, 1);
        long t0 = System.nanoTime();
        assertEquals("rate limited", getMessage(id).get("text"));
        assertTrue(System.nanoTime() - t0 >= 950_000_000L, "waited Retry-After");
        assertEquals(2, calls("GET", "/messages"));
        assertEquals(1.0, meters.counter("wbxt_webex_retries_total", "reason", "429").count());
    }

    @Test
    void tooLongRetryAfterFailsRetryableWithoutSleeping() {
        String id = aliceMessage("x");
        sim.clearCalls();
        sim.failNext("GET", "/messages", 429, 1, 3600);
        WebexApiException e = failure(WebexApiException.class, () -> getMessage(id));
        assertTrue(e.isRetryable());
        assertEquals(429, e.getStatus());
        assertEquals(1, calls("GET", "/messages"));
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        String id = aliceMessage("flaky");
        sim.clearCalls();
        sim.failNext("GET", "/messages", 503, 2, null);
        assertEquals("flaky", getMessage(id).get("text"));
        assertEquals(3, calls("GET", "/messages"));
        assertTrue(meters.counter("wbxt_webex_retries_total", "reason", "5xx").count() >= 2);
    }

    @Test
    void serverErrorsForeverGiveARetryableFailureAfterMaxAttempts() {
        String id = aliceMessage("down");
        sim.clearCalls();
        sim.failNext("GET", "/messages", 503, 100, null);
        WebexApiException e = failure(WebexApiException.class, () -> getMessage(id));
        assertTrue(e.isRetryable());
        assertEquals(503, e.getStatus());
        assertTrue(e.getTrackingId().startsWith("SIM_"));
        assertEquals("Service Unavailable", e.getWebexMessage());
        assertEquals(4, calls("GET", "/messages"));
    }

    @Test
    void notFoundRightAfterTheWebhookIsRetried() {
        String id = aliceMessage("lagging");
        sim.clearCalls();
        sim.failNext("GET", "/messages", 404, 2, null);
        assertEquals("lagging", getMessage(id).get("text"));
        assertEquals(3, calls("GET", "/messages"));
    }

    @Test
    void notFoundForeverIsNotRetryable() {
        String unknown = "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbWlzc2luZw";
        WebexApiException e = failure(WebexApiException.class, () -> getMessage(unknown));
        assertFalse(e.isRetryable());
        assertEquals(404, e.getStatus());
        assertEquals(4, calls("GET", "/messages")); // 1 + notFoundRetries
    }

    @Test
    void badRequestFailsAtOnceNotRetryable() {
        String room = sim.directRoom("alice@example.com");
        WebexApiException e = failure(WebexApiException.class,
                () -> template.requestBody("direct:createMessage", Map.of("roomId", room, "text", "x".repeat(8000))));
        assertFalse(e.isRetryable());
        assertEquals(400, e.getStatus());
        assertNotNull(e.getWebexMessage());
        assertEquals(1, calls("POST", "/messages"));
    }

    @Test
    void invalidIdsNeverReachWebex() {
        for (String bad : List.of("../x", "a/b", "%2e", "", "a?b=c", "x".repeat(400))) {
            IllegalArgumentException e = failure(IllegalArgumentException.class,
                    () -> template.requestBodyAndHeader("direct:getRoom", null, "WebexId", bad));
            assertFalse(e.getMessage().contains(bad.isEmpty() ? "\u0000" : bad), "the id is not echoed");
        }
        // and through the endpoint option (toD) as a YAML route would write it
        assertThrows(CamelExecutionException.class, () -> getMessage("a/b"));
        assertThrows(CamelExecutionException.class, () -> getMessage("%2e"));
        failure(IllegalArgumentException.class, () -> template.requestBody("direct:getRoom", (Object) null));
        assertEquals(0, sim.calls().size());
    }

    @Test
    void createMessageFromMapOrJsonString() {
        String room = sim.directRoom("carol@example.com");
        Exchange ex = template.request("direct:createMessage", e -> e.getIn().setBody(Map.of("roomId", room, "text", "one")));
        assertEquals("one", ex.getMessage().getBody(Map.class).get("text"));
        template.requestBody("direct:createMessage", "{\"roomId\":\"" + room + "\",\"markdown\":\"**two**\"}");
        List<Map<String, Object>> bot = sim.awaitBotMessages(room, 2, Duration.ofSeconds(2));
        assertEquals(2, bot.size());
        assertEquals("**two**", bot.get(1).get("markdown"));
        failure(IllegalArgumentException.class, () -> template.requestBody("direct:createMessage", "[1,2]"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void webhookCrudAndPagedListing() {
        for (Map<String, Object> w : new WebexClient(context, componentConfig()).listWebhooks()) {
            sim.clearCalls();
            template.requestBodyAndHeader("direct:deleteWebhook", null, "WebexId", w.get("id"));
        }
        String first = null;
        for (int i = 0; i < 5; i++) {
            Map<String, Object> w = template.requestBody("direct:createWebhook", Map.of("name", "w" + i,
                    "targetUrl", "http://127.0.0.1:9/x", "resource", "messages", "event", "created"), Map.class);
            first = first == null ? (String) w.get("id") : first;
        }
        sim.clearCalls();
        List<Map<String, Object>> all = template.requestBody("direct:listWebhooks", null, List.class);
        assertEquals(5, all.size());
        assertEquals(3, calls("GET", "/webhooks"), "3 pages of max=2");
        Map<String, Object> updated = template.requestBodyAndHeader("direct:updateWebhook",
                Map.of("name", "renamed", "targetUrl", "http://127.0.0.1:9/y", "status", "active"), "WebexId", first, Map.class);
        assertEquals("renamed", updated.get("name"));
        Exchange del = template.request("direct:deleteWebhook", e -> e.getIn().setHeader("WebexId", w0(all)));
        assertEquals(204, del.getMessage().getHeader("WebexStatusCode"));
        assertEquals(4, new WebexClient(context, componentConfig()).listWebhooks().size());
    }

    private static String w0(List<Map<String, Object>> all) {
        return (String) all.get(0).get("id");
    }

    /** The component's settings, as a new object a test may change for a client of its own. */
    private WebexConfiguration componentConfig() {
        WebexConfiguration cfg = new WebexConfiguration();
        cfg.setApiUrl(sim.apiUrl());
        cfg.setBotToken(TOKEN);
        cfg.setInitialBackoffMillis(5);
        cfg.setBackoffMultiplier(2.0);
        cfg.setMaxBackoffMillis(20);
        cfg.setNotFoundRetryDelayMillis(10);
        cfg.setResponseTimeoutMillis(400);
        return cfg;
    }

    @Test
    void timeoutsAndRefusedConnectionsAreRetryable() throws Exception {
        sim.delay("GET", "/rooms", Duration.ofMillis(700));
        String room = sim.directRoom("dave@example.com");
        WebexConfiguration cfg = componentConfig();
        cfg.setMaxAttempts(2);
        try (WebexClient client = new WebexClient(context, cfg)) {
            WebexApiException e = assertThrows(WebexApiException.class, () -> client.getRoom(room));
            assertTrue(e.isRetryable());
            assertEquals(0, e.getStatus());
        }
        sim.clearFaults();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        for (String scheme : List.of("http", "https")) {
            cfg.setApiUrl(scheme + "://127.0.0.1:" + closedPort + "/v1");
            try (WebexClient client = new WebexClient(context, cfg)) {
                WebexApiException e = assertThrows(WebexApiException.class, () -> client.getRoom(room));
                assertTrue(e.isRetryable(), scheme);
            }
        }
    }

    @Test
    void aPostWithoutAnAnswerAfterItWasSentIsNotSentAgain() {
        // Webex takes longer than the response timeout (400 ms) but does create the message: sending it again would
        // post the reply twice. The call fails at once, not retryable (the event goes to the dead letters).
        // A client of its own: its failure must not count in the component's circuit breaker, shared by the tests.
        String room = sim.directRoom("henry@example.com");
        sim.delay("POST", "/messages", Duration.ofMillis(700));
        WebexApiException e;
        try (WebexClient client = new WebexClient(context, componentConfig())) {
            e = assertThrows(WebexApiException.class, () -> client.createMessage(Map.of("roomId", room, "text", "once")));
        }
        assertFalse(e.isRetryable(), e.getMessage());
        assertEquals(0, e.getStatus());
        assertTrue(e.getMessage().contains("not sent again"), e.getMessage());
        assertEquals(1, sim.awaitBotMessages(room, 1, Duration.ofSeconds(10)).size(), "Webex did post it");
        // The simulator records a call just after it stored the message: wait for the record, then count.
        await("the POST recorded").atMost(Duration.ofSeconds(10)).until(() -> calls("POST", "/messages") > 0);
        // A retry would have been sent before the failure came back (the failure is the policy's last word).
        assertEquals(1, calls("POST", "/messages"), "sent once");
    }

    @Test
    void javaClientWorksToo() {
        try (WebexClient client = new WebexClient(context, componentConfig())) {
            assertEquals("echo-bot@webex.bot", ((List<?>) client.me().get("emails")).get(0));
            String room = sim.directRoom("erin@example.com");
            Map<String, Object> m = client.createMessage(Map.of("roomId", room, "text", "hi"));
            assertEquals("hi", client.getMessage((String) m.get("id")).get("text"));
            assertThrows(IllegalArgumentException.class, () -> client.getMessage("../x"));
        }
    }

    // ---- rooms and people are reused for webex.client.cache-millis ------------------------------------------

    @SuppressWarnings("unchecked")
    private Map<String, Object> getRoom(String id) {
        return template.requestBodyAndHeader("direct:getRoom", null, "WebexId", id, Map.class);
    }

    /** A client of its own, on the component's settings with another cache time. */
    private WebexClient clientCaching(long cacheMillis) {
        WebexConfiguration cfg = componentConfig();
        cfg.setCacheMillis(cacheMillis);
        return new WebexClient(context, cfg);
    }

    @Test
    void aRoomOrPersonIsFetchedOnceWithinTheCacheTime() {
        String room = sim.groupRoom("cached room");
        String other = sim.groupRoom("another cached room");
        for (int i = 0; i < 3; i++) {
            assertEquals("cached room", getRoom(room).get("title"));
        }
        assertEquals(1, calls("GET", "/rooms/" + room), "the same room within the cache time: one call");
        assertEquals("another cached room", getRoom(other).get("title"));
        assertEquals(1, calls("GET", "/rooms/" + other), "another room is fetched");
        assertEquals(2, calls("GET", "/rooms/"));
        String frank = (String) sim.person("frank@example.com").get("id");
        for (int i = 0; i < 2; i++) {
            Map<?, ?> p = template.requestBodyAndHeader("direct:getPerson", null, "WebexId", frank, Map.class);
            assertEquals("Frank", p.get("displayName"));
        }
        assertEquals(1, calls("GET", "/people/" + frank), "people are cached the same way");
    }

    @Test
    void aRoomIsFetchedAgainOnceTheCacheTimeHasPassed() {
        // The simulator cannot rename a room, so a changed title is not checked here: a new call is what shows it.
        String room = sim.groupRoom("short-lived room");
        WebexConfiguration cfg = componentConfig();
        cfg.setCacheMillis(300);
        AtomicLong nanos = new AtomicLong(); // the cache's clock, moved by the test only
        try (WebexClient client = new WebexClient(context, cfg, new WebexAvailability(cfg), nanos::get)) {
            assertEquals("short-lived room", client.getRoom(room).get("title"));
            nanos.addAndGet(Duration.ofMillis(299).toNanos());
            assertEquals("short-lived room", client.getRoom(room).get("title"));
            assertEquals(1, calls("GET", "/rooms/" + room), "reused within 300 ms");
            nanos.addAndGet(Duration.ofMillis(2).toNanos());
            assertEquals("short-lived room", client.getRoom(room).get("title"));
            assertEquals(2, calls("GET", "/rooms/" + room), "fetched again after the cache time");
        }
    }

    @Test
    void cacheMillisZeroSendsEveryGet() {
        String room = sim.groupRoom("never cached room");
        String grace = (String) sim.person("grace@example.com").get("id");
        try (WebexClient client = clientCaching(0)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("never cached room", client.getRoom(room).get("title"));
                assertEquals("Grace", client.getPerson(grace).get("displayName"));
            }
        }
        assertEquals(3, calls("GET", "/rooms/" + room));
        assertEquals(3, calls("GET", "/people/" + grace));
    }

    @Test
    void aFailedGetIsNotCached() {
        String unknown = "Y2lzY29zcGFyazovL3VzL1JPT00vbWlzc2luZw";
        for (int i = 1; i <= 2; i++) {
            WebexApiException e = failure(WebexApiException.class, () -> getRoom(unknown));
            assertEquals(404, e.getStatus());
            assertEquals(i, calls("GET", "/rooms/" + unknown), "every call for an unknown room reaches Webex");
        }
        // a room Webex did not find a moment ago (its lag behind a webhook) is found on the next call
        String room = sim.groupRoom("found later");
        sim.failNext("GET", "/rooms/" + room, 404, 1, null);
        assertEquals(404, failure(WebexApiException.class, () -> getRoom(room)).getStatus());
        assertEquals("found later", getRoom(room).get("title"));
        assertEquals(2, calls("GET", "/rooms/" + room));
    }

    @Test
    void changingTheMapOfACachedRoomDoesNotChangeTheNextAnswer() {
        String room = sim.groupRoom("untouchable room");
        Map<String, Object> first = getRoom(room); // fetched
        first.put("title", "changed by a route");
        first.remove("type");
        first.put("extra", 1);
        Map<String, Object> second = getRoom(room); // cached
        assertEquals("untouchable room", second.get("title"));
        assertEquals("group", second.get("type"));
        assertFalse(second.containsKey("extra"));
        second.put("title", "changed again");
        second.clear();
        Map<String, Object> third = getRoom(room); // cached
        assertEquals("untouchable room", third.get("title"));
        assertEquals(sim.rooms().stream().filter(r -> room.equals(r.get("id"))).findFirst().orElseThrow(), third);
        assertEquals(1, calls("GET", "/rooms/" + room), "the second and third answers came from the cache");
    }
}
