package dev.wbxt.router.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.wbxt.router.simulator.HttpIo.HttpError;
import dev.wbxt.router.simulator.WebexSimulator.Delivery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unauthenticated endpoints under /simulator for humans and scripts: "alice says hello" with one curl line,
 * and a readable (pretty-printed) answer showing what the bot replied.
 */
final class ControlHandler implements HttpHandler {
    static final String DEFAULT_FROM = "alice@example.com";
    private static final Duration REPLY_WAIT = Duration.ofSeconds(5);
    /** After the first reply, a short grace period so a bot that answers with two messages shows both. */
    private static final Duration REPLY_GRACE = Duration.ofMillis(300);

    private final WebexSimulator sim;

    ControlHandler(WebexSimulator sim) {
        this.sim = sim;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath().substring("/simulator".length());
        int status = 200;
        Object body;
        try {
            byte[] raw = HttpIo.readBody(ex);
            body = switch (method + " " + path) {
                case "POST /messages" -> Multipart.isMultipart(ex.getRequestHeaders().getFirst("Content-Type"))
                        ? postMessage(Multipart.parse(ex.getRequestHeaders().getFirst("Content-Type"), raw))
                        : postMessage(HttpIo.parseObject(raw));
                case "GET /messages" -> listMessages(HttpIo.query(ex));
                case "POST /cards" -> postCard(HttpIo.parseObject(raw));
                case "GET /calls" -> listCalls(HttpIo.query(ex));
                // for the playground page (and scripts): who and where, and what went over the wire
                case "GET /people" -> Map.of("items", sim.people());
                case "GET /rooms" -> Map.of("items", sim.rooms());
                case "POST /rooms" -> openRoom(HttpIo.parseObject(raw));
                case "GET /deliveries" -> Map.of("items", sim.deliveriesAfter(number(HttpIo.query(ex).get("after"))));
                case "POST /faults" -> addFault(HttpIo.parseObject(raw));
                case "DELETE /faults" -> {
                    sim.clearFaults();
                    yield Map.of("cleared", true);
                }
                default -> throw new HttpError(404, "Unknown simulator endpoint " + method + " " + path);
            };
        } catch (HttpError e) {
            status = e.status;
            body = Map.of("error", e.getMessage());
        } catch (IllegalArgumentException e) {
            status = 400;
            body = Map.of("error", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 503;
            body = Map.of("error", "interrupted");
        }
        HttpIo.send(ex, status, HttpIo.toBytes(body, true));
    }

    /**
     * {@code {"text": ..., "from": ..., "room": ..., "files": [{"name", "contentType", "content" or "base64"}]}}: that
     * person says it (with those files) in the room, default alice@example.com in her direct room with the bot.
     */
    private Object postMessage(Map<String, Object> req) throws InterruptedException {
        List<WebexSimulator.Upload> files = new ArrayList<>();
        if (req.get("files") instanceof List<?> list) {
            for (Object f : list) {
                if (!(f instanceof Map<?, ?> file)) {
                    throw new HttpError(400, "each of files is {\"name\", \"contentType\", \"content\" or \"base64\"}");
                }
                byte[] content = file.get("base64") != null
                        ? java.util.Base64.getDecoder().decode(String.valueOf(file.get("base64")))
                        : required(file.get("content"), "files[].content or files[].base64").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                files.add(new WebexSimulator.Upload(required(file.get("name"), "files[].name"),
                        file.get("contentType") == null ? "application/octet-stream" : String.valueOf(file.get("contentType")),
                        content));
            }
        }
        return post(req.get("from"), req.get("room"), files.isEmpty() ? required(req.get("text"), "text")
                : req.get("text") == null ? null : String.valueOf(req.get("text")), files);
    }

    /** The same from a multipart form, as {@code curl -F text=hello -F file=@report.pdf} sends it. */
    private Object postMessage(List<Multipart.Part> parts) throws InterruptedException {
        Map<String, Object> fields = new LinkedHashMap<>();
        List<WebexSimulator.Upload> files = new ArrayList<>();
        for (Multipart.Part part : parts) {
            if (part.filename() != null) {
                files.add(new WebexSimulator.Upload(part.filename(),
                        part.contentType() == null ? "application/octet-stream" : part.contentType(), part.content()));
            } else if (part.name() != null) {
                fields.put(part.name(), part.text());
            }
        }
        Object text = fields.get("text");
        return post(fields.get("from"), fields.get("room"), files.isEmpty() ? required(text, "text")
                : text == null ? null : String.valueOf(text), files);
    }

    private Object post(Object fromField, Object roomField, String text, List<WebexSimulator.Upload> files)
            throws InterruptedException {
        String from = fromField == null ? DEFAULT_FROM : String.valueOf(fromField);
        String room = roomField == null ? sim.directRoom(from) : String.valueOf(roomField);
        Map<String, Object> message = sim.post(from, room, text, files);
        List<Delivery> deliveries = sim.fireMessageCreated(message);
        return answer(message, deliveries, room, (String) message.get("id"));
    }

    private Object postCard(Map<String, Object> req) throws InterruptedException {
        String from = req.get("from") == null ? DEFAULT_FROM : String.valueOf(req.get("from"));
        String messageId = required(req.get("messageId"), "messageId");
        Map<String, Object> card = sim.message(messageId);
        if (card == null) {
            throw new HttpError(404, "Unknown message " + messageId);
        }
        String room = (String) card.get("roomId");
        List<Map<String, Object>> sofar = sim.messagesIn(room);
        String last = (String) sofar.get(sofar.size() - 1).get("id");
        @SuppressWarnings("unchecked")
        Map<String, Object> inputs = req.get("inputs") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        List<Delivery> deliveries = sim.submitCard(from, messageId, inputs);
        return answer(Map.of("messageId", messageId, "inputs", inputs), deliveries, room, last);
    }

    /** The room's messages, oldest first; with {@code after} (a message id) only the later ones. */
    private Object listMessages(Map<String, String> q) {
        List<Map<String, Object>> all = sim.messagesIn(required(q.get("roomId"), "roomId"));
        String after = q.get("after");
        for (int i = 0; after != null && i < all.size(); i++) {
            if (after.equals(all.get(i).get("id"))) {
                return Map.of("items", all.subList(i + 1, all.size()));
            }
        }
        return Map.of("items", all);
    }

    /** The REST calls received, oldest first; with {@code after=n} only those after the first n ({@code next} is the n to ask next). */
    private Object listCalls(Map<String, String> q) {
        List<WebexSimulator.Call> calls = sim.calls();
        long after = number(q.get("after"));
        int from = after > calls.size() ? 0 : (int) after; // a smaller list: the calls were cleared in between
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", calls.subList(from, calls.size()));
        out.put("next", calls.size());
        return out;
    }

    /** {"email": ...} opens the person's direct room with the bot, {"title": ...} a group room with the bot. */
    private Object openRoom(Map<String, Object> req) {
        String id = req.get("title") != null ? sim.groupRoom(required(req.get("title"), "title"))
                : sim.directRoom(required(req.get("email"), "email or title"));
        return sim.rooms().stream().filter(r -> id.equals(r.get("id"))).findFirst().orElseThrow();
    }

    private static long number(String v) {
        try {
            return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "not a number: " + v);
        }
    }

    /** Waits (bounded) for the bot's replies posted in the room after the message {@code after}. */
    private Map<String, Object> answer(Map<String, Object> message, List<Delivery> deliveries, String room, String after)
            throws InterruptedException {
        String botId = (String) sim.bot().get("id");
        List<Map<String, Object>> replies = sim.awaitAfter(room, after, botId, REPLY_WAIT);
        if (!replies.isEmpty()) {
            Thread.sleep(REPLY_GRACE.toMillis());
            replies = sim.awaitAfter(room, after, botId, Duration.ZERO);
        }
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Delivery d : deliveries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("targetUrl", d.targetUrl());
            row.put("status", d.status());
            shown.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("message", message);
        out.put("deliveries", shown);
        out.put("replies", replies);
        return out;
    }

    private Object addFault(Map<String, Object> req) {
        String method = req.get("method") == null ? null : String.valueOf(req.get("method"));
        String path = required(req.get("path"), "path");
        if (req.get("delayMs") != null) {
            sim.delay(method, path, Duration.ofMillis(((Number) req.get("delayMs")).longValue()));
        } else {
            int status = ((Number) required(req.get("status"), "status", Number.class)).intValue();
            int times = req.get("times") == null ? 1 : ((Number) req.get("times")).intValue();
            Integer retryAfter = req.get("retryAfter") == null ? null : ((Number) req.get("retryAfter")).intValue();
            sim.failNext(method, path, status, times, retryAfter);
        }
        return Map.of("added", req);
    }

    private static String required(Object v, String name) {
        if (v == null || String.valueOf(v).isBlank()) {
            throw new HttpError(400, name + " is required");
        }
        return String.valueOf(v);
    }

    private static Object required(Object v, String name, Class<?> type) {
        if (!type.isInstance(v)) {
            throw new HttpError(400, name + " is required and must be a " + type.getSimpleName().toLowerCase());
        }
        return v;
    }
}
