package dev.wbxt.router.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON and HTTP plumbing shared by the REST and control handlers. */
final class HttpIo {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private HttpIo() {
    }

    /** Thrown by handlers to answer with a Webex-style error body. */
    static class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /** Parses a JSON object, answering 400 (as Webex does) when the body is not one. */
    static Map<String, Object> parseObject(byte[] body) {
        try {
            Map<String, Object> map = JSON.readValue(body, MAP);
            if (map == null) {
                throw new HttpError(400, "The request body must be a JSON object.");
            }
            return map;
        } catch (IOException e) {
            throw new HttpError(400, "The request body could not be parsed as JSON.");
        }
    }

    static Map<String, Object> errorBody(String message, String trackingId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("errors", List.of(Map.of("description", message)));
        body.put("trackingId", trackingId);
        return body;
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    static byte[] toBytes(Object body, boolean pretty) {
        try {
            return (pretty ? PRETTY : JSON).writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    /**
     * Sends a file's bytes (its headers already set, Content-Type among them); for a HEAD the headers only, with the
     * Content-Length set by the caller (the JDK server does not write one for a HEAD). {@code chunked}: no
     * Content-Length on a GET, so that only the bytes tell the size.
     */
    static void sendFile(HttpExchange ex, int status, byte[] content, boolean chunked) throws IOException {
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, chunked ? 0 : content.length == 0 ? -1 : content.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(content);
            }
        }
        ex.close();
    }

    /** Sends a JSON answer; a null body means no content (204). */
    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }
}
