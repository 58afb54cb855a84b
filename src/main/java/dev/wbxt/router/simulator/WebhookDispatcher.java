package dev.wbxt.router.simulator;

import dev.wbxt.router.simulator.WebexSimulator.Delivery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Builds webhook envelopes the way Webex does, signs them and POSTs them to the registered target URLs. */
final class WebhookDispatcher {
    private final SimulatorStore store;
    private final SimulatorWebhooks webhooks;
    private final Consumer<Delivery> recorder;
    // HTTP/1.1, as Webex delivers webhooks (the JDK client would otherwise try an h2c upgrade first)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The Mercury double, once started: it pushes the same events over its websockets. */
    private volatile MercuryDouble mercury;

    WebhookDispatcher(SimulatorStore store, SimulatorWebhooks webhooks, Consumer<Delivery> recorder) {
        this.store = store;
        this.webhooks = webhooks;
        this.recorder = recorder;
    }

    void alsoPushTo(MercuryDouble mercury) {
        this.mercury = mercury;
    }

    /** Delivers the event to every active webhook whose resource, event and filter match; one Delivery per webhook. */
    List<Delivery> dispatch(String resource, String event, String actorId, Map<String, Object> data,
                            Map<String, Object> fullResource) {
        MercuryDouble socket = mercury;
        if (socket != null) {
            socket.publish(resource, actorId, data);
        }
        List<Delivery> out = new ArrayList<>();
        for (Map<String, Object> w : webhooks.webhooks()) {
            if ("active".equals(w.get("status")) && matches(w, resource, event, fullResource)) {
                out.add(post(w, envelope(w, resource, event, actorId, data)));
            }
        }
        return out;
    }

    /** messages/created by the message's author, with the metadata Webex puts in its data: never the text. */
    List<Delivery> messageCreated(Map<String, Object> message) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (String k : List.of("id", "roomId", "roomType", "personId", "personEmail", "created")) {
            data.put(k, message.get(k));
        }
        return dispatch("messages", "created", (String) message.get("personId"), data, message);
    }

    /** Sends a caller-supplied payload as is to every registered webhook (tests of odd or hostile payloads). */
    List<Delivery> fireRaw(Map<String, Object> payload) {
        List<Delivery> out = new ArrayList<>();
        for (Map<String, Object> w : webhooks.webhooks()) {
            out.add(post(w, payload));
        }
        return out;
    }

    private boolean matches(Map<String, Object> w, String resource, String event, Map<String, Object> res) {
        boolean resourceOk = "all".equals(w.get("resource")) || resource.equals(w.get("resource"));
        boolean eventOk = "all".equals(w.get("event")) || event.equals(w.get("event"));
        return resourceOk && eventOk && filterMatches((String) w.get("filter"), res);
    }

    /** Supports the common "k=v&k2=v2" filters on top-level fields, plus mentionedPeople=me. */
    private boolean filterMatches(String filter, Map<String, Object> res) {
        if (filter == null || filter.isBlank()) {
            return true;
        }
        for (String part : filter.split("&")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq);
            String want = part.substring(eq + 1);
            Object have = res.get(key);
            if ("mentionedPeople".equals(key)) {
                String id = "me".equals(want) ? store.botId() : want;
                if (!(have instanceof List<?> l) || !l.contains(id)) {
                    return false;
                }
            } else if (have == null || !want.equals(String.valueOf(have))) {
                return false;
            }
        }
        return true;
    }

    /** The envelope of /work/shared/webex/samples/messages-created.json: key order and fields as Webex sends them. */
    private static Map<String, Object> envelope(Map<String, Object> w, String resource, String event, String actorId,
                                                Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", w.get("id"));
        e.put("name", w.get("name"));
        e.put("targetUrl", w.get("targetUrl"));
        e.put("resource", resource);
        e.put("event", event);
        if (w.get("filter") != null) {
            e.put("filter", w.get("filter"));
        }
        e.put("orgId", w.get("orgId"));
        e.put("createdBy", w.get("createdBy"));
        e.put("appId", w.get("appId"));
        e.put("ownedBy", "creator");
        e.put("status", "active");
        e.put("created", w.get("created"));
        e.put("actorId", actorId);
        e.put("data", data);
        return e;
    }

    private Delivery post(Map<String, Object> webhook, Map<String, Object> payload) {
        Delivery d = send(webhook, payload);
        recorder.accept(d);
        return d;
    }

    private Delivery send(Map<String, Object> webhook, Map<String, Object> payload) {
        String webhookId = (String) webhook.get("id");
        String target = (String) webhook.get("targetUrl");
        byte[] body = HttpIo.toBytes(payload, false);
        String payloadText = new String(body, StandardCharsets.UTF_8);
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            String secret = (String) webhook.get("secret");
            if (secret != null && !secret.isEmpty()) {
                req.header("X-Spark-Signature", sign(secret, body));
            }
            HttpResponse<String> rsp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Delivery(webhookId, target, rsp.statusCode(), rsp.body(), payloadText);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(webhookId, target, 0, "interrupted", payloadText);
        } catch (Exception e) {
            // status 0 = nothing answered (connection refused, timeout, bad URL); the reason goes in the body
            return new Delivery(webhookId, target, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), payloadText);
        }
    }

    /** Lowercase hex HMAC-SHA1 over the exact bytes sent. */
    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
