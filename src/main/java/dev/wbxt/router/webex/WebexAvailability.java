package dev.wbxt.router.webex;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Webex is answering, as a resilience4j circuit breaker over every HTTP call: when most recent calls got
 * no answer or a 5xx, the circuit opens and calls fail at once instead of hammering Webex; after a while a few trial
 * calls are let through, and the circuit closes again when they succeed. A 4xx is Webex answering.
 */
public class WebexAvailability {
    private static final Logger LOG = LoggerFactory.getLogger(WebexAvailability.class);
    private final CircuitBreaker breaker;
    private volatile Instant openedAt;

    public WebexAvailability(WebexConfiguration cfg) {
        this.breaker = CircuitBreaker.of("webex", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(cfg.getCircuitWindow())
                .minimumNumberOfCalls(cfg.getCircuitMinimumCalls())
                .failureRateThreshold(cfg.getCircuitFailureRatePercent())
                .waitDurationInOpenState(Duration.ofMillis(cfg.getCircuitOpenMillis()))
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> {
                    if (openedAt == null) {
                        openedAt = Instant.now();
                    }
                    LOG.warn("Webex looks down: calls paused for {} ms at a time; events wait in the queue",
                            cfg.getCircuitOpenMillis());
                }
                case CLOSED -> {
                    LOG.info("Webex answers again (it was unavailable since {})", openedAt);
                    openedAt = null;
                }
                default -> { }
            }
        });
    }

    /** False while the circuit is open: do not call Webex now. */
    boolean tryCall() {
        return breaker.tryAcquirePermission();
    }

    void answered(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(long nanos, Throwable why) {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, why);
    }

    /** Webex looks down: the circuit is not closed. */
    public boolean isOutage() {
        return breaker.getState() != CircuitBreaker.State.CLOSED;
    }

    /** Since when Webex looks down, or null. */
    public Instant unavailableSince() {
        return openedAt;
    }

    public String state() {
        return breaker.getState().name();
    }
}
