package dev.wbxt.router.rooms;

import java.util.function.IntSupplier;

/** What the {@code rooms:} consumer tells the service's metrics (RouterMetrics): how far behind it is, how it batches. */
public interface LaneMetrics {
    LaneMetrics NONE = new LaneMetrics() {
        @Override
        public void taken(long receivedAtMillis) {
        }

        @Override
        public void acknowledged(int events) {
        }

        @Override
        public void reorderWindow(IntSupplier held) {
        }

        @Override
        public void startedAfterWindow(long heldMillis, boolean reordered) {
        }
    };

    /** An event entered its room's lane; {@code receivedAtMillis}: when the receiver stored it (0: unknown). */
    void taken(long receivedAtMillis);

    /** One commit acknowledged (or dead-lettered) this many events. */
    void acknowledged(int events);

    /** A reorder window is on: {@code held} says how many events it holds now. */
    void reorderWindow(IntSupplier held);

    /** An event the reorder window held started after {@code heldMillis}; {@code reordered}: before an earlier arrival. */
    void startedAfterWindow(long heldMillis, boolean reordered);
}
