package dev.wbxt.router.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The lanes alone: a room's events one after the other, rooms independent, the in-memory bound, the stop. */
class LanesTest {
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final Lanes<String> lanes = new Lanes<>(3, started::add);

    @Test
    void aRoomRunsOneEventAtATimeInOrderWhileOtherRoomsRun() throws Exception {
        lanes.add("A", "a1");
        lanes.add("A", "a2");
        lanes.add("B", "b1");
        assertEquals(List.of("a1", "b1"), started, "a2 waits behind a1; B does not wait for A");
        lanes.done("A");
        assertEquals(List.of("a1", "b1", "a2"), started);
        lanes.done("B");
        lanes.done("A");
        assertEquals(0, lanes.inFlight());
        assertEquals(0, lanes.rooms(), "idle lanes are forgotten");
    }

    @Test
    void aWaitingEventHoldsOnlyItsOwnRoom() throws Exception {
        lanes.add("A", "a1");
        lanes.waiting(); // a1 waits for its retry
        lanes.add("A", "a2");
        lanes.add("B", "b1");
        assertEquals(List.of("a1", "b1"), started);
        assertTrue(lanes.resume());
        lanes.done("A");
        assertEquals(List.of("a1", "b1", "a2"), started);
    }

    @Test
    void theBoundHoldsTheNextEventBackUntilOneIsSettled() throws Exception {
        lanes.add("A", "a1");
        lanes.add("A", "a2");
        lanes.add("A", "a3"); // one room alone fills the bound
        CompletableFuture<Boolean> next = CompletableFuture.supplyAsync(() -> {
            try {
                return lanes.add("B", "b1");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(started.contains("b1"), "B is not taken while the bound is full");
        lanes.done("A"); // a1 settled: a2 starts, and there is room for b1
        assertTrue(next.get(10, TimeUnit.SECONDS));
        // a2 and b1 start on different threads: between rooms there is no order
        assertEquals(3, started.size(), started.toString());
        assertTrue(started.containsAll(List.of("a1", "a2", "b1")), started.toString());
        assertTrue(started.indexOf("a1") < started.indexOf("a2"), started.toString());
        assertEquals(3, lanes.inFlight());
    }

    @Test
    void aStopTakesNothingNewAndWaitsForTheEventsRunning() throws Exception {
        lanes.add("A", "a1");
        lanes.add("A", "a2");
        assertTrue(lanes.stop());
        assertFalse(lanes.stop(), "once");
        assertFalse(lanes.add("B", "b1"), "not taken: the broker keeps it");
        assertEquals(1, lanes.running());
        CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return lanes.awaitStopped(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        lanes.done("A");
        assertEquals(0, stopped.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a1"), started, "a2 was left to the broker");
        assertFalse(lanes.resume(), "a waiting event is not run again after the stop");
    }
}
