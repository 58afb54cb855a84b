package dev.wbxt.router.rooms;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.processing.FailureRules;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the events queue room by room: each event goes to its room's lane ({@link Lanes}), runs through the
 * route on Camel's asynchronous routing engine, and is acknowledged on its own once its route has finished
 * ({@link QueueSession}). A failed event is judged by {@link FailureRules}: tried again when a timer fires (no
 * thread waits; its room's later events wait in the lane), or dead-lettered to {@code <queue>.dlq} with the reason.
 * <p>
 * A thread of the lane pool starts each event. When the route completes asynchronously (an asynchronous producer:
 * a call in flight holds no thread), the thread is free at once; a blocking producer (camel-http) holds it until
 * the call returns, so {@code workerThreads} then bounds the Webex calls in flight.
 * <p>
 * A lost connection to the broker (a broker restarted, killed, unreachable) ends the session and its lanes: what they
 * held was not acknowledged and is the broker's again, the events running go on to their end (within the shutdown
 * timeout, as at a stop, so that no event runs twice at once), and the consumer then opens a new session, once a
 * second until the broker answers, which delivers those events again (their replies are not sent again: the
 * replied-events record). Each event belongs to the session that delivered it ({@link Generation}): its
 * acknowledgement goes to that session or nowhere. Found twice: by BrokerRestartIT (an external broker restarted),
 * and by the soak, where the JVM paused for 37 s, an acknowledgement commit exceeded the core client's 30-s call
 * timeout (AMQ219014), the client failed the in-VM connection, and no event was taken again until the end of the run.
 */
final class RoomsConsumer extends DefaultConsumer implements Suspendable, ShutdownAware {
    private static final Logger LOG = LoggerFactory.getLogger(RoomsConsumer.class);
    private static final long RECONNECT_MILLIS = 1000;

    private final RoomsEndpoint endpoint;
    private ExecutorService workers;
    private boolean ownWorkers;
    private ScheduledExecutorService timers;
    private volatile Generation current;

    /** The lanes of the events one session delivered, and that session, which settles them. */
    private final class Generation {
        final Lanes<RoomEvent> lanes;
        QueueSession session; // set before its deliveries start

        Generation(Lanes.Reorder<RoomEvent> reorder) {
            this.lanes = new Lanes<>(endpoint.getMaxInFlight(), event -> workers.execute(() -> run(this, event)),
                    reorder, handover(), System::nanoTime);
        }
    }

    RoomsConsumer(RoomsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ExecutorServiceManager threads = getEndpoint().getCamelContext().getExecutorServiceManager();
        ExecutorService shared = endpoint.getComponent().getExecutorService();
        ownWorkers = shared == null;
        // Unbounded queue: what waits in it is bounded by maxInFlight already, and a full queue would make Camel's
        // caller-runs policy start an event on whichever thread handed it over (the broker's delivery thread).
        workers = shared != null ? shared : threads.newThreadPool(this, "rooms-lane", new ThreadPoolProfileBuilder("rooms-lane")
                .poolSize(endpoint.getWorkerThreads()).maxPoolSize(endpoint.getWorkerThreads())
                .maxQueueSize(Integer.MAX_VALUE).build());
        timers = threads.newSingleThreadScheduledExecutor(this, "rooms-timer"); // retries, reorder windows
        if (endpoint.getReorderWindowMs() > 0) {
            endpoint.getComponent().getMetrics().reorderWindow(() -> {
                Generation now = current;
                return now == null ? 0 : now.lanes.heldByWindow();
            });
        }
        current = open();
    }

    /** New lanes and a new session on the queue, delivering. */
    private Generation open() throws Exception {
        LaneMetrics metrics = endpoint.getComponent().getMetrics();
        Lanes.Reorder<RoomEvent> reorder = null;
        if (endpoint.getReorderWindowMs() > 0) {
            reorder = new Lanes.Reorder<>(endpoint.getReorderWindowMs(), endpoint.getReorderMaxHeld(),
                    RoomEvent.SENDER_ORDER, timer(), metrics::startedAfterWindow);
        }
        Generation gen = new Generation(reorder);
        gen.session = new QueueSession(endpoint.getComponent().getBroker(), endpoint.getQueue(),
                message -> take(gen, message), metrics::acknowledged, endpoint.getAckIntervalMs(),
                e -> connectionLost(gen, e));
        try {
            gen.session.start();
        } catch (Exception e) {
            gen.session.close();
            throw e;
        }
        return gen;
    }

    /**
     * With an external broker (several instances may share the queue): a room handed over by another consumer is held
     * for the window, then started in the broker's order. Read in Artemis 2.44.0: when a consumer's connection fails,
     * {@code ServerSessionImpl.doClose} rolls back the session's transaction (its acknowledgements not yet committed)
     * and {@code ServerConsumerImpl.close} cancels its delivered events, but both come back to the queue only in
     * {@code afterRollback}, once the journal has synced the rollback record ({@code TransactionImpl.internalRollback},
     * {@code OperationContextImpl.executeOnCompletion}), while {@code removeItself} frees the consumer's message groups
     * at once: a room's next event waiting in the queue is handed to this consumer first, marked as the first of its
     * group ({@code group-first-key}), and the earlier ones follow. With the embedded broker one instance has every
     * room: nothing is held, and nothing is read for it.
     */
    private Lanes.Handover<RoomEvent> handover() {
        if (endpoint.getHandoverWindowMs() <= 0 || !endpoint.getComponent().getBroker().external()) {
            return null;
        }
        return new Lanes.Handover<>(endpoint.getHandoverWindowMs(), RoomEvent::handedOver, RoomEvent.BROKER_ORDER,
                timer(), (room, first, held, earlier) -> {
                    if (earlier > 0) {
                        LOG.info("Room {} was handed over from another consumer: {} of its {} events held came back "
                                + "after its event {} and start before it, in the order they were stored", room,
                                earlier, held, first.key());
                    }
                });
    }

    /** The lanes' windows wake up on the consumer's timer (no thread waits). */
    private Lanes.Timer timer() {
        ScheduledExecutorService timer = timers;
        return (task, millis) -> {
            try {
                timer.schedule(task, millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // the consumer has stopped: what a window held is left to the broker
            }
        };
    }

    /** On the session's delivery thread: hands the event to its lane, waiting while the lanes are full. */
    private void take(Generation gen, ClientMessage message) {
        try {
            RoomEvent event = RoomEvent.of(message);
            if (gen.lanes.add(event.room(), event)) { // false when stopping: not acknowledged, delivered again later
                endpoint.getComponent().getMetrics().taken(event.receivedAt());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Generation gen, RoomEvent event) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(event.text());
        event.copyHeadersTo(exchange.getMessage());
        try {
            getAsyncProcessor().process(exchange, doneSync -> settle(gen, event, exchange));
        } catch (Throwable unexpected) {
            exchange.setException(unexpected);
            settle(gen, event, exchange);
        }
    }

    /** The route is done with the event: acknowledge it, or judge its failure. */
    private void settle(Generation gen, RoomEvent event, Exchange exchange) {
        Throwable failure = exchange.getException();
        releaseExchange(exchange, false);
        if (failure == null) {
            gen.session.acknowledge(event.message());
            gen.lanes.done(event.room());
        } else {
            // The callback may run on an asynchronous producer's I/O thread, and judging a Webex failure may ask
            // Webex whether it answers (a blocking call): judged on a lane thread instead.
            workers.execute(() -> judge(gen, event, failure));
        }
    }

    /** The event failed: try it again when a timer fires, or dead-letter it (FailureRules). */
    private void judge(Generation gen, RoomEvent event, Throwable failure) {
        long now = System.currentTimeMillis();
        RoomsComponent component = endpoint.getComponent();
        FailureRules.Verdict verdict = component.getRules().decide(component.getRetries(), failure, event.attempt(),
                event.firstFailedAt(), now);
        String queue = endpoint.getQueue();
        if (verdict.deadLetter()) {
            Map<String, Object> properties = component.getReport().deadLettered(queue, event.key(), event.attempt(),
                    event.firstFailedAt(), verdict.reason());
            gen.session.deadLetter(event.message(), event.text(), queue + ".dlq", properties);
            gen.lanes.done(event.room());
            return;
        }
        component.getReport().retried(queue, event.key(), event.attempt(), component.getRetries().maxAttempts(),
                verdict.delayMillis(), verdict.reason());
        event.failed(now);
        try {
            timers.schedule(() -> {
                if (gen.lanes.resume()) {
                    workers.execute(() -> run(gen, event));
                }
            }, verdict.delayMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the consumer has stopped meanwhile: the event is left to the broker, like every waiting one
        }
        gen.lanes.waiting(); // after the timer is set, so that a stop cannot close the timers in between
    }

    /** On a client thread: the session's connection failed. */
    private void connectionLost(Generation gen, Exception cause) {
        if (gen != current || !isRunAllowed()) {
            return; // an earlier session, or the consumer stops anyway
        }
        Thread reconnect = new Thread(() -> reconnect(gen, cause), "wbxt-rooms-reconnect-" + endpoint.getQueue());
        reconnect.setDaemon(true);
        reconnect.start();
    }

    /** Ends the lost session's lanes and session, then opens a new one once the broker answers. */
    private void reconnect(Generation lost, Exception cause) {
        String queue = endpoint.getQueue();
        LOG.warn("Lost the connection to the broker while taking events from {} ({}): {} held, {} running to their "
                + "end; the broker delivers them again to a new session", queue, cause.getMessage(),
                lost.lanes.inFlight(), lost.lanes.running());
        try {
            closeGeneration(lost);
            for (int attempt = 1; ; attempt++) {
                synchronized (this) {
                    if (current != lost || !isRunAllowed() || isSuspendingOrSuspended()) {
                        return; // stopped or suspended meanwhile: a start opens a session of its own
                    }
                    try {
                        current = open();
                        LOG.info("Taking events from {} again, on a new session ({} attempt(s))", queue, attempt);
                        return;
                    } catch (Exception notYet) {
                        LOG.debug("Broker not answering yet ({}): trying again in {} ms", notYet.getMessage(),
                                RECONNECT_MILLIS);
                    }
                }
                Thread.sleep(RECONNECT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the lanes (the events running go on to their end, within the shutdown timeout), then the session. */
    private void closeGeneration(Generation gen) throws InterruptedException {
        gen.lanes.stop();
        int unfinished = gen.lanes.awaitStopped(getEndpoint().getCamelContext().getShutdownStrategy().getTimeout(),
                getEndpoint().getCamelContext().getShutdownStrategy().getTimeUnit());
        if (unfinished > 0) {
            LOG.warn("{} event(s) of {} still running at the stop: delivered again at the next start", unfinished,
                    endpoint.getQueue());
        }
        gen.session.close(); // the acknowledgements asked for are sent first
    }

    /**
     * Graceful stop, in Camel's order: the shutdown strategy suspends this consumer (no new event is taken, the events
     * running go on), waits while {@link #getPendingExchangesSize} events still run (within the context's shutdown
     * timeout), then stops it: the acknowledgements are sent and the session closed. What was queued in a lane or
     * waited for a retry was never acknowledged: the broker delivers it again at the next start.
     */
    @Override
    protected void doSuspend() {
        Generation gen = current;
        if (gen != null && gen.lanes.stop()) {
            LOG.info("Stopped taking events from {}: {} held, {} running to their end, the rest is delivered again "
                    + "at the next start", endpoint.getQueue(), gen.lanes.inFlight(), gen.lanes.running());
        }
    }

    /** A suspended consumer has left its queued events behind: it resumes as a fresh one. */
    @Override
    protected void doResume() throws Exception {
        doStop();
        doStart();
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        Generation gen = current;
        return gen == null ? 0 : gen.lanes.running();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        doSuspend();
    }

    @Override
    protected void doStop() throws Exception {
        Generation gen;
        synchronized (this) { // against a reconnection: it opens nothing once this has run
            gen = current;
            current = null;
        }
        if (gen != null) {
            closeGeneration(gen);
        }
        ExecutorServiceManager threads = getEndpoint().getCamelContext().getExecutorServiceManager();
        if (timers != null) {
            threads.shutdownNow(timers);
        }
        if (workers != null && ownWorkers) {
            threads.shutdown(workers);
        }
        super.doStop();
    }
}
