package dev.wbxt.router.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.wbxt.router.simulator.HttpIo.HttpError;
import dev.wbxt.router.simulator.WebexSimulator.Call;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Webex REST API under /v1: auth, fault injection, routing to the store (messages and their files:
 * {@link MessagesApi}), Webex-shaped errors, the calls log.
 */
final class ApiHandler implements HttpHandler {
    /** An answer header that is not sent: the file goes without Content-Length (a fault: its HEAD lied about it). */
    static final String CHUNKED = "X-Sim-Chunked";
    private static final int DEFAULT_MAX = 100;

    private final SimulatorStore store;
    private final SimulatorWebhooks webhooks;
    private final FaultInjector faults;
    private final String expectedAuth;
    private final Consumer<Call> recorder;
    private final Supplier<String> apiUrl;
    private final MessagesApi messages;

    ApiHandler(SimulatorStore store, SimulatorWebhooks webhooks, WebhookDispatcher dispatcher, FaultInjector faults,
               String botToken, Consumer<Call> recorder, Executor background, Supplier<String> apiUrl) {
        this.store = store;
        this.webhooks = webhooks;
        this.faults = faults;
        this.expectedAuth = "Bearer " + botToken;
        this.recorder = recorder;
        this.apiUrl = apiUrl;
        this.messages = new MessagesApi(store, dispatcher, background, apiUrl);
    }

    /** A handler's answer: status, JSON body (null = no content), extra headers, and the bytes of a file (or null). */
    record Answer(int status, Object body, Map<String, String> headers, byte[] file) {
        Answer(int status, Object body, Map<String, String> headers) {
            this(status, body, headers, null);
        }

        static Answer ok(Object body) {
            return new Answer(200, body, Map.of());
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String fullPath = ex.getRequestURI().getRawPath();
        String path = fullPath.length() > 3 ? fullPath.substring(3) : "/"; // strip "/v1"
        String query = ex.getRequestURI().getRawQuery();
        byte[] requestBody = HttpIo.readBody(ex);
        String requestType = ex.getRequestHeaders().getFirst("Content-Type");
        String trackingId = SimIds.trackingId();
        ex.getResponseHeaders().set("TrackingId", trackingId);

        int status;
        byte[] out;
        byte[] file = null;
        boolean chunked = false;
        try {
            Answer answer = answer(ex, method, path, requestBody);
            answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            status = answer.status();
            file = answer.file();
            chunked = file != null && answer.headers().containsKey(CHUNKED);
            out = answer.body() == null ? null : HttpIo.toBytes(answer.body(), false);
        } catch (HttpError e) {
            if (e instanceof FaultError f) {
                f.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            }
            status = e.status;
            out = HttpIo.toBytes(HttpIo.errorBody(e.getMessage(), trackingId), false);
        } catch (RuntimeException e) {
            status = 500;
            out = HttpIo.toBytes(HttpIo.errorBody("Internal simulator error: " + e, trackingId), false);
        }
        // recorded before answering, so a client that got its answer always finds its call in calls()
        recorder.accept(new Call(method, fullPath + (query == null ? "" : "?" + query), status,
                requestBody.length == 0 ? null : Multipart.isMultipart(requestType) ? summary(requestType, requestBody)
                        : new String(requestBody, StandardCharsets.UTF_8), requestType));
        if (file != null) {
            ex.getResponseHeaders().remove(CHUNKED);
            HttpIo.sendFile(ex, status, file, chunked);
        } else {
            HttpIo.send(ex, status, out);
        }
    }

    private Answer answer(HttpExchange ex, String method, String path, byte[] body) {
        FaultInjector.Decision fault = faults.decide(method, path);
        sleep(fault.delay());
        if (fault.status() != null) {
            Map<String, String> headers = fault.retryAfterSeconds() == null ? Map.of()
                    : Map.of("Retry-After", String.valueOf(fault.retryAfterSeconds()));
            throw new FaultError(fault.status(), headers);
        }
        if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            throw new HttpError(401, "The request requires a valid access token set in the Authorization request header.");
        }
        String[] seg = path.substring(1).split("/", -1);
        Map<String, String> q = HttpIo.query(ex);
        return switch (seg[0]) {
            case "people" -> people(method, seg);
            case "rooms" -> seg.length == 1 ? listRooms(method, q) : byId(method, seg, 2, store::room, "room");
            case "messages" -> messages.messages(method, seg, q, body, ex.getRequestHeaders().getFirst("Content-Type"));
            case "contents" -> messages.contents(method, seg);
            case "attachment" -> seg.length == 3 && "actions".equals(seg[1])
                    ? byId(method, new String[]{"attachment", seg[2]}, 2, store::attachmentAction, "attachment action")
                    : notFound();
            case "webhooks" -> webhooks(method, seg, q, body);
            default -> notFound();
        };
    }

    /** Lets an injected fault carry a Retry-After header through the normal error path. */
    private static final class FaultError extends HttpError {
        FaultError(int status, Map<String, String> headers) {
            super(status, reason(status));
            this.headers = headers;
        }

        final Map<String, String> headers;

        private static String reason(int status) {
            return switch (status) {
                case 429 -> "Too Many Requests";
                case 404 -> "The requested resource could not be found.";
                case 500 -> "Internal Server Error";
                case 502 -> "Bad Gateway";
                case 503 -> "Service Unavailable";
                case 504 -> "Gateway Timeout";
                default -> "Injected failure " + status;
            };
        }
    }

    private Answer people(String method, String[] seg) {
        if (seg.length == 2 && "me".equals(seg[1])) {
            requireMethod(method, "GET");
            return Answer.ok(store.bot());
        }
        return byId(method, seg, 2, store::personById, "person");
    }

    static Answer byId(String method, String[] seg, int length, java.util.function.Function<String, Map<String, Object>> get,
                       String what) {
        if (seg.length != length || seg[1].isEmpty()) {
            return notFound();
        }
        requireMethod(method, "GET");
        Map<String, Object> found = get.apply(seg[1]);
        if (found == null) {
            throw new HttpError(404, "Could not find " + what + " with id " + seg[1] + ".");
        }
        return Answer.ok(found);
    }

    /** GET /rooms: the bot's rooms; {@code type}, {@code sortBy=lastactivity} (newest activity first), {@code max}. */
    private Answer listRooms(String method, Map<String, String> q) {
        requireMethod(method, "GET");
        List<Map<String, Object>> rooms = new ArrayList<>(store.botRooms());
        if (q.get("type") != null) {
            rooms.removeIf(r -> !q.get("type").equals(r.get("type")));
        }
        if ("lastactivity".equals(q.get("sortBy"))) {
            rooms.sort((a, b) -> String.valueOf(b.get("lastActivity")).compareTo(String.valueOf(a.get("lastActivity"))));
        }
        int max = intParam(q, "max", DEFAULT_MAX);
        return Answer.ok(Map.of("items", rooms.subList(0, Math.min(max, rooms.size()))));
    }

    /** What the calls log shows of a multipart body: its fields, and of the file its name, type and size. */
    private static String summary(String contentType, byte[] body) {
        try {
            Map<String, Object> shown = new LinkedHashMap<>();
            for (Multipart.Part part : Multipart.parse(contentType, body)) {
                shown.put(part.name(), part.filename() == null ? part.text()
                        : Map.of("filename", part.filename(), "contentType", String.valueOf(part.contentType()),
                                "size", part.content().length));
            }
            return HttpIo.JSON.writeValueAsString(shown);
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return "(multipart body that could not be read: " + e.getMessage() + ")";
        }
    }

    // ---- webhooks ----------------------------------------------------------------------------------------

    private Answer webhooks(String method, String[] seg, Map<String, String> q, byte[] body) {
        if (seg.length == 1) {
            if ("POST".equals(method)) {
                Map<String, Object> req = HttpIo.parseObject(body);
                for (String f : List.of("name", "targetUrl", "resource", "event")) {
                    if (str(req, f) == null) {
                        throw new HttpError(400, f + " is required.");
                    }
                }
                return Answer.ok(webhooks.addWebhook(req));
            }
            requireMethod(method, "GET");
            return listWebhooks(q);
        }
        if (seg.length != 2 || seg[1].isEmpty()) {
            return notFound();
        }
        String id = seg[1];
        switch (method) {
            case "GET":
                return byId(method, seg, 2, webhooks::webhook, "webhook");
            case "PUT": {
                Map<String, Object> req = HttpIo.parseObject(body);
                if (str(req, "name") == null || str(req, "targetUrl") == null) {
                    throw new HttpError(400, "name and targetUrl are required.");
                }
                Map<String, Object> w = webhooks.updateWebhook(id, req);
                if (w == null) {
                    throw new HttpError(404, "Could not find webhook with id " + id + ".");
                }
                return Answer.ok(w);
            }
            case "DELETE":
                if (!webhooks.deleteWebhook(id)) {
                    throw new HttpError(404, "Could not find webhook with id " + id + ".");
                }
                return new Answer(204, null, Map.of());
            default:
                throw new HttpError(405, "Method " + method + " not allowed.");
        }
    }

    /** Pages with an opaque "after" cursor and an RFC 5988 Link header, as Webex does. */
    private Answer listWebhooks(Map<String, String> q) {
        int max = intParam(q, "max", DEFAULT_MAX);
        List<Map<String, Object>> all = webhooks.webhooks();
        int start = 0;
        String after = q.get("after");
        if (after != null) {
            for (int i = 0; i < all.size(); i++) {
                if (after.equals(all.get(i).get("id"))) {
                    start = i + 1;
                    break;
                }
            }
        }
        int end = Math.min(all.size(), start + max);
        List<Map<String, Object>> items = new ArrayList<>(all.subList(start, end));
        Map<String, String> headers = Map.of();
        if (end < all.size()) {
            String next = apiUrl.get() + "/webhooks?max=" + max + "&after="
                    + URLEncoder.encode((String) all.get(end - 1).get("id"), StandardCharsets.UTF_8);
            headers = Map.of("Link", "<" + next + ">; rel=\"next\"");
        }
        return new Answer(200, Map.of("items", items), headers);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    static Answer notFound() {
        throw new HttpError(404, "The requested resource could not be found.");
    }

    static void requireMethod(String method, String allowed) {
        if (!allowed.equals(method)) {
            throw new HttpError(405, "Method " + method + " not allowed.");
        }
    }

    static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    static int intParam(Map<String, String> q, String name, int dflt) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new HttpError(400, name + " must be a positive number.");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new HttpError(400, name + " must be a number.");
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
