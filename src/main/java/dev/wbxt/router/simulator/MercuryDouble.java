package dev.wbxt.router.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Webex's device registry (WDM) and websocket (Mercury), doubled on 127.0.0.1 for simulator mode and the tests:
 * {@code GET/POST {devicesUrl}/devices}, {@code DELETE} of a device's url, and the websocket of each device, which
 * expects the authorization frame first and then pushes a {@code conversation.activity} for every message posted
 * and card submitted in the simulator (the bot's own messages too, as Webex does), in binary frames unless the
 * URL asks for {@code outboundWireFormat=text}; frames pushed while no socket is open wait for the next one (Webex
 * keeps events for a while), unless in an {@link #outage} (Webex no longer has them).
 * It records the frames it pushed and the acknowledgements it got; for tests it can drop every socket and forget
 * every device (their websockets then answer 404).
 */
public final class MercuryDouble implements AutoCloseable {
    private static final String WDM = "/wdm/api/v1";

    /** A frame pushed to a socket: its id, the activity's verb and the activity id. */
    public record Pushed(String frameId, String verb, String activityId) {
    }

    private final String token;
    private final SimulatorStore store;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpServer server;
    private final Map<String, JsonObject> devices = new ConcurrentHashMap<>();
    private final List<String> registered = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    /** Authorized open sockets, and whether each asked for text frames. */
    private final Map<ServerWebSocket, Boolean> authorized = new ConcurrentHashMap<>();
    private final List<Pushed> pushed = new CopyOnWriteArrayList<>();
    private final List<String> acks = new CopyOnWriteArrayList<>();
    private final List<Integer> handshakes = new CopyOnWriteArrayList<>();
    private final Map<String, JsonObject> frames = new ConcurrentHashMap<>();
    /** Frames pushed while no socket was open: sent to the next one, as Webex keeps events for a while. */
    private final List<JsonObject> waiting = new CopyOnWriteArrayList<>();
    private volatile boolean textFrames;
    private volatile boolean down;
    private volatile boolean keepWhileDisconnected = true;

    MercuryDouble(String token, SimulatorStore store) {
        this.token = token;
        this.store = store;
        try {
            this.server = vertx.createHttpServer()
                    .webSocketHandler(this::socket)
                    .requestHandler(this::wdm)
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("cannot start the Mercury double", e);
        }
    }

    public String devicesUrl() {
        return base() + WDM;
    }

    private String base() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    // ---- device registry --------------------------------------------------------------------------------

    private void wdm(HttpServerRequest req) {
        if (down) {
            json(req, 503, new JsonObject().put("message", "service unavailable"));
            return;
        }
        if (!("Bearer " + token).equals(req.getHeader("Authorization"))) {
            req.response().setStatusCode(401).end("{\"message\":\"unauthorized\"}");
            return;
        }
        String path = req.path();
        req.body().onSuccess(body -> {
            switch (req.method().name() + " " + (path.startsWith(WDM + "/devices/") ? WDM + "/devices/*" : path)) {
                case "GET " + WDM + "/devices" -> json(req, 200, new JsonObject().put("devices", new JsonArray(new ArrayList<>(devices.values()))));
                case "POST " + WDM + "/devices" -> {
                    String id = UUID.randomUUID().toString();
                    JsonObject d = body.length() == 0 ? new JsonObject() : body.toJsonObject();
                    d.put("url", devicesUrl() + "/devices/" + id);
                    d.put("webSocketUrl", "ws://127.0.0.1:" + server.actualPort() + "/mercury/" + id
                            + (textFrames ? "?outboundWireFormat=text" : ""));
                    devices.put(id, d);
                    registered.add(id);
                    json(req, 200, d);
                }
                case "DELETE " + WDM + "/devices/*" -> {
                    String id = path.substring((WDM + "/devices/").length());
                    if (devices.remove(id) != null) {
                        deleted.add(id);
                        req.response().setStatusCode(204).end();
                    } else {
                        json(req, 404, new JsonObject().put("message", "device not found"));
                    }
                }
                default -> json(req, 404, new JsonObject().put("message", "not found"));
            }
        });
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    // ---- the websocket ----------------------------------------------------------------------------------

    private void socket(ServerWebSocket ws) {
        String id = ws.path().startsWith("/mercury/") ? ws.path().substring("/mercury/".length()) : "";
        if (down) {
            handshakes.add(503);
            ws.reject(503);
            return;
        }
        if (!devices.containsKey(id)) {
            handshakes.add(404);
            ws.reject(404);
            return;
        }
        handshakes.add(101);
        boolean text = ws.query() != null && ws.query().contains("outboundWireFormat=text");
        ws.handler(frame -> {
            JsonObject message;
            try {
                message = frame.toJsonObject();
            } catch (RuntimeException e) {
                return;
            }
            if ("authorization".equals(message.getString("type"))) {
                String sent = message.getJsonObject("data", new JsonObject()).getString("token");
                if (!("Bearer " + token).equals(sent)) {
                    ws.close((short) 4401, "unauthorized");
                    return;
                }
                ws.closeHandler(v -> authorized.remove(ws));
                ws.exceptionHandler(e -> authorized.remove(ws));
                synchronized (waiting) {
                    authorized.put(ws, text);
                    for (JsonObject kept : waiting) {
                        write(ws, text, kept);
                    }
                    waiting.clear();
                }
            } else if ("ack".equals(message.getString("type"))) {
                acks.add(message.getString("messageId"));
            }
        });
    }

    /** Pushes the activity of a simulator event to every authorized socket (messages and card submits only). */
    void publish(String resource, String actorId, Map<String, Object> data) {
        String verb = switch (resource) {
            case "messages" -> "post";
            case "attachmentActions" -> "cardAction";
            default -> null;
        };
        if (verb == null || registered.isEmpty()) {
            return; // nobody ever asked for a socket: nothing to keep
        }
        Map<String, Object> actor = store.personById(actorId);
        JsonObject activity = new JsonObject()
                .put("id", uuid((String) data.get("id")))
                .put("objectType", "activity")
                .put("verb", verb)
                .put("published", data.get("created"))
                .put("actor", new JsonObject().put("id", uuid(actorId)).put("objectType", "person")
                        .put("emailAddress", actor == null ? null : ((List<?>) actor.get("emails")).get(0))
                        .put("displayName", actor == null ? null : actor.get("displayName")))
                .put("object", new JsonObject().put("objectType", "comment").put("displayName", "(encrypted)")
                        .put("encryptionKeyUrl", "kms://kms-us.wbx2.com/keys/" + UUID.randomUUID()))
                .put("target", new JsonObject().put("id", uuid((String) data.get("roomId"))).put("objectType", "conversation")
                        .put("tags", new JsonArray().add("direct".equals(data.get("roomType")) ? "ONE_ON_ONE" : "LOCKED")));
        if (data.get("messageId") != null) {
            activity.put("parent", new JsonObject().put("id", uuid((String) data.get("messageId"))).put("type", "cardAction"));
        }
        push(verb, activity);
    }

    private String push(String verb, JsonObject activity) {
        String frameId = UUID.randomUUID().toString();
        JsonObject frame = new JsonObject().put("id", frameId)
                .put("data", new JsonObject().put("eventType", "conversation.activity").put("activity", activity))
                .put("timestamp", System.currentTimeMillis()).put("trackingId", SimIds.trackingId())
                .put("alertType", "full").put("headers", new JsonObject());
        frames.put(frameId, frame);
        pushed.add(new Pushed(frameId, verb, activity.getString("id")));
        synchronized (waiting) {
            if (authorized.isEmpty() && keepWhileDisconnected) {
                waiting.add(frame);
            }
            for (Map.Entry<ServerWebSocket, Boolean> socket : authorized.entrySet()) {
                write(socket.getKey(), socket.getValue(), frame);
            }
        }
        return frameId;
    }

    private static void write(ServerWebSocket ws, boolean text, JsonObject frame) {
        if (text) {
            ws.writeTextMessage(frame.encode());
        } else {
            ws.writeBinaryMessage(Buffer.buffer(frame.encode()));
        }
    }

    /** Pushes the activity of frame {@code frameId} again, in a new frame (as after a reconnect); its new id. */
    public String pushAgain(String frameId) {
        JsonObject frame = frames.get(frameId);
        JsonObject activity = frame.getJsonObject("data").getJsonObject("activity");
        return push(activity.getString("verb"), activity);
    }

    /** Devices registered from now on hand out websocket URLs with {@code outboundWireFormat=text}. */
    public void textFrames(boolean text) {
        this.textFrames = text;
    }

    /** The uuid inside a simulator id: base64url of {@code ciscospark://us/KIND/<uuid>}. */
    private static String uuid(String restId) {
        String raw = new String(Base64.getUrlDecoder().decode(restId), StandardCharsets.UTF_8);
        return raw.substring(raw.lastIndexOf('/') + 1);
    }

    // ---- observation and faults -------------------------------------------------------------------------

    /** Sockets that sent a valid authorization frame and are still open. */
    public int authorizedSockets() {
        return authorized.size();
    }

    public List<Pushed> pushed() {
        return List.copyOf(pushed);
    }

    public List<String> acks() {
        return List.copyOf(acks);
    }

    /** Ids of the devices registered (POST), in order. */
    public List<String> registeredDevices() {
        return List.copyOf(registered);
    }

    public List<String> deletedDevices() {
        return List.copyOf(deleted);
    }

    /** Status of each websocket handshake: 101 accepted, 404 unknown device. */
    public List<Integer> handshakes() {
        return List.copyOf(handshakes);
    }

    /** Closes every socket from the server's side, as a Mercury restart would. */
    public void dropSockets() {
        for (ServerWebSocket ws : authorized.keySet()) {
            authorized.remove(ws);
            ws.close((short) 1001, "going away");
        }
    }

    /** While down, the registry answers 503 and websockets are refused with 503 (open ones are not touched). */
    public void down(boolean down) {
        this.down = down;
    }

    /**
     * An outage of the socket longer than Webex keeps events for ({@code POST /simulator/socket}): while on, every
     * socket is closed, new ones are refused (503) and frames pushed meanwhile are lost; once off, the next socket
     * gets the frames pushed from then on. Only a backfill finds the messages of the outage.
     */
    public void outage(boolean on) {
        keepWhileDisconnected = !on;
        down(on);
        if (on) {
            dropSockets();
        }
    }

    /** Forgets every device: not listed any more, its websocket answers 404. */
    public void forgetDevices() {
        devices.clear();
    }

    @Override
    public void close() {
        vertx.close();
    }
}
