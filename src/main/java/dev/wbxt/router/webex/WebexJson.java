package dev.wbxt.router.webex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.retry.PermanentFailureException;
import io.vertx.core.buffer.Buffer;

/** The JSON of Webex calls: a request body from a Map or JSON text, an answer, an error body. */
final class WebexJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private WebexJson() {
    }

    /** A request body: a Map as JSON, or JSON object text as it is; anything else is a permanent failure. */
    static Buffer request(Object body) {
        if (body == null) {
            throw new PermanentFailureException("Webex request body is missing");
        }
        try {
            if (body instanceof String s) {
                if (!(JSON.readTree(s).isObject())) {
                    throw new PermanentFailureException("Webex request body must be a JSON object");
                }
                return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
            }
            if (body instanceof Map<?, ?>) {
                return Buffer.buffer(JSON.writeValueAsBytes(body));
            }
        } catch (IOException e) {
            throw new PermanentFailureException("Webex request body is not valid JSON", e);
        }
        throw new PermanentFailureException("Webex request body must be a Map or a JSON string, not " + body.getClass().getName());
    }

    static Object answer(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return JSON.readValue(body.getBytes(), Object.class);
        } catch (IOException e) {
            throw new WebexApiException("Webex answered with invalid JSON", 0, null, null, false, e);
        }
    }

    static Map<String, Object> errorBody(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return JSON.readValue(body.getBytes(), MAP);
        } catch (IOException e) {
            return null; // an error page that is not Webex JSON (a proxy, a load balancer)
        }
    }
}
