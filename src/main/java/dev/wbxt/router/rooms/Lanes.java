package dev.wbxt.router.rooms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One lane per room: a room's events run one after the other, rooms run independently of each other. {@link #add}
 * hands an event to its lane and starts it if the lane is idle; {@link #done} (the event's outcome is settled:
 * acknowledged or dead-lettered) starts the lane's next one. An event that waits for a retry keeps its lane busy and
 * so holds only its own room's later events.
 * <p>
 * The order within a room is the order the events were taken from the queue, unless a {@link Reorder} window is set:
 * then the lane holds its next event up to the window after it was taken, and starts, among the events it holds, the
 * one that comes first in the window's order (the sender's: {@code data.created}, ties by arrival). Webex delivers
 * each webhook on a connection of its own, so a quick burst of messages can arrive out of the order they were
 * written; the window gives the earlier ones the time to arrive. At most {@code maxHeld} events of a room are held
 * for it: a longer backlog starts at once, in the window's order among the first {@code maxHeld}.
 * <p>
 * At most {@code maxInFlight} events are held at once (running, waiting for a retry, or waiting in a lane):
 * {@link #add} blocks the broker's delivery thread until one is settled, so the broker keeps the rest (its consumer
 * window holds a few more). One room alone can fill that bound (a backlog of one room behind an event that waits
 * for Webex): then no further event is taken, for any room, until that room moves on. Nothing held is acknowledged:
 * after a crash the broker delivers it again, in the order it was stored, and the window orders it again.
 * <p>
 * A {@link Handover} holds a room that another consumer had until now (the broker marks the first event it hands over)
 * for a window, then starts what the lane holds in the broker's order: the events that consumer still had come back
 * to the queue after its room's next event may already have been handed to this one (see {@code RoomsConsumer}).
 *
 * @param <E> the event
 */
final class Lanes<E> {
    /**
     * A room's events in the sender's order: {@code order} compares two events, {@code windowMillis} is how long an
     * event may be held for an earlier one, {@code maxHeld} how many of a room's events are compared at most;
     * {@code later} runs a task after a delay (a timer, no thread waits).
     */
    record Reorder<E>(long windowMillis, int maxHeld, Comparator<E> order, Timer later, Observer observer) {
        Reorder {
            if (windowMillis < 0 || maxHeld < 1) {
                throw new IllegalArgumentException("a reorder window of " + windowMillis + " ms over " + maxHeld
                        + " events");
            }
        }
    }

    /**
     * A room handed over by another consumer: {@code first} tells the event the broker marked as the first of its
     * room for this consumer; the lane then holds that room's events for {@code windowMillis}, and starts them in
     * {@code order} (the broker's), later ones as they come.
     */
    record Handover<E>(long windowMillis, Predicate<E> first, Comparator<E> order, Timer later, HandoverObserver<E> observer) {
        Handover {
            if (windowMillis <= 0) {
                throw new IllegalArgumentException("a handover window of " + windowMillis + " ms");
            }
        }
    }

    /** Told when a handed-over room's window ends: the events it held, and how many came back ahead of the first. */
    interface HandoverObserver<E> {
        void released(Object room, E first, int held, int earlier);
    }

    /** Runs {@code task} in {@code millis} ms. */
    interface Timer {
        void schedule(Runnable task, long millis);
    }

    /** Told when an event held by the window starts: how long it waited, whether it overtook an earlier arrival. */
    interface Observer {
        void started(long heldMillis, boolean reordered);
    }

    /** A room's lane: the event running or waiting for a retry (if any), and the events waiting behind it. */
    private static final class Lane<E> {
        final ArrayDeque<Arrival<E>> waiting = new ArrayDeque<>();
        boolean active;
        boolean wakeUpSet;
        Arrival<E> handedOver; // the first event of a room handed over, while the handover window holds the lane
    }

    /** An event as it arrived in its lane. */
    private record Arrival<E>(E event, long at) {
    }

    private final int maxInFlight;
    private final Consumer<E> start;
    private final Reorder<E> reorder; // null: the order of arrival
    private final Handover<E> handover; // null: rooms are not held when handed over
    private final LongSupplier clock;
    private final Map<Object, Lane<E>> lanes = new HashMap<>(); // a room with something held; absent: idle
    private int inFlight;
    private int running;
    private boolean stopping;

    /** @param start runs one event (on another thread, without blocking the caller); it calls {@link #done} later */
    Lanes(int maxInFlight, Consumer<E> start) {
        this(maxInFlight, start, null, System::nanoTime);
    }

    /**
     * @param reorder the sender's order within a window, or null: the order of arrival
     * @param clock   nanoseconds, as {@link System#nanoTime()}
     */
    Lanes(int maxInFlight, Consumer<E> start, Reorder<E> reorder, LongSupplier clock) {
        this(maxInFlight, start, reorder, null, clock);
    }

    /** @param handover how a room handed over by another consumer is held, or null: not held */
    Lanes(int maxInFlight, Consumer<E> start, Reorder<E> reorder, Handover<E> handover, LongSupplier clock) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.start = start;
        this.reorder = reorder != null && reorder.windowMillis() > 0 ? reorder : null;
        this.handover = handover;
        this.clock = clock;
    }

    /**
     * Hands an event to its room's lane, waiting while {@code maxInFlight} events are held.
     *
     * @param room the lane's key: events of one room share a lane
     * @return false when the lanes are stopping: the event was not taken (the broker delivers it again later)
     */
    boolean add(Object room, E event) throws InterruptedException {
        E next;
        synchronized (this) {
            while (inFlight >= maxInFlight && !stopping) {
                wait();
            }
            if (stopping) {
                return false;
            }
            inFlight++;
            Lane<E> lane = lanes.computeIfAbsent(room, r -> new Lane<>());
            Arrival<E> arrival = new Arrival<>(event, clock.getAsLong());
            lane.waiting.add(arrival);
            if (handover != null && lane.handedOver == null && handover.first().test(event)) {
                lane.handedOver = arrival;
                handover.later().schedule(() -> wakeUp(room), handover.windowMillis());
            }
            next = next(room, lane);
        }
        startIfAny(next);
        return true;
    }

    /** The event that ran in this room's lane is settled: the lane moves on to its next event, if any. */
    void done(Object room) {
        E next;
        synchronized (this) {
            inFlight--;
            running--;
            notifyAll();
            Lane<E> lane = lanes.get(room);
            if (lane == null) {
                return;
            }
            lane.active = false;
            next = stopping ? null : next(room, lane);
            if (!lane.active && lane.waiting.isEmpty()) {
                lanes.remove(room);
            }
        }
        startIfAny(next);
    }

    /**
     * The event to start in an idle lane now, or null: none waits, the lane is busy, or the window holds the lane's
     * next event (then a wake-up is set for when its window ends). Marks the lane active and counts it running.
     */
    private E next(Object room, Lane<E> lane) {
        if (lane.active || lane.waiting.isEmpty()) {
            return null;
        }
        if (lane.handedOver != null) {
            if (clock.getAsLong() - lane.handedOver.at() < TimeUnit.MILLISECONDS.toNanos(handover.windowMillis())) {
                return null; // its wake-up is set
            }
            releaseHandover(room, lane);
        }
        Arrival<E> chosen;
        if (reorder == null) {
            chosen = lane.waiting.poll();
        } else {
            long heldNanos = clock.getAsLong() - lane.waiting.peek().at();
            long leftMillis = reorder.windowMillis() - TimeUnit.NANOSECONDS.toMillis(heldNanos);
            if (leftMillis > 0 && lane.waiting.size() < reorder.maxHeld()) {
                if (!lane.wakeUpSet) {
                    lane.wakeUpSet = true;
                    reorder.later().schedule(() -> wakeUp(room), leftMillis);
                }
                return null;
            }
            chosen = firstInOrder(lane);
            reorder.observer().started(TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - chosen.at()),
                    chosen != lane.waiting.peek());
            lane.waiting.remove(chosen);
        }
        lane.active = true;
        running++;
        return chosen.event();
    }

    /** The handover window ended: what the lane holds, in the broker's order (a stable sort: ties keep arrival). */
    private void releaseHandover(Object room, Lane<E> lane) {
        Arrival<E> first = lane.handedOver;
        lane.handedOver = null;
        List<Arrival<E>> held = new ArrayList<>(lane.waiting);
        held.sort((a, b) -> handover.order().compare(a.event(), b.event()));
        lane.waiting.clear();
        lane.waiting.addAll(held);
        handover.observer().released(room, first.event(), held.size(), held.indexOf(first));
    }

    /** Among the first {@code maxHeld} events waiting, the one that comes first in the window's order (ties: the first to arrive). */
    private Arrival<E> firstInOrder(Lane<E> lane) {
        Iterator<Arrival<E>> it = lane.waiting.iterator();
        Arrival<E> best = it.next();
        for (int i = 1; i < reorder.maxHeld() && it.hasNext(); i++) {
            Arrival<E> candidate = it.next();
            if (reorder.order().compare(candidate.event(), best.event()) < 0) {
                best = candidate;
            }
        }
        return best;
    }

    /** A room's window ended: its lane starts the event that comes first. */
    private void wakeUp(Object room) {
        E next;
        synchronized (this) {
            Lane<E> lane = lanes.get(room);
            if (lane == null || stopping) {
                return;
            }
            lane.wakeUpSet = false;
            next = next(room, lane);
        }
        startIfAny(next);
    }

    private void startIfAny(E event) {
        if (event != null) {
            start.accept(event);
        }
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
     * Stops taking events and starting waiting ones; the events running go on to their end. Events not started, or
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

    /** Events held now: running, waiting for a retry, or waiting in a lane. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Events held by a reorder window now: in a lane with nothing running, waiting for the window to end. */
    synchronized int heldByWindow() {
        int held = 0;
        for (Lane<E> lane : lanes.values()) {
            if (!lane.active) {
                held += lane.waiting.size();
            }
        }
        return held;
    }

    /** Rooms with at least one event held. */
    synchronized int rooms() {
        return lanes.size();
    }
}
