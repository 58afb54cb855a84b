package dev.wbxt.router.rooms;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One lane per room: a room's events run one after the other in the order they were taken from the queue, rooms
 * run independently of each other. {@link #add} hands an event to its lane and starts it if the lane is idle;
 * {@link #done} (the event's outcome is settled: acknowledged or dead-lettered) starts the lane's next one. An event
 * that waits for a retry keeps its lane busy and so holds only its own room's later events.
 * <p>
 * At most {@code maxInFlight} events are held at once (running, waiting for a retry or queued in a lane):
 * {@link #add} blocks the broker's delivery thread until one is settled, so the broker keeps the rest (its consumer
 * window holds a few more). One room alone can fill that bound (a backlog of one room behind an event that waits
 * for Webex): then no further event is taken, for any room, until that room moves on.
 *
 * @param <E> the event
 */
final class Lanes<E> {
    private final int maxInFlight;
    private final Consumer<E> start;
    private final Map<Object, ArrayDeque<E>> busy = new HashMap<>(); // a room's lane: its waiting events; absent: idle
    private int inFlight;
    private int running;
    private boolean stopping;

    /** @param start runs one event (on another thread, without blocking the caller); it calls {@link #done} later */
    Lanes(int maxInFlight, Consumer<E> start) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.start = start;
    }

    /**
     * Hands an event to its room's lane, waiting while {@code maxInFlight} events are held.
     *
     * @param room the lane's key: events of one room share a lane
     * @return false when the lanes are stopping: the event was not taken (the broker delivers it again later)
     */
    boolean add(Object room, E event) throws InterruptedException {
        synchronized (this) {
            while (inFlight >= maxInFlight && !stopping) {
                wait();
            }
            if (stopping) {
                return false;
            }
            inFlight++;
            ArrayDeque<E> lane = busy.get(room);
            if (lane != null) {
                lane.add(event);
                return true;
            }
            busy.put(room, new ArrayDeque<>());
            running++;
        }
        start.accept(event);
        return true;
    }

    /** The event that ran in this room's lane is settled: the lane moves on to its next event, if any. */
    void done(Object room) {
        E next;
        synchronized (this) {
            inFlight--;
            running--;
            notifyAll();
            ArrayDeque<E> lane = busy.get(room);
            next = lane == null || stopping ? null : lane.poll();
            if (next == null) {
                busy.remove(room);
                return;
            }
            running++;
        }
        start.accept(next);
    }

    /** The event that ran in this room's lane waits for a retry: it holds its lane (and its place in the bound). */
    synchronized void waiting() {
        running--;
        notifyAll();
    }

    /** The waiting event runs again: {@code false} when the lanes are stopping (it is left to the broker). */
    boolean resume() {
        synchronized (this) {
            if (stopping) {
                return false;
            }
            running++;
        }
        return true;
    }

    /**
     * Stops taking events and starting queued ones; the events running go on to their end. Events not started, or
     * waiting for a retry, are left unacknowledged: the broker delivers them again.
     *
     * @return false when they had already been stopped
     */
    synchronized boolean stop() {
        boolean first = !stopping;
        stopping = true;
        notifyAll();
        return first;
    }

    /**
     * Waits until no event runs any more, or the time is up.
     *
     * @return the number of events still running
     */
    synchronized int awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return running;
    }

    /** Events running now (started and not yet settled). */
    synchronized int running() {
        return running;
    }

    /** Events held now: running, waiting for a retry, or queued in a lane. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Rooms with at least one event held. */
    synchronized int rooms() {
        return busy.size();
    }
}
