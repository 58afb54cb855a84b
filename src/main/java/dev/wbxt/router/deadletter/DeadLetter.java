package dev.wbxt.router.deadletter;

/**
 * One dead-lettered event as an operator sees it; times are ISO-8601, {@code body} is the original webhook (null in
 * listings).
 */
public record DeadLetter(String id, String queue, String fromQueue, String eventKey, String resource, String event,
                         String roomId, String reason, int attempts, String firstFailureAt, String lastFailureAt,
                         String body) {
}
