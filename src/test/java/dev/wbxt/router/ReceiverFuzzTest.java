package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntPredicate;

import dev.wbxt.router.ingest.SignatureVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of hostile, broken and odd requests at the receiver (seeded: {@code -Dfuzz.seed=<seed>} replays a run,
 * {@code -Dfuzz.requests=<n>} sets the count, default 3000). Each request is generated with what it may be
 * answered: 200 only for what is genuinely a valid, signed Webex notification, a given 4xx for what the contract
 * names, any 4xx for the rest. Never a 5xx, never a hang (5 s per request), the service healthy at the end, and
 * the real events sent every 100th request all answered by the bot.
 */
class ReceiverFuzzTest {
    private static final int LIMIT = 1024 * 1024; // camel.server.max-body-size
    private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** Accepted fuzz events point at this room, which does not exist: they are dead-lettered, in their own group. */
    private static final String FUZZ_ROOM = "Y2lzY29zcGFyazovL3VzL1JPT00vZnV6ei1yb29t";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    // Accepted fuzz events reference messages Webex does not have: dead-letter them at the first 404.
    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of("webex.client.not-found-retries", "0"));

    /** One request and what it may be answered; {@code wireTruncated}: the body is cut short on the wire. */
    private record Case(String category, String method, String contentType, byte[] body, List<String> signatures,
                        String expected, IntPredicate allowed, boolean wireTruncated) {
    }

    private final SignatureVerifier signer = new SignatureVerifier(RouterHarness.SECRET);
    private Random rnd = new Random(1);

    // ---- bugs the fuzzer found (fixed): each stays as a regression test ----------------------------------------

    /**
     * Found by the fuzzer: JSON text must be UTF-8 (RFC 8259 section 8.1) and a body that is not JSON is a
     * 400 (CONTRACT.md), but Jackson's byte parser lets some invalid sequences inside a string through; the receiver
     * then stores {@code new String(body, UTF_8)}, which silently replaces them with U+FFFD: the stored event is not
     * the signed bytes.
     */
    @Test
    void invalidUtf8IsRejectedAs400() throws Exception {
        String valid = validJson();
        List<String> accepted = new ArrayList<>();
        for (byte[] bad : INVALID_UTF8) {
            HttpResponse<String> rsp = router.send(signedPost(invalidUtf8(valid, bad), "application/json"));
            if (rsp.statusCode() != 400) {
                accepted.add(java.util.HexFormat.ofDelimiter(" ").formatHex(bad) + " -> " + rsp.statusCode());
            }
        }
        assertEquals(List.of(), accepted, "invalid UTF-8 inside a string must be 400 (not JSON)");
    }

    /**
     * Found by the fuzzer: {@code {...}{...}} or {@code {...} x} is not JSON, but the receiver's
     * {@code readTree} stops after the first value and ignores the rest (Jackson's FAIL_ON_TRAILING_TOKENS is off):
     * 200, and the whole body is stored. The same rationale as the strict duplicate-key check applies: two readers may
     * disagree on what the body says.
     */
    @Test
    void trailingContentAfterTheJsonDocumentIs400() throws Exception {
        String valid = validJson();
        Map<String, Integer> answers = new TreeMap<>();
        for (String tail : List.of(valid, " x", "]", "}", ",", "{")) {
            answers.put("<valid>" + (tail.equals(valid) ? "<valid>" : tail),
                    router.send(signedPost(bytes(valid + tail), "application/json")).statusCode());
        }
        assertTrue(answers.values().stream().allMatch(s -> s == 400),
                "a body with content after the JSON document must be 400: " + answers);
    }

    /**
     * Found by the fuzzer: {@code Content-Type: json} is not a media type (no subtype), let alone
     * application/json, but the receiver takes it as JSON (200) while {@code text/json} or {@code application/jsonx}
     * get the contract's 415.
     */
    @Test
    void contentTypeJsonWithoutATypeIs415() throws Exception {
        assertEquals(415, router.send(signedPost(validBody(), "json")).statusCode(),
                "Content-Type 'json' is not application/json");
    }

    private HttpRequest.Builder signedPost(byte[] body, String contentType) {
        return HttpRequest.newBuilder(URI.create(router.webhookUrl())).header("Content-Type", contentType)
                .header("X-Spark-Signature", signer.sign(body)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    @Test
    void hostileRequestsAreRefusedWith4xxNeverCrashOrHangTheReceiver() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("fuzz.requests", 3000);
        System.out.println("[ReceiverFuzzTest] seed " + seed + " (replay: -Dfuzz.seed=" + seed + "), " + requests + " requests");
        rnd = new Random(seed);
        {
            List<String> rooms = new ArrayList<>();
            for (int r = 0; r < 5; r++) {
                rooms.add(router.webex.directRoom("fuzz-witness" + r + "@example.com"));
            }
            Map<String, Integer> perStatus = new TreeMap<>();
            Map<String, Map<String, Integer>> perCategory = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            Map<String, Integer> validSentPerRoom = new LinkedHashMap<>();
            long started = System.nanoTime();

            for (int i = 1; i <= requests; i++) {
                if (i % 100 == 0) { // a real event in between: it must be accepted and answered
                    String room = rooms.get((i / 100) % rooms.size());
                    Map<String, Object> message = router.newMessage("fuzz-witness" + rooms.indexOf(room) + "@example.com",
                            room, "witness " + i);
                    HttpResponse<String> rsp = router.deliver(router.messageCreated(message));
                    count(perStatus, perCategory, "witness (real event)", String.valueOf(rsp.statusCode()));
                    if (rsp.statusCode() != 200) {
                        failures.add("#" + i + " witness: " + rsp.statusCode() + " " + rsp.body());
                    }
                    validSentPerRoom.merge(room, 1, Integer::sum);
                    continue;
                }
                Case c = next(router);
                String outcome = send(router, c);
                count(perStatus, perCategory, c.category(), outcome);
                boolean ok = outcome.matches("\\d{3}") ? c.allowed().test(Integer.parseInt(outcome))
                        : c.wireTruncated() && outcome.equals("closed");
                if (!ok || outcome.startsWith("5")) {
                    failures.add("#" + i + " " + c.category() + ": got " + outcome + ", expected " + c.expected()
                            + " (content type " + c.contentType() + ", signatures " + c.signatures() + ", "
                            + c.body().length + " bytes: " + preview(c.body()) + ")");
                }
            }
            long fuzzMillis = (System.nanoTime() - started) / 1_000_000;

            HttpResponse<String> health = router.manage("/observe/health");
            System.out.println("[ReceiverFuzzTest] " + requests + " requests in " + fuzzMillis + " ms; answers per status: "
                    + perStatus);
            perCategory.forEach((category, statuses) ->
                    System.out.printf("[ReceiverFuzzTest]   %-44s %s%n", category, statuses));
            failures.stream().limit(40).forEach(f -> System.out.println("[ReceiverFuzzTest] FAIL " + f));

            // The real events are all answered, in their rooms.
            int answered = 0;
            for (Map.Entry<String, Integer> room : validSentPerRoom.entrySet()) {
                answered += Math.min(room.getValue(), router.webex.awaitBotMessages(room.getKey(), room.getValue(),
                        Duration.ofSeconds(30)).size());
            }
            int witnesses = validSentPerRoom.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("[ReceiverFuzzTest] real events sent in between: " + witnesses + ", answered: " + answered
                    + "; health at the end: " + health.statusCode());

            assertEquals(List.of(), failures, failures.size() + " request(s) answered wrongly (seed " + seed + ")");
            assertTrue(perStatus.keySet().stream().noneMatch(s -> s.startsWith("5")), "a 5xx: " + perStatus);
            assertEquals(200, health.statusCode(), health.body());
            assertEquals(witnesses, answered, "every real event sent between the fuzz requests is answered");
        }
    }

    // ---- sending -----------------------------------------------------------------------------------------

    /** The status code as text, or "timeout" (a hang), "closed" (no answer, connection closed), "io: ...". */
    private String send(RouterHarness router, Case c) throws InterruptedException {
        if (c.wireTruncated()) {
            return sendTruncated(router, c);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(router.webhookUrl())).timeout(TIMEOUT)
                .method(c.method(), HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        c.signatures().forEach(s -> request.header("X-Spark-Signature", s));
        try {
            return String.valueOf(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        } catch (HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "io: " + e;
        }
    }

    /** Announces the whole body, sends part of it, and closes its side: the answer may only be a 4xx or nothing. */
    private String sendTruncated(RouterHarness router, Case c) {
        URI uri = URI.create(router.webhookUrl());
        int cut = c.body().length == 0 ? 0 : rnd.nextInt(c.body().length);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                    + "Content-Type: " + c.contentType() + "\r\nContent-Length: " + c.body().length + "\r\n");
            c.signatures().forEach(s -> head.append("X-Spark-Signature: ").append(s).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(c.body(), 0, cut);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; answer.size() < 12 && (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
            }
            String text = answer.toString(StandardCharsets.US_ASCII);
            return text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? text.substring(9, 12) : "closed";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "closed"; // reset by the server: no answer to a request it never got whole
        }
    }

    // ---- generating --------------------------------------------------------------------------------------

    private Case next(RouterHarness router) throws IOException {
        int pick = rnd.nextInt(100);
        if (pick < 8) {
            return signed("valid notification", "200", s -> s == 200, validBody());
        } else if (pick < 12) {
            String ws = pickOf(" ", "\n", "\r\n", "\t", "  \n\t ");
            return signed("valid, whitespace around", "200", s -> s == 200, bytes(ws + validJson() + ws));
        } else if (pick < 17) {
            return signatureVariant();
        } else if (pick < 24) {
            return wrongSignature();
        } else if (pick < 38) {
            return garbageSignedCorrectly();
        } else if (pick < 46) {
            return nestingBomb();
        } else if (pick < 52) {
            return hugeNumber();
        } else if (pick < 64) {
            return badId();
        } else if (pick < 75) {
            return contentType();
        } else if (pick < 76) {
            return nearTheLimit();
        } else if (pick < 92) {
            return mutated();
        } else if (pick < 95) {
            return otherMethod();
        } else {
            byte[] body = pickOf(validBody(), bytes("{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":\"x\"}}"),
                    bytes("{\"a\":[1,2,3,{\"b\":\"" + "x".repeat(rnd.nextInt(5000)) + "\"}]}"));
            return new Case("truncated on the wire", "POST", "application/json", body, List.of(signer.sign(body)),
                    "4xx or no answer", s -> s >= 400 && s < 500, true);
        }
    }

    private Case signatureVariant() {
        byte[] body = validBody();
        String sig = signer.sign(body);
        return switch (rnd.nextInt(6)) {
            case 0 -> new Case("signature upper-case hex", "POST", "application/json", body, List.of(sig.toUpperCase()),
                    "200", s -> s == 200, false);
            case 1 -> new Case("signature with spaces around", "POST", "application/json", body, List.of("  " + sig + " "),
                    "200", s -> s == 200, false);
            case 2 -> new Case("two signature headers, right then wrong", "POST", "application/json", body,
                    List.of(sig, randomHex(40)), "200 or 401", s -> s == 200 || s == 401, false);
            case 3 -> new Case("two signature headers, wrong then right", "POST", "application/json", body,
                    List.of(randomHex(40), sig), "200 or 401", s -> s == 200 || s == 401, false);
            case 4 -> new Case("two signature headers, both right", "POST", "application/json", body, List.of(sig, sig),
                    "200 or 401", s -> s == 200 || s == 401, false);
            default -> new Case("signature with an inner space", "POST", "application/json", body,
                    List.of(sig.substring(0, 20) + " " + sig.substring(20)), "401", s -> s == 401, false);
        };
    }

    private Case wrongSignature() {
        byte[] body = validBody();
        String sig = signer.sign(body);
        List<String> signatures = switch (rnd.nextInt(9)) {
            case 0 -> List.of();
            case 1 -> List.of(randomHex(40));
            case 2 -> List.of(new SignatureVerifier("other-secret").sign(body));
            case 3 -> List.of(sig.substring(0, 39));
            case 4 -> List.of(sig + "0");
            case 5 -> List.of("sha1=" + sig);
            case 6 -> List.of(randomHex(64)); // a SHA-256 length
            case 7 -> List.of(signer.sign(bytes(new String(body, StandardCharsets.UTF_8) + " ")));
            default -> List.of("");
        };
        return new Case("wrong or missing signature, valid body", "POST", "application/json", body, signatures, "401",
                s -> s == 401, false);
    }

    private Case garbageSignedCorrectly() throws IOException {
        String valid = validJson();
        int kind = rnd.nextInt(14);
        if (kind == 3) {
            return signed("invalid UTF-8 in a string", "400", s -> s == 400,
                    invalidUtf8(valid, pickOf(INVALID_UTF8)));
        }
        if (kind == 8) {
            return signed("trailing content after the JSON", "400", s -> s == 400,
                    bytes(valid + pickOf(valid, " x", "]", "}", ",", "\u0000", "{")));
        }
        if (kind == 13) {
            // RFC 8259 section 8.1: a parser MAY ignore a byte order mark
            return signed("byte order mark before valid JSON", "200 or 400", s -> s == 200 || s == 400,
                    bytes("\uFEFF" + valid));
        }
        if (kind == 9) {
            Map<String, Object> n = validNotification();
            n.put(pickOf("resource", "event"), pickOf("", "messages/x", "mess ages", "..", "m".repeat(41), "m\u00e9ssages",
                    42, List.of("messages")));
            return signed("resource or event not a plain word", "400", s -> s == 400, RouterHarness.JSON.writeValueAsBytes(n));
        }
        byte[] body = switch (kind) {
            case 0 -> new byte[0];
            case 1 -> bytes(pickOf(" ", "\n", "\r\n\t  ", " ".repeat(1 + rnd.nextInt(10000))));
            case 2 -> randomBytes(1 + rnd.nextInt(2000));
            case 4 -> bytes(valid.substring(0, rnd.nextInt(valid.length()))); // truncated JSON
            case 5 -> bytes(pickOf("null", "true", "42", "\"text\"", "[]", "[{}]", "{}", "[" + valid + "]"));
            case 6 -> bytes("{\"resource\":\"messages\",\"resource\":\"rooms\",\"event\":\"created\",\"data\":{\"id\":\""
                    + randomId(40) + "\"}}"); // duplicate keys
            case 7 -> bytes(valid.replaceFirst("\"data\":\\{", "\"data\":{\"id\":\"" + randomId(30) + "\",")); // duplicate data.id
            case 10 -> bytes("{\"resource\":\"messages\",\"event\":\"created\"}");
            case 11 -> bytes("{\"resource\":\"messages\",\"event\":\"created\",\"data\":" + pickOf("null", "[]", "\"id\"", "{}",
                    "{\"id\":null}", "{\"id\":\"\"}") + "}");
            default -> bytes(valid.replace("{", "{/*c*/")); // comments are not JSON
        };
        return signed("garbage, correctly signed", "400", s -> s == 400, body);
    }

    private Case nestingBomb() {
        int depth = pickOf(70, 1_000, 10_000, 100_000, 500_000);
        boolean arrays = rnd.nextBoolean();
        StringBuilder bomb = new StringBuilder(depth * 6);
        for (int d = 0; d < depth; d++) {
            bomb.append(arrays ? "[" : "{\"a\":");
        }
        bomb.append("1");
        if (rnd.nextInt(4) > 0) { // sometimes left open as well
            for (int d = 0; d < depth; d++) {
                bomb.append(arrays ? "]" : "}");
            }
        }
        String body = rnd.nextBoolean() ? bomb.toString()
                : validJson().replaceFirst("\\{", "{\"deep\":" + bomb + ",");
        byte[] bytes = bytes(body);
        return signed("JSON nesting bomb", bytes.length > LIMIT ? "413" : "400",
                bytes.length > LIMIT ? s -> s == 413 : s -> s == 400, bytes);
    }

    private Case hugeNumber() {
        String number = pickOf("1e999999", "-1e999999", "1e-999999", "9".repeat(300), "-" + "1".repeat(101),
                "0." + "5".repeat(200), "1" + "0".repeat(99), "NaN", "Infinity", "01", "1.", ".5", "0x10");
        String where = pickOf("top", "data", "id");
        String valid = validJson();
        String body = switch (where) {
            case "top" -> valid.replaceFirst("\\{", "{\"n\":" + number + ",");
            case "data" -> valid.replaceFirst("\"data\":\\{", "\"data\":{\"n\":" + number + ",");
            default -> valid.replaceFirst("\"data\":\\{\"id\":\"[^\"]*\"", "\"data\":{\"id\":" + number);
        };
        boolean jsonNumber = number.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][-+]?\\d+)?");
        boolean parses = jsonNumber && number.replaceAll("[-.]", "").length() <= 100; // maxNumberLength(100)
        if (parses && !where.equals("id")) {
            // 1e999999 is a valid JSON number: a notification that carries one elsewhere is still a notification
            return signed("huge number, parseable, outside the ids", "200", s -> s == 200, bytes(body));
        }
        return signed("huge or invalid number", "400", s -> s == 400, bytes(body));
    }

    private Case badId() throws IOException {
        Object id = switch (rnd.nextInt(16)) {
            case 0 -> "abc/def";
            case 1 -> "../../people/me";
            case 2 -> randomId(20) + "%2f" + randomId(5);
            case 3 -> randomId(10) + "?max=1000";
            case 4 -> "Y2lz\u00e9\u4e2d\uD83D\uDE00";
            case 5 -> randomId(301);
            case 6 -> randomId(5_000 + rnd.nextInt(100_000));
            case 7 -> 42;
            case 8 -> List.of(randomId(10));
            case 9 -> Map.of("id", randomId(10));
            case 10 -> true;
            case 11 -> randomId(20) + "#frag";
            case 12 -> randomId(10) + " " + randomId(10);
            case 13 -> randomId(10) + "\u0000";
            case 14 -> randomId(10) + "\n";
            default -> "%2e%2e%2f";
        };
        String field = pickOf("data.id", "data.roomId", "data.personId", "data.messageId", "data.parentId", "actorId",
                "id", "orgId", "createdBy", "appId");
        Map<String, Object> notification = validNotification();
        if (field.startsWith("data.")) {
            data(notification).put(field.substring(5), id);
        } else {
            notification.put(field, id);
        }
        boolean missingDataId = field.equals("data.id") && !(id instanceof String);
        return signed("id that is not a Webex id", missingDataId ? "400" : "400 invalid_id", s -> s == 400,
                RouterHarness.JSON.writeValueAsBytes(notification));
    }

    private Case contentType() {
        byte[] body = validBody();
        String type = pickOf("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
                "text/plain", "text/plain; charset=utf-8", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz", "text/html", "image/png", "application/octet-stream",
                null, "", "APPLICATION/JSON", "application/json; charset=latin1", "application/jsonx", "text/json",
                "application/vnd.api+json", "application/json-patch+json", "*/*", "application/*", ";;;", "json");
        if (type != null && type.startsWith("multipart")) {
            body = bytes("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + new String(body, StandardCharsets.UTF_8)
                    + "\r\n--xyz--\r\n");
        }
        String category = "content type " + type;
        if (type != null && type.toLowerCase().startsWith("application/json") && !type.startsWith("application/jsonx")
                && !type.contains("patch")) {
            if (type.equals("application/json") || type.contains("utf") || type.contains("UTF")) {
                return new Case(category, "POST", type, body, List.of(signer.sign(body)), "200", s -> s == 200, false);
            }
            // JSON in another case or charset: either answer is defensible, never a 5xx
            return new Case(category, "POST", type, body, List.of(signer.sign(body)), "200 or 4xx",
                    s -> s == 200 || s / 100 == 4, false);
        }
        if (type == null || type.isEmpty() || type.contains("*")) {
            return new Case(category, "POST", type, body, List.of(signer.sign(body)), "415", s -> s == 415, false);
        }
        return new Case(category, "POST", type, body, List.of(signer.sign(body)), "415", s -> s == 415, false);
    }

    private Case nearTheLimit() throws IOException {
        Map<String, Object> notification = validNotification();
        notification.put("pad", "");
        int base = RouterHarness.JSON.writeValueAsBytes(notification).length;
        int target = LIMIT + pickOf(-1000, -1, 0, 1, 1000, LIMIT);
        notification.put("pad", "x".repeat(Math.max(0, target - base)));
        byte[] body = RouterHarness.JSON.writeValueAsBytes(notification);
        return body.length <= LIMIT
                ? signed("valid, near the size limit", "200", s -> s == 200, body)
                : signed("valid, over the size limit", "413", s -> s == 413, body);
    }

    /** A valid notification with one random edit, signed after the edit: anything but a 5xx. */
    private Case mutated() {
        byte[] body = validBody();
        byte[] mutant;
        int at = rnd.nextInt(body.length);
        switch (rnd.nextInt(4)) {
            case 0 -> {
                mutant = body.clone();
                mutant[at] = (byte) rnd.nextInt(256);
            }
            case 1 -> {
                mutant = new byte[body.length - 1];
                System.arraycopy(body, 0, mutant, 0, at);
                System.arraycopy(body, at + 1, mutant, at, body.length - at - 1);
            }
            case 2 -> {
                mutant = new byte[body.length + 1];
                System.arraycopy(body, 0, mutant, 0, at);
                mutant[at] = (byte) (int) pickOf((int) '"', (int) '{', (int) '}', (int) '[', (int) ']', (int) ',', (int) ':',
                        (int) '\\', 0, 0xC3, 0xFF, (int) 'x', (int) ' ');
                System.arraycopy(body, at, mutant, at + 1, body.length - at);
            }
            default -> {
                int len = Math.min(body.length - at, 1 + rnd.nextInt(20));
                mutant = new byte[body.length + len];
                System.arraycopy(body, 0, mutant, 0, at + len);
                System.arraycopy(body, at, mutant, at + len, body.length - at);
            }
        }
        if (rnd.nextInt(4) == 0) { // the signature of the original: the edit must be noticed
            return new Case("mutated, original signature", "POST", "application/json", mutant, List.of(signer.sign(body)),
                    java.util.Arrays.equals(body, mutant) ? "200" : "401", java.util.Arrays.equals(body, mutant)
                    ? s -> s == 200 : s -> s == 401, false);
        }
        return signed("mutated, re-signed", "200 or 400", s -> s == 200 || s == 400, mutant);
    }

    private Case otherMethod() {
        byte[] body = validBody();
        String method = pickOf("GET", "PUT", "DELETE", "PATCH", "OPTIONS");
        return new Case("method " + method, method, "application/json", method.equals("GET") ? new byte[0] : body,
                List.of(signer.sign(body)), "405", s -> s == 405, false);
    }

    // ---- building blocks ---------------------------------------------------------------------------------

    private Case signed(String category, String expected, IntPredicate allowed, byte[] body) {
        return new Case(category, "POST", "application/json", body, List.of(signer.sign(body)), expected, allowed, false);
    }

    /** A messages/created (or other) notification with fresh, valid Webex ids for things that do not exist. */
    private Map<String, Object> validNotification() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", randomId(40 + rnd.nextInt(60)));
        data.put("roomId", FUZZ_ROOM);
        data.put("roomType", "group");
        data.put("personId", randomId(60));
        data.put("personEmail", "fuzz@example.com");
        data.put("created", "2024-01-01T00:00:00.000Z");
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", randomId(50));
        n.put("name", "fuzz \u00e9\u4e2d\uD83D\uDE00");
        n.put("targetUrl", "https://example.com/api/v1/wbxt/events");
        n.put("resource", pickOf("messages", "messages", "memberships", "rooms", "attachmentActions", "meetings"));
        n.put("event", pickOf("created", "created", "updated", "deleted"));
        n.put("orgId", randomId(50));
        n.put("createdBy", randomId(50));
        n.put("appId", randomId(50));
        n.put("ownedBy", "creator");
        n.put("status", "active");
        n.put("actorId", randomId(60));
        n.put("data", data);
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> notification) {
        return (Map<String, Object>) notification.get("data");
    }

    private String validJson() {
        try {
            return RouterHarness.JSON.writeValueAsString(validNotification());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] validBody() {
        return bytes(validJson());
    }

    /** Byte sequences that are not UTF-8: a stray continuation, a lone lead, an overlong '/', a surrogate, 5 bytes... */
    private static final byte[][] INVALID_UTF8 = {{(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}, {(byte) 0x80},
            {(byte) 0xC3, (byte) 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFE}};

    /** The valid notification with {@code bad} inserted inside a string value (the webhook's name). */
    private static byte[] invalidUtf8(String valid, byte[] bad) {
        byte[] body = bytes(valid);
        int at = bytes(valid.substring(0, valid.indexOf("fuzz "))).length;
        byte[] out = new byte[body.length + bad.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(body, at, out, at + bad.length, body.length - at);
        return out;
    }

    private String randomId(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(B64URL.charAt(rnd.nextInt(B64URL.length())));
        }
        return id.toString();
    }

    private String randomHex(int length) {
        StringBuilder hex = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            hex.append("0123456789abcdef".charAt(rnd.nextInt(16)));
        }
        return hex.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        rnd.nextBytes(bytes);
        return bytes;
    }

    @SafeVarargs
    private <T> T pickOf(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8).replace("\n", "\\n");
        return body.length > 160 ? text + "..." : text;
    }

    private static void count(Map<String, Integer> perStatus, Map<String, Map<String, Integer>> perCategory,
                              String category, String outcome) {
        perStatus.merge(outcome, 1, Integer::sum);
        perCategory.computeIfAbsent(category, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }
}
