package dev.wbxt.router.mercury;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.config.RouterSettings.SocketTiming;
import dev.wbxt.router.mercury.DeviceRegistry.Device;
import dev.wbxt.router.retry.RetryTiming;
import dev.wbxt.router.webex.SharedVertx;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket's life, on one Vert.x event-loop context (so its state needs no lock):
 * <ol>
 * <li>a device from {@link DeviceRegistry} (reused by name, else registered);</li>
 * <li>the socket to its {@code webSocketUrl}, then the authorization frame ({@link MercuryFrames#authorization});</li>
 * <li>each frame: an event becomes an exchange, acknowledged when the route completes it without an exception (its
 *     last step is the durable store, whose callback comes after the broker's journal sync); a frame with no event
 *     in it is acknowledged at once; a frame whose event could not be stored is not acknowledged;</li>
 * <li>when the socket closes or an attempt fails: a new attempt after {@link RetryTiming#backoffMillis} (1 s, 2 s,
 *     4 s... with jitter, {@code webex.socket.*}); when the websocket URL answers 404 the device is gone: the next
 *     attempt registers a new one;</li>
 * <li>once a new socket is open, the component's {@link MercuryComponent.Gap} is told since when events may have
 *     been missed: the last frame received before the drop, or the previous socket's opening when it received none
 *     (Webex keeps a disconnected device's events for a while, undocumented how long);</li>
 * <li>a protocol ping every {@value #PING_SECONDS} s (Python's {@code websockets}, which webex_bot uses, pings every
 *     20 s by default): a socket whose previous ping got no pong is closed and reconnected, rather than left
 *     silent behind a dead NAT or proxy;</li>
 * <li>on stop: the socket is closed and the device deleted (DELETE of its url), waiting at most the connect timeout.</li>
 * </ol>
 */
final class MercuryConsumer extends DefaultConsumer {
    static final long PING_SECONDS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(MercuryConsumer.class);

    private final MercuryComponent component;
    private final MercuryComponent.Connection connection;
    private final SocketTiming timing;
    private final Set<String> goneDevices = ConcurrentHashMap.newKeySet();
    private Vertx vertx;
    private Context context;
    private DeviceRegistry registry;
    private WebSocketClient sockets;
    private volatile boolean running;
    private volatile Device device;
    private volatile WebSocket socket;
    private int attempt;
    private long openedAt;
    /** The last moment the stream of frames is known whole (a frame received, a socket opened); 0 before the first socket. */
    private long seenUntil;
    private long timer = -1;
    private long lastPing;
    private long lastPong;

    MercuryConsumer(Endpoint endpoint, Processor processor, MercuryComponent component) {
        super(endpoint, processor);
        this.component = component;
        this.connection = component.connection();
        this.timing = connection.timing();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        vertx = SharedVertx.of(getEndpoint().getCamelContext());
        registry = new DeviceRegistry(vertx, connection.devicesUrl(), connection.token(), connection.proxy(),
                connection.connectTimeoutMillis());
        sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setName("webex-socket")
                .setConnectTimeout(connection.connectTimeoutMillis()));
        context = vertx.getOrCreateContext();
        running = true;
        context.runOnContext(v -> connect());
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (context != null) {
            context.runOnContext(v -> vertx.cancelTimer(timer));
        }
        WebSocket s = socket;
        if (s != null) {
            s.close((short) 1000, "stopping");
        }
        Device d = device;
        if (d != null && registry != null) {
            try {
                registry.delete(d).toCompletionStage().toCompletableFuture()
                        .get(connection.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Webex websocket closed and its device deleted");
            } catch (Exception e) {
                LOG.warn("Webex device {} not deleted on stop: {}", d.url(), e.getMessage());
            }
        }
        if (sockets != null) {
            sockets.close();
        }
        if (registry != null) {
            registry.close();
        }
        super.doStop();
    }

    private void connect() {
        timer = -1;
        if (!running) {
            return;
        }
        Device known = device;
        (known != null ? io.vertx.core.Future.succeededFuture(known) : registry.register(goneDevices))
                .compose(d -> {
                    device = d;
                    return sockets.connect(options(URI.create(d.webSocketUrl())));
                })
                .onSuccess(this::opened)
                .onFailure(this::failed);
    }

    private WebSocketConnectOptions options(URI url) {
        boolean ssl = "wss".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(url.getHost())
                .setPort(url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80)
                .setSsl(ssl)
                .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
        connection.proxy().forTarget(url).ifPresent(options::setProxyOptions);
        return options;
    }

    private void failed(Throwable e) {
        Device d = device;
        if (e instanceof UpgradeRejectedException rejected && rejected.getStatus() == 404 && d != null) {
            LOG.warn("Webex websocket: the device's websocket URL answered 404: registering a new device");
            goneDevices.add(d.url());
            device = null;
        } else if (e instanceof DeviceRegistry.WdmException wdm && wdm.status == 401) {
            LOG.error("Webex websocket: the device registry refused the bot token (401); trying again");
        } else {
            LOG.warn("Webex websocket: connection attempt failed: {}", e.getMessage());
        }
        reconnectLater();
    }

    private void opened(WebSocket ws) {
        if (!running) {
            ws.close();
            return;
        }
        socket = ws;
        openedAt = System.currentTimeMillis();
        if (seenUntil > 0) {
            component.gap().missedSince(Instant.ofEpochMilli(seenUntil));
        }
        seenUntil = openedAt;
        lastPing = 0;
        lastPong = 0;
        ws.textMessageHandler(this::frame);
        ws.binaryMessageHandler(bytes -> frame(bytes.toString(StandardCharsets.UTF_8)));
        ws.pongHandler(p -> lastPong = System.nanoTime());
        ws.exceptionHandler(e -> LOG.debug("Webex websocket: {}", e.getMessage()));
        long ping = vertx.setPeriodic(TimeUnit.SECONDS.toMillis(PING_SECONDS), id -> {
            if (lastPing != 0 && lastPong < lastPing) {
                LOG.warn("Webex websocket: no pong in {} s, reconnecting", PING_SECONDS);
                ws.close();
                return;
            }
            lastPing = System.nanoTime();
            ws.writePing(Buffer.buffer());
        });
        ws.closeHandler(v -> {
            vertx.cancelTimer(ping);
            socket = null;
            component.status().closed();
            if (running) {
                LOG.warn("Webex websocket closed ({} {}): reconnecting", ws.closeStatusCode(), ws.closeReason());
                if (System.currentTimeMillis() - openedAt > timing.maxReconnectDelayMs()) {
                    attempt = 0; // it had been up for a while: start the backoff over
                }
                reconnectLater();
            }
        });
        ws.writeTextMessage(MercuryFrames.authorization(UUID.randomUUID().toString(), connection.token()));
        component.status().opened();
        LOG.info("Webex websocket open (device {})", DeviceRegistry.NAME);
    }

    private void reconnectLater() {
        if (!running) {
            return;
        }
        attempt++;
        long wait = RetryTiming.backoffMillis(attempt, timing.reconnectDelayMs(), 2, timing.maxReconnectDelayMs(),
                timing.jitter(), ThreadLocalRandom.current().nextDouble());
        component.metrics().socketReconnect();
        timer = vertx.setTimer(Math.max(1, wait), id -> connect());
    }

    private void frame(String text) {
        component.metrics().socketFrameReceived();
        attempt = 0; // the server talks to us: the connection works
        seenUntil = System.currentTimeMillis();
        MercuryFrames.Frame frame = MercuryFrames.read(text);
        WebSocket ws = socket;
        if (frame.notification().isEmpty()) {
            ack(ws, frame.id());
            return;
        }
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(frame.notification().get());
            createUoW(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            done(exchange, ws, frame.id());
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> done(exchange, ws, frame.id()));
    }

    /** The route is done with the frame's event: acknowledged only if it was stored (no exception). */
    private void done(Exchange exchange, WebSocket ws, String frameId) {
        try {
            if (exchange.getException() == null) {
                ack(ws, frameId);
            } else {
                getExceptionHandler().handleException("webex-socket: event not stored, frame " + frameId
                        + " not acknowledged", exchange, exchange.getException());
            }
        } finally {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }
    }

    private void ack(WebSocket ws, String frameId) {
        if (frameId == null || ws == null || ws.isClosed()) {
            return;
        }
        ws.writeTextMessage(MercuryFrames.ack(frameId));
        component.metrics().socketFrameAcked();
    }
}
