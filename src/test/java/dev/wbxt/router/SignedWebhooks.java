package dev.wbxt.router;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.ingest.SignatureVerifier;
import dev.wbxt.router.simulator.WebexSimulator;

/**
 * Webhooks as Webex sends them to a router running as a process ({@link RouterProcess}): the body of the simulator's
 * registered {@code messages} webhook for a message, signed with {@link RouterHarness#SECRET}, POSTed to a URL.
 */
final class SignedWebhooks {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final SignatureVerifier SIGNER = new SignatureVerifier(RouterHarness.SECRET);

    private SignedWebhooks() {
    }

    /** The messages/created webhook Webex sends for that message, as the simulator's registered webhook has it. */
    static String messageCreated(WebexSimulator webex, Map<String, Object> message) throws IOException {
        Map<String, Object> hook = webex.webhooks().stream().filter(w -> "messages".equals(w.get("resource")))
                .findFirst().orElseThrow(() -> new IllegalStateException("no messages webhook registered yet"));
        Map<String, Object> data = new LinkedHashMap<>();
        for (String k : List.of("id", "roomId", "roomType", "personId", "personEmail", "created")) {
            data.put(k, message.get(k));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        for (String k : List.of("id", "name", "targetUrl", "orgId", "createdBy", "appId", "created")) {
            event.put(k, hook.get(k));
        }
        event.put("resource", "messages");
        event.put("event", "created");
        event.put("ownedBy", "creator");
        event.put("status", "active");
        event.put("actorId", message.get("personId"));
        event.put("data", data);
        return RouterHarness.JSON.writeValueAsString(event);
    }

    /** POSTs a signed webhook; the answer, or null when the service cannot be reached or does not answer in 10 s. */
    static HttpResponse<String> post(String url, String payload) throws InterruptedException {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("X-Spark-Signature", SIGNER.sign(body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException unreachable) {
            return null;
        }
    }

    /** The status of {@link #post}, or 0 when there was no answer. */
    static int deliver(String url, String payload) throws InterruptedException {
        HttpResponse<String> rsp = post(url, payload);
        return rsp == null ? 0 : rsp.statusCode();
    }
}
