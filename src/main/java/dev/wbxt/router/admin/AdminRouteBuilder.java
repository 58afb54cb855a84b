package dev.wbxt.router.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * Base of the admin endpoints under {@code /admin} (only added when {@code ADMIN_TOKEN} is set): every route starts
 * with the bearer check, answers JSON, and maps failures to status codes: 401 unauthorized, 404 unknown,
 * 400 bad request. A capability adds its endpoints by extending this class.
 */
public abstract class AdminRouteBuilder extends RouteBuilder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final AdminAuth auth;

    protected AdminRouteBuilder(AdminAuth auth) {
        this.auth = auth;
    }

    @Override
    public final void configure() throws Exception {
        errorHandler(defaultErrorHandler()); // the service's default is none: see RouterConfiguration
        onException(AdminAuth.Unauthorized.class).handled(true)
                .process(e -> reply(e, 401, Map.of("error", "unauthorized",
                        "message", "send the admin token as Authorization: Bearer <ADMIN_TOKEN>")));
        onException(NoSuchElementException.class).handled(true)
                .process(e -> reply(e, 404, Map.of("error", "not_found", "message", failure(e))));
        onException(IllegalArgumentException.class).handled(true)
                .process(e -> reply(e, 400, Map.of("error", "bad_request", "message", failure(e))));
        onException(Exception.class).handled(true).process(e -> {
            log.error("Admin request failed", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
            reply(e, 500, Map.of("error", "internal", "message", "see the service log"));
        });
        configureAdmin();
    }

    /** Declares the endpoints with {@link #admin(String, String, String)}. */
    protected abstract void configureAdmin() throws Exception;

    /**
     * A route for {@code METHOD /admin<path>} (path parameters like {@code {id}} become headers), already past the
     * bearer check. The processing that follows sets the answer with {@link #reply(Exchange, int, Object)}.
     */
    protected RouteDefinition admin(String method, String path, String routeId) {
        return from("platform-http:/admin" + path + "?httpMethodRestrict=" + method).routeId(routeId).process(auth);
    }

    /** The JSON answer; every request header is dropped first so none is echoed back. */
    protected static void reply(Exchange exchange, int status, Object body) throws JsonProcessingException {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
    }

    /** The request body as a map ({@code {}} when empty); a body that is not a JSON object is a 400. */
    @SuppressWarnings("unchecked")
    protected static Map<String, Object> requestBody(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        try {
            return body == null || body.isBlank() ? Map.of() : JSON.readValue(body, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
    }

    /**
     * The request's query parameters, decoded; a parameter not in {@code known}, or one given twice, is a 400: a
     * misspelt filter must not be read as no filter.
     */
    protected static Map<String, String> query(Exchange exchange, Set<String> known) {
        String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : raw == null || raw.isEmpty() ? new String[0] : raw.split("&")) {
            if (pair.isEmpty()) {
                continue; // a=1&&b=2
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown parameter " + name + "; known: " + known.stream().sorted().toList());
            }
            if (parameters.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1))) != null) {
                throw new IllegalArgumentException(name + " is given twice");
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("the query is not URL-encoded");
        }
    }

    private static String failure(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return e == null || e.getMessage() == null ? "" : e.getMessage();
    }
}
