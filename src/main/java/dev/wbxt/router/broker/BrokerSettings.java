package dev.wbxt.router.broker;

/** Tuning of the embedded broker, from {@code broker.*} properties. */
public record BrokerSettings(int duplicateCacheSize, long redeliveryDelayMillis, double redeliveryMultiplier,
                             long maxRedeliveryDelayMillis) {
}
