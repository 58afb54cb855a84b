package dev.wbxt.router.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

    // ---- a room handed over by another consumer (issue 21) ---------------------------------------------------

    /**
     * The broker hands over a room's next event (marked "*": the first of its group for this consumer) before the
     * earlier ones the dead consumer had come back: the lane holds the room for the window, then starts what it holds
     * in the broker's order; a room that was not handed over is not held, and a later event is not held again.
     */
    @Test
    void aRoomHandedOverIsHeldThenStartedInTheBrokersOrder() throws Exception {
        List<String> released = new CopyOnWriteArrayList<>();
        Lanes<String> handover = new Lanes<>(10, started::add, null, new Lanes.Handover<>(500, e -> e.endsWith("*"),
                Comparator.comparingInt((String e) -> Integer.parseInt(e.substring(1, 2))), (task, millis) -> timers.add(task),
                (room, first, held, earlier) -> released.add(room + ": " + first + " " + held + " held, " + earlier + " earlier")),
                nanos::get);
        handover.add("a", "a5*");
        handover.add("b", "b1");
        handover.add("a", "a3");
        handover.add("a", "a4");
        assertEquals(List.of("b1"), started, "room a waits for the window, b does not");
        after(500);
        assertEquals(List.of("b1", "a3"), started, "in the broker's order");
        assertEquals(List.of("a: a5* 3 held, 2 earlier"), released);
        handover.done("a");
        handover.add("a", "a6");
        handover.done("a");
        handover.done("a");
        assertEquals(List.of("b1", "a3", "a4", "a5*", "a6"), started, "once the window ended the room runs as ever");
    }

    // ---- the sender's order (a reorder window) --------------------------------------------------------------

    /** A clock and a timer the test moves by hand. */
    private final AtomicLong nanos = new AtomicLong();
    private final List<Runnable> timers = new CopyOnWriteArrayList<>();
    private final List<String> observed = new CopyOnWriteArrayList<>();

    /** Events named "<room><created>", e.g. "a3": room a, written at 3; the window orders them by that number. */
    private Lanes<String> windowed(long windowMillis, int maxHeld) {
        return new Lanes<>(10, started::add, new Lanes.Reorder<>(windowMillis, maxHeld,
                Comparator.comparingInt((String e) -> Integer.parseInt(e.substring(1))),
                (task, millis) -> timers.add(task), (held, reordered) -> observed.add(held + (reordered ? " reordered" : ""))),
                nanos::get);
    }

    private void after(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        List<Runnable> due = List.copyOf(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aWindowStartsARoomsEventsInTheSendersOrder() throws Exception {
        Lanes<String> window = windowed(100, 20);
        window.add("a", "a3");
        after(5);
        window.add("a", "a2");
        after(5);
        window.add("a", "a1");
        window.add("b", "b1");
        assertEquals(List.of(), started, "held for the window: an earlier one may still come");
        assertEquals(4, window.heldByWindow());
        after(90); // a3's window has ended; b1's not yet
        assertEquals(List.of("a1"), started, "the first written of what arrived");
        window.done("a");
        assertEquals(List.of("a1", "a2"), started, "the next at once: its window has ended too");
        window.done("a");
        assertEquals(List.of("a1", "a2", "a3"), started);
        after(10);
        assertEquals(List.of("a1", "a2", "a3", "b1"), started, "each room on its own window");
        assertEquals(List.of("90 reordered", "95 reordered", "100", "100"), observed, "held ms: from its arrival to its start");
        window.done("a");
        window.done("b");
        assertEquals(0, window.inFlight());
        assertEquals(0, window.rooms());
    }

    @Test
    void aRoomsHeldEventsAreBounded() throws Exception {
        Lanes<String> window = windowed(60_000, 3);
        window.add("a", "a9");
        window.add("a", "a8");
        assertEquals(List.of(), started);
        window.add("a", "a7"); // the third held: the window is full, the first written starts now
        assertEquals(List.of("a7"), started);
        window.done("a");
        assertEquals(List.of("a7"), started, "the two left wait out their window (no longer than that)");
        after(60_000);
        assertEquals(List.of("a7", "a8"), started);
    }

    @Test
    void aLateArrivalOfAnEarlierMessageStartsNextAfterTheOneRunning() throws Exception {
        Lanes<String> window = windowed(100, 20);
        window.add("a", "a2");
        after(100);
        assertEquals(List.of("a2"), started);
        window.add("a", "a1"); // came after a2 had started: it can only be next
        window.add("a", "a3");
        window.done("a");
        assertEquals(List.of("a2"), started, "a1 waits out its own window in case an even earlier one comes");
        after(100);
        assertEquals(List.of("a2", "a1"), started);
    }
}
