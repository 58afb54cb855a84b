package dev.wbxt.router.rooms;

/** What the {@code rooms:} consumer tells the service's metrics (RouterMetrics): how far behind it is, how it batches. */
public interface LaneMetrics {
    LaneMetrics NONE = new LaneMetrics() {
        @Override
        public void taken(long receivedAtMillis) {
        }

        @Override
        public void acknowledged(int events) {
        }
    };

    /** An event entered its room's lane; {@code receivedAtMillis}: when the receiver stored it (0: unknown). */
    void taken(long receivedAtMillis);

    /** One commit acknowledged (or dead-lettered) this many events. */
    void acknowledged(int events);
}
