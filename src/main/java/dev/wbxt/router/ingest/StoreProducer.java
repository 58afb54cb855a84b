package dev.wbxt.router.ingest;

import java.util.Map;
import java.util.concurrent.Semaphore;

import dev.wbxt.router.broker.CoreMessages;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.core.client.impl.ClientMessageImpl;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Hands each exchange's event to the endpoint's {@link GroupCommit}, which stores it with the other events of its
 * batch in one broker transaction, and completes the exchange when that transaction is committed (the route goes on:
 * 200) or has failed (the route fails: 503). No thread waits: the caller (a Vert.x event loop) returns at once, and
 * the exchange is completed back on the caller's Vert.x context, so the rest of the route and the answer run where
 * the request was read.
 * <p>
 * The message is built here, on the caller's thread (event loops in parallel), as Artemis' JMS client builds a
 * {@code TextMessage} (see {@link StoreComponent}); the batch thread only sends it. At most {@code maxInFlight}
 * events wait for their batch: beyond it a 503 {@link RejectedWebhook} ({@code busy}) at once, and a line when such
 * refusals start and end ({@link RefusalLog}): the sign of a disk slower than the webhooks arrive.
 */
class StoreProducer extends DefaultAsyncProducer {
    /** Events in one transaction at most: a commit of 512 ~1 KB events is about 0.7 MB of journal records. */
    static final int MAX_BATCH = 512;
    /** Bodies in one transaction at most (a single larger event is a batch of its own). */
    static final int MAX_BATCH_BYTES = 1024 * 1024;

    private static final SimpleString DUPLICATE_ID = SimpleString.of(EventHeaders.DUPLICATE_ID);

    private static final Logger LOG = LoggerFactory.getLogger(StoreProducer.class);

    private final GroupCommit store;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final RefusalLog busy;

    StoreProducer(StoreEndpoint endpoint, GroupCommit store, int maxInFlight) {
        super(endpoint);
        this.store = store;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.busy = new RefusalLog(LOG, Level.WARN, "busy", null);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!inFlight.tryAcquire()) {
            busy.refused(() -> maxInFlight + " webhooks already wait for the broker to have them on disk "
                    + "(ingest.max-in-flight): a slow disk, or a broker that does not answer");
            exchange.setException(new RejectedWebhook(503, "busy",
                    "too many webhooks are being stored; deliver it again later"));
            callback.done(true);
            return true;
        }
        busy.taken();
        Member member;
        try {
            member = new Member(exchange, callback, message(exchange.getMessage()), Vertx.currentContext());
        } catch (Exception e) {
            inFlight.release();
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        store.store(member);
        return false;
    }

    /** The core message as Artemis' JMS client fills a TextMessage (see {@link StoreComponent}). */
    private static ClientMessage message(Message from) {
        ClientMessage to = new ClientMessageImpl(ClientMessage.TEXT_TYPE, true, 0, System.currentTimeMillis(), (byte) 4,
                1500);
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
        return to;
    }

    /** One exchange waiting for its batch: completed once, on the Vert.x context it came from (if any). */
    private final class Member implements GroupCommit.Member {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final ClientMessage message;
        private final Context context;

        Member(Exchange exchange, AsyncCallback callback, ClientMessage message, Context context) {
            this.exchange = exchange;
            this.callback = callback;
            this.message = message;
            this.context = context;
        }

        @Override
        public ClientMessage message() {
            return message;
        }

        @Override
        public String duplicateId() {
            Object id = message.getObjectProperty(DUPLICATE_ID);
            return id == null ? null : id.toString();
        }

        @Override
        public int bodyBytes() {
            return message.getBodyBuffer().writerIndex();
        }

        @Override
        public void stored() {
            done(null);
        }

        @Override
        public void failed(Exception e) {
            done(e);
        }

        private void done(Exception failure) {
            inFlight.release();
            if (failure != null) {
                exchange.setException(failure);
            }
            if (context == null) {
                callback.done(false);
            } else {
                context.runOnContext(ignored -> callback.done(false));
            }
        }
    }
}
