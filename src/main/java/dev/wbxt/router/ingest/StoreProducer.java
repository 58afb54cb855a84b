package dev.wbxt.router.ingest;

import dev.wbxt.router.EventHeaders;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.client.SessionFailureListener;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Sends each exchange's message with {@code ClientProducer.send(message, SendAcknowledgementHandler)} and completes
 * the exchange from the handler: {@code sendAcknowledged} continues the route, {@code sendFailed} fails it.
 * <p>
 * Why the acknowledgement means "on disk" (read in Artemis 2.44.0):
 * <ul>
 * <li>The confirmation window is set ({@code confirmationWindowSize} &ge; 0). Without it the client calls the
 *     handler as soon as the packet is written, before the broker has even read it ({@code ClientProducerImpl.send}:
 *     "if there is no confirmation enabled, we will at least call the handler after the sent is done", with warning
 *     AMQ212053). With it, {@code ActiveMQSessionContext.sendFullMessage} marks the packet as requiring a response,
 *     and the handler runs when that response arrives ({@code ActiveMQSessionContext.responseHandler}; an exception
 *     response calls {@code sendFailed}).</li>
 * <li>The broker sends that response from {@code ServerSessionPacketHandler.onSessionSend} through
 *     {@code sendResponse}, which defers it with {@code storageManager.afterCompleteOperations(IOCallback)}: the
 *     response goes out in {@code done()}, once the session's pending journal writes (the durable message record, or
 *     its page write when the address pages) are synced; an I/O error answers with an exception instead.</li>
 * <li>A duplicate ({@code _AMQ_DUPL_ID} seen before) is dropped by the broker and acknowledged all the same: the
 *     event is already stored.</li>
 * <li>When the connection fails, the client fails every send still awaiting its response
 *     ({@code ChannelImpl.returnBlocking}: {@code responseAsyncCache.errorAll}): {@code sendFailed}, never an
 *     acknowledgement. A send made into a connection that has just died would never be answered at all
 *     ({@code InVMConnection.write} drops it once the broker's executor is gone): each lane's failure listener fails
 *     its pending sends itself, and a send made meanwhile sees the failure.</li>
 * </ul>
 * {@code blockOnDurableSend} is off and producer flow control is off ({@code producerWindowSize} -1), so
 * {@code send} never waits for the broker: it only encodes the packet and hands it to the connection (the in-VM
 * connection runs it on the broker's executor). Sends in flight are capped by {@code maxInFlight} instead (a send
 * beyond it fails at once with a 503 {@link RejectedWebhook}), and the broker pages a long queue to disk.
 * <p>
 * Threads: a core {@code ClientSession} and its producer are not thread-safe (the session's channel numbers its
 * commands and keeps its resend cache without a lock). The callers are Vert.x's event-loop threads, a fixed few
 * (2 per core), each running webhooks one after another, never two at once. So each thread gets its own lane
 * (session factory, session, producer), used by that thread only: no lock on the hot path, and the sends of a
 * thread stay in order. Each lane has its own connection, which the broker serves on its own ordered executor, so
 * the event loops' sends are handled in parallel. The handlers run on the client's thread pool, which touches only
 * the exchange and the permit. A lane is opened by the first send of its thread, on that thread: a short blocking
 * call to the in-VM broker (for an external {@code BROKER_URL}, a TCP connect), once per event loop, and again only
 * after its connection failed, at most once a second while the broker cannot be reached.
 */
class StoreProducer extends DefaultAsyncProducer {
    /** Bytes of sends kept for a resend until the broker confirms them; any value &ge; 0 enables confirmations. */
    private static final int CONFIRMATION_WINDOW_BYTES = 1024 * 1024;
    /** A broker that could not be reached is tried again at most this often, not on every webhook. */
    private static final long RETRY_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BrokerLogin broker;
    private final SimpleString address;
    private final Semaphore inFlight;
    private final ThreadLocal<Lane> lanes = new ThreadLocal<>();
    private final Set<Lane> open = ConcurrentHashMap.newKeySet();
    private volatile ServerLocator locator;
    private volatile long lastConnectFailure = System.nanoTime() - RETRY_CONNECT_NANOS;
    private volatile Exception connectFailure;

    StoreProducer(StoreEndpoint endpoint, BrokerLogin broker, int maxInFlight) {
        super(endpoint);
        this.broker = broker;
        this.address = SimpleString.of(endpoint.getQueue());
        this.inFlight = new Semaphore(maxInFlight);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        locator = broker.locator()
                .setConfirmationWindowSize(CONFIRMATION_WINDOW_BYTES)
                .setBlockOnDurableSend(false)
                .setProducerWindowSize(-1)
                .setReconnectAttempts(0); // a lost connection fails its sends (503); the next webhook opens a new one
    }

    @Override
    protected void doStop() throws Exception {
        for (Lane lane : open) {
            lane.close();
        }
        if (locator != null) {
            locator.close();
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!inFlight.tryAcquire()) {
            exchange.setException(new RejectedWebhook(503, "busy",
                    "too many webhooks are being stored; deliver it again later"));
            callback.done(true);
            return true;
        }
        Lane lane;
        try {
            lane = lane();
        } catch (Exception e) {
            inFlight.release();
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        Confirmation confirmation = new Confirmation(exchange, callback, lane);
        lane.pending.add(confirmation);
        try {
            ClientMessage message = lane.session.createMessage(ClientMessage.TEXT_TYPE, true);
            write(exchange.getMessage(), message);
            lane.producer.send(message, confirmation);
        } catch (Exception e) {
            if (lane.session.isClosed()) {
                drop(lane);
            }
            return confirmation.failNow(e);
        }
        // The connection failed while this send was made: its failure listener may have run before the send was
        // pending, and a send into a dead connection is never answered. (The listener sets the failure before it
        // fails the pending sends, this thread adds the send before it reads the failure: one of them sees the other.)
        Exception failure = lane.failure;
        if (failure != null) {
            confirmation.sendFailed(null, failure);
        }
        return false;
    }

    /** Fills the core message as Artemis' JMS client fills a TextMessage (see {@link StoreComponent}). */
    private static void write(Message from, ClientMessage to) {
        CoreMessages.writeText(to, from.getBody(String.class));
        to.setRoutingType(RoutingType.ANYCAST);
        to.setUserID(UUIDGenerator.getInstance().generateUUID()); // the JMS message id, as the JMS producer sets it
        for (Map.Entry<String, Object> header : from.getHeaders().entrySet()) {
            Object value = header.getValue();
            if (value == null) {
                continue;
            }
            if (EventHeaders.GROUP_ID.equalsIgnoreCase(header.getKey())) {
                to.setGroupID(value.toString());
            } else {
                to.putObjectProperty(header.getKey(), value); // String, Long, Integer, Boolean...: the same type
            }
        }
    }

    /** This thread's lane; opened on first use, or again after its connection failed. */
    private Lane lane() throws Exception {
        Lane lane = lanes.get();
        if (lane != null && lane.failure == null && !lane.session.isClosed()) {
            return lane;
        }
        if (lane != null) {
            drop(lane);
        }
        if (System.nanoTime() - lastConnectFailure < RETRY_CONNECT_NANOS && connectFailure != null) {
            throw connectFailure;
        }
        try {
            lane = new Lane(locator.createSessionFactory(), broker, address);
        } catch (Exception e) {
            connectFailure = e;
            lastConnectFailure = System.nanoTime();
            throw e;
        }
        open.add(lane);
        lanes.set(lane);
        return lane;
    }

    private void drop(Lane lane) {
        open.remove(lane);
        lanes.remove();
        lane.close();
    }

    /** One thread's connection, session and producer, and its sends awaiting the broker's answer. */
    private static final class Lane implements SessionFailureListener {
        final ClientSessionFactory factory;
        final ClientSession session;
        final ClientProducer producer;
        final Set<Confirmation> pending = ConcurrentHashMap.newKeySet();
        volatile Exception failure;

        Lane(ClientSessionFactory factory, BrokerLogin broker, SimpleString address) throws Exception {
            this.factory = factory;
            try {
                session = broker.session(factory, true, true); // each send commits on its own
                session.addFailureListener(this);
                CoreMessages.ensureQueue(session, address);
                producer = session.createProducer(address);
            } catch (Exception e) {
                factory.close();
                throw e;
            }
        }

        @Override
        public void connectionFailed(ActiveMQException e, boolean failedOver) {
            failAll(e);
        }

        @Override
        public void connectionFailed(ActiveMQException e, boolean failedOver, String scaleDownTargetNodeID) {
            failAll(e);
        }

        @Override
        public void beforeReconnect(ActiveMQException e) {
        }

        /** Every send still awaiting its answer fails (503): an answer may never come. */
        void failAll(Exception e) {
            failure = e;
            for (Confirmation confirmation : pending) {
                confirmation.sendFailed(null, e);
            }
        }

        void close() {
            factory.close(); // closes the session and its producer
            failAll(new IllegalStateException("the store's connection was closed"));
        }
    }

    /** Completes the exchange once: from the broker's answer, or at once when the send could not be made. */
    private final class Confirmation extends AtomicBoolean implements SendAcknowledgementHandler {
        private final transient Exchange exchange;
        private final transient AsyncCallback callback;
        private final transient Lane lane;

        Confirmation(Exchange exchange, AsyncCallback callback, Lane lane) {
            this.exchange = exchange;
            this.callback = callback;
            this.lane = lane;
        }

        @Override
        public void sendAcknowledged(org.apache.activemq.artemis.api.core.Message message) {
            if (compareAndSet(false, true)) {
                lane.pending.remove(this);
                inFlight.release();
                callback.done(false);
            }
        }

        @Override
        public void sendFailed(org.apache.activemq.artemis.api.core.Message message, Exception e) {
            if (compareAndSet(false, true)) {
                lane.pending.remove(this);
                inFlight.release();
                exchange.setException(e);
                callback.done(false);
            }
        }

        /** The send threw: fails the exchange now, unless the broker's answer already completed it. */
        boolean failNow(Exception e) {
            if (!compareAndSet(false, true)) {
                return false;
            }
            lane.pending.remove(this);
            inFlight.release();
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }
}
