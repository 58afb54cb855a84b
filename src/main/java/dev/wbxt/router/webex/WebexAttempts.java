package dev.wbxt.router.webex;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The attempts of one Webex call, WebexClient's retry loop: sends the request through {@link WebexHttp} until
 * {@link WebexCallPolicy} says done or gives up (a retry is a timer, no thread sleeps), keeps the circuit-breaker
 * bookkeeping ({@link WebexAvailability}) of each answer, counts the retries ({@code wbxt_webex_retries_total}) and
 * turns a failure into the client's exceptions, with the token scrubbed from what a server or library echoes.
 */
final class WebexAttempts {
    /** The client's logger: its warnings stay where an operator already looks (and sets the level). */
    private static final Logger LOG = LoggerFactory.getLogger(WebexClient.class);
    private static final String RETRY_AFTER = "Retry-After";

    /** A successful HTTP answer, parsed: keeps the Link header for paging, and the headers (a file's type and name). */
    record Answer(int status, String trackingId, Object body, String link, MultiMap headers, long streamed) {
    }

    private final WebexConfiguration cfg;
    private final WebexHttp http;
    private final WebexCallPolicy policy;
    private final WebexAvailability availability;
    private final CamelContext context;
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private volatile MeterRegistry meters;
    private volatile boolean metersLooked;

    WebexAttempts(CamelContext context, WebexConfiguration cfg, WebexHttp http, WebexAvailability availability) {
        this.context = context;
        this.cfg = cfg;
        this.http = http;
        this.policy = new WebexCallPolicy(cfg);
        this.availability = availability;
    }

    /**
     * Sends {@code uri} until {@link WebexCallPolicy} says done or gives up; a retry waits on a timer. {@code trace}:
     * the context each attempt's span belongs to, null when tracing is off; {@code contentType} of the body, null: JSON.
     */
    CompletableFuture<Answer> call(WebexOperation op, String uri, Buffer body, CharSequence contentType,
                                   io.opentelemetry.context.Context trace) {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        attempt(new Call(op, uri, body, contentType, trace, null, result), WebexCallPolicy.Attempts.NONE, null);
        return result;
    }

    /** The same with each attempt's request made by {@code send} (a file's download: WebexFiles). */
    CompletableFuture<Answer> call(WebexOperation op, String uri, Supplier<CompletableFuture<WebexHttp.Answer>> send) {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        attempt(new Call(op, uri, null, null, null, send, result), WebexCallPolicy.Attempts.NONE, null);
        return result;
    }

    /** {@code send}: null for a plain request (no object per call on the hot path), else what makes each attempt's. */
    private record Call(WebexOperation op, String uri, Buffer body, CharSequence contentType,
                        io.opentelemetry.context.Context trace, Supplier<CompletableFuture<WebexHttp.Answer>> send,
                        CompletableFuture<Answer> result) {
        CompletableFuture<WebexHttp.Answer> attempt(WebexHttp http) {
            return send != null ? send.get() : http.send(op.httpMethod, uri, body, contentType, trace);
        }

        String what() {
            int q = uri.indexOf('?');
            return op.method + " " + (q < 0 ? uri : uri.substring(0, q));
        }
    }
    private void attempt(Call call, WebexCallPolicy.Attempts done, String lastFailure) {
        if (!availability.tryCall()) {
            // Not called at all: the event is not at fault. After failed calls of its own, it may be.
            call.result().completeExceptionally(new WebexUnavailableException("Webex " + call.what()
                    + " not called: Webex looks down (circuit open)"
                    + (done.failures() > 0 ? " after " + done.failures() + " failed attempt(s), the last: " + lastFailure : ""),
                    0, null, null, done.failures() > 0 ? WebexUnavailableException.Why.FAILED
                            : WebexUnavailableException.Why.CIRCUIT_OPEN));
            return;
        }
        long started = System.nanoTime();
        call.attempt(http).whenComplete((answer, error) -> {
            try {
                answered(call, done, answer, error, System.nanoTime() - started);
            } catch (RuntimeException e) {
                call.result().completeExceptionally(e);
            }
        });
    }

    private void answered(Call call, WebexCallPolicy.Attempts done, WebexHttp.Answer answer, Throwable error, long nanos) {
        String what = call.what();
        WebexHttp.NoAnswer noAnswer = error instanceof WebexHttp.NoAnswer n ? n : null;
        if (error != null && noAnswer == null) {
            call.result().completeExceptionally(new WebexApiException("Webex " + what + " failed: "
                    + scrub(String.valueOf(error.getMessage())), 0, null, null, false, error));
            return;
        }
        int status = answer == null ? 0 : answer.status();
        if (status == 0 || status >= 500) {
            availability.failed(nanos, noAnswer != null ? noAnswer : new IOException("HTTP " + status));
        } else {
            availability.answered(nanos);
        }
        WebexCallPolicy.Decision decision = policy.decide(call.op(), done, status, noAnswer != null && noAnswer.maybeSent,
                answer == null ? null : answer.header(RETRY_AFTER), System.currentTimeMillis());
        if (decision.kind() == WebexCallPolicy.Kind.DONE) {
            call.result().complete(new Answer(status, trackingId(answer, null), WebexJson.answer(answer.body()),
                    answer.header("Link"), answer.headers(), answer.streamed()));
            return;
        }
        String failure;
        String trackingId = null;
        String webexMessage = null;
        String lastFailure;
        if (noAnswer != null) {
            lastFailure = "no answer (" + noAnswer.kind() + ")";
            failure = "Webex " + what + " got no answer after " + decision.next().failures() + " attempts: " + noAnswer.kind();
            LOG.warn("Webex {} got no answer ({}), attempt {}/{}", what, scrub(noAnswer.getMessage()),
                    decision.next().failures(), cfg.getMaxAttempts());
        } else {
            Map<String, Object> errorBody = WebexJson.errorBody(answer.body());
            trackingId = trackingId(answer, errorBody);
            webexMessage = errorBody == null ? null : scrub(String.valueOf(errorBody.get("message")));
            lastFailure = "answered " + status;
            LOG.warn("Webex {} answered {} \"{}\" trackingId={}", what, status, webexMessage, trackingId);
            failure = "Webex " + what + " answered " + status + (webexMessage == null ? "" : " \"" + webexMessage + "\"")
                    + " (trackingId=" + trackingId + ")";
        }
        switch (decision.kind()) {
            case RETRY -> {
                retried(decision.reason());
                http.later(decision.delayMillis(), () -> attempt(call, decision.next(), lastFailure));
            }
            case UNAVAILABLE -> call.result().completeExceptionally(
                    new WebexUnavailableException(failure, status, trackingId, webexMessage, decision.why()));
            case LATER -> call.result().completeExceptionally(
                    new WebexApiException(failure, status, trackingId, webexMessage, true, null));
            default -> call.result().completeExceptionally(noAnswer != null
                    ? new WebexApiException("Webex " + what + " got no answer after the request was sent ("
                            + noAnswer.kind() + "): not sent again, Webex may have acted on it (a reply posted twice"
                            + " is worse than one missing)", 0, null, null, false, null)
                    : new WebexApiException(failure, status, trackingId, webexMessage, false, null));
        }
    }

    private void retried(String reason) {
        if (!metersLooked) {
            meters = context.getRegistry().findSingleByType(MeterRegistry.class);
            metersLooked = true;
        }
        MeterRegistry registry = meters;
        if (registry != null) {
            retries.computeIfAbsent(reason, r -> registry.counter("wbxt_webex_retries_total", "reason", r)).increment();
        }
    }

    private static String trackingId(WebexHttp.Answer answer, Map<String, Object> errorBody) {
        if (errorBody != null && errorBody.get("trackingId") != null) {
            return String.valueOf(errorBody.get("trackingId"));
        }
        return answer.header("TrackingId"); // Vert.x headers are case-insensitive: Trackingid too
    }

    /** Defence in depth: whatever a server or library echoes, the token never leaves in a message. */
    private String scrub(String text) {
        return text == null ? null : text.replace(cfg.getBotToken(), "***");
    }
}
