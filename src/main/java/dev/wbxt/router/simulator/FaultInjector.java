package dev.wbxt.router.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Scripted failures and slowness for the REST API, matched by method and by path prefix relative to /v1. */
final class FaultInjector {
    /** What to do with one request: wait first, then (optionally) fail. */
    record Decision(Duration delay, Integer status, Integer retryAfterSeconds) {
    }

    private static final class Failure {
        final String method;
        final String prefix;
        final int status;
        final Integer retryAfter;
        int remaining;

        Failure(String method, String prefix, int status, int times, Integer retryAfter) {
            this.method = method;
            this.prefix = prefix;
            this.status = status;
            this.remaining = times;
            this.retryAfter = retryAfter;
        }
    }

    private record Delay(String method, String prefix, Duration delay) {
    }

    private final List<Failure> failures = new ArrayList<>();
    private final List<Delay> delays = new ArrayList<>();

    synchronized void failNext(String method, String pathPrefix, int status, int times, Integer retryAfterSeconds) {
        failures.add(new Failure(method, normalise(pathPrefix), status, times, retryAfterSeconds));
    }

    synchronized void delay(String method, String pathPrefix, Duration delay) {
        delays.add(new Delay(method, normalise(pathPrefix), delay));
    }

    synchronized void clear() {
        failures.clear();
        delays.clear();
    }

    /** Consumes one use of the first matching failure; sums nothing: the first matching delay wins. */
    synchronized Decision decide(String method, String path) {
        Duration wait = Duration.ZERO;
        for (Delay d : delays) {
            if (matches(d.method, d.prefix, method, path)) {
                wait = d.delay;
                break;
            }
        }
        Iterator<Failure> it = failures.iterator();
        while (it.hasNext()) {
            Failure f = it.next();
            if (matches(f.method, f.prefix, method, path)) {
                if (--f.remaining <= 0) {
                    it.remove();
                }
                return new Decision(wait, f.status, f.retryAfter);
            }
        }
        return new Decision(wait, null, null);
    }

    private static boolean matches(String wantMethod, String prefix, String method, String path) {
        return (wantMethod == null || wantMethod.equalsIgnoreCase(method)) && path.startsWith(prefix);
    }

    /** Accepts "/messages", "messages" or "/v1/messages". */
    private static String normalise(String prefix) {
        String p = prefix == null ? "/" : prefix.startsWith("/") ? prefix : "/" + prefix;
        return p.startsWith("/v1/") ? p.substring(3) : p;
    }
}
