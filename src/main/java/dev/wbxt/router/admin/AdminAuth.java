package dev.wbxt.router.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time; anything else is refused with 401. */
public class AdminAuth implements Processor {
    private final byte[] expected;

    public AdminAuth(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the admin token is empty: admin endpoints must stay off");
        }
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        String given = exchange.getMessage().getHeader("Authorization", String.class);
        if (given == null || !MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new Unauthorized();
        }
        exchange.getMessage().removeHeader("Authorization");
    }

    /** Thrown for a missing or wrong token; answered 401 by {@link AdminRouteBuilder}. */
    public static final class Unauthorized extends RuntimeException {
        Unauthorized() {
            super("a valid admin bearer token is required", null, false, false);
        }
    }
}
