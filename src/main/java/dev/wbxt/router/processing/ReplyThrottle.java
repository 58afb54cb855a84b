package dev.wbxt.router.processing;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncCallbackToCompletableFutureAdapter;
import org.apache.camel.support.AsyncProcessorHelper;

/**
 * The per-room reply limit of 90-fan-out.yaml, bound as {@code replyThrottle}: at most {@code limit} replies per
 * room within any {@code period}, in the order they come; a reply over the limit waits on a timer (no thread waits:
 * the room's lane is free for the other rooms meanwhile) and goes on when the oldest of its room's last
 * {@code limit} replies is a period old. The room is the reply's {@code roomId} (the body, a Webex message).
 * <p>
 * It is Camel's {@code throttle} EIP ({@code mode: TotalRequests}, {@code asyncDelayed: true}, a correlation
 * expression) with the same rule, which Camel keeps as {@code limit} permit objects per room in a DelayQueue and, for
 * every reply, schedules a clean-up task and cancels the previous one: at the benchmark's lifted limit (10,000 a
 * second) 10,000 permits per room and 10 % of the processing samples. Here a room is a ring of the send times of its
 * last replies, grown only as far as the room's rate needs, and nothing is allocated per reply unless it waits.
 * Rooms idle for a period are forgotten by a sweep every ten periods, as Camel forgets a room ten periods after its
 * last reply.
 * <p>
 * Not a route's service: a hot reload of the fan-out route keeps the rooms' windows. Its timer threads are made on
 * the first wait by Camel's executor manager, which stops them with the context.
 */
public final class ReplyThrottle implements AsyncProcessor {
    private final int limit;
    private final long periodNanos;
    private final LongSupplier clock;
    private final CamelContext camelContext;
    private final Map<Object, Room> rooms = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService timer;

    public ReplyThrottle(CamelContext camelContext, int limit, long periodMillis) {
        this(camelContext, limit, periodMillis, System::nanoTime);
    }

    /** {@code clock}: nanoseconds, as System.nanoTime (a test steps its own). */
    ReplyThrottle(CamelContext camelContext, int limit, long periodMillis, LongSupplier clock) {
        if (limit < 1 || periodMillis < 1) {
            throw new IllegalArgumentException("processing.replies-per-room-per-second must be at least 1, not " + limit);
        }
        this.camelContext = camelContext;
        this.limit = limit;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.clock = clock;
    }

    private ScheduledExecutorService timer() {
        ScheduledExecutorService t = timer;
        if (t == null) {
            synchronized (this) {
                t = timer;
                if (t == null) {
                    t = camelContext.getExecutorServiceManager().newDefaultScheduledThreadPool(this, "ReplyThrottle");
                    long sweep = 10 * periodNanos;
                    t.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
                    timer = t;
                }
            }
        }
        return t;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        AsyncProcessorHelper.process(this, exchange);
    }

    @Override
    public CompletableFuture<Exchange> processAsync(Exchange exchange) {
        AsyncCallbackToCompletableFutureAdapter<Exchange> callback = new AsyncCallbackToCompletableFutureAdapter<>(exchange);
        process(exchange, callback);
        return callback.getFuture();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        long wait;
        try {
            wait = reserve(roomOf(exchange.getMessage().getBody()), clock.getAsLong());
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (wait <= 0) {
            callback.done(true);
            return true;
        }
        if (exchange.isTransacted()) { // a transaction is bound to this thread: wait on it, as Camel's throttle does
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }
        try {
            timer().schedule(() -> callback.done(false), wait, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            exchange.setException(stopping); // the context is stopping: the event is not acknowledged, delivered again
            callback.done(true);
            return true;
        }
        return false;
    }

    private static Object roomOf(Object body) {
        Object room = body instanceof Map<?, ?> message ? message.get("roomId") : null;
        return room == null ? "" : room;
    }

    /**
     * Takes the next reply slot of {@code room} at {@code now}: 0 when the reply may go now, otherwise the nanoseconds
     * it waits (its slot is taken for that time, so the next reply of the room queues behind it).
     */
    long reserve(Object room, long now) {
        Room r = rooms.computeIfAbsent(room, k -> new Room());
        synchronized (r) {
            return r.reserve(now, limit, periodNanos);
        }
    }

    /** Forgets the rooms whose last reply is a period old: their next reply goes at once anyway. */
    void sweep() {
        long now = clock.getAsLong();
        rooms.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().idle(now, periodNanos);
            }
        });
    }

    int rooms() {
        return rooms.size();
    }

    /** The send times of a room's last replies, oldest first, in a ring that grows up to the limit. */
    private static final class Room {
        private long[] times = new long[4];
        private int head;
        private int size;

        long reserve(long now, int limit, long period) {
            while (size > 0 && times[head] + period <= now) { // slots free again
                head = (head + 1) % times.length;
                size--;
            }
            long at;
            if (size < limit) {
                at = size == 0 ? now : Math.max(now, times[(head + size - 1) % times.length]);
                if (size == times.length) {
                    grow(limit);
                }
            } else {
                at = times[head] + period; // the oldest of the last `limit` replies, a period later
                head = (head + 1) % times.length;
                size--;
            }
            times[(head + size) % times.length] = at;
            size++;
            return at - now;
        }

        boolean idle(long now, long period) {
            return size == 0 || times[(head + size - 1) % times.length] + period <= now;
        }

        private void grow(int limit) {
            long[] bigger = new long[Math.min(limit, times.length * 2)];
            for (int i = 0; i < size; i++) {
                bigger[i] = times[(head + i) % times.length];
            }
            times = bigger;
            head = 0;
        }
    }
}
