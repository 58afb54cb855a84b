package dev.wbxt.router.simulator;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Webex REST API double over real HTTP on 127.0.0.1: the REST API under /v1 (bearer token required),
 * signed webhook deliveries, fault injection, unauthenticated control endpoints under /simulator, and a chat
 * page for humans (the playground, {@link #playgroundUrl()}).
 * Part of the product: tests, benchmarks and the app's simulator mode all use it. This class is the listener and the
 * face of its parts: the data (SimulatorStore, SimulatorWebhooks), what people do (SimulatedUsers), the deliveries
 * (WebhookDispatcher), the REST API (ApiHandler, MessagesApi), the control endpoints (ControlHandler).
 */
public final class WebexSimulator implements AutoCloseable {
    /** Its name in the Camel registry in simulator mode. */
    public static final String REGISTRY_NAME = "webexSimulator";

    /** What one webhook target answered to one delivery; status 0 means nothing answered. */
    public record Delivery(String webhookId, String targetUrl, int status, String body, String payload) {
    }

    /**
     * One REST API request as received; {@code path} includes /v1 and the query string; {@code requestBody} the JSON
     * as sent, or for a multipart body its fields with the file's name, type and size; {@code contentType} of the body.
     */
    public record Call(String method, String path, int status, String requestBody, String contentType) {
    }

    /** A file of a message: its name, type and bytes. */
    public record Upload(String name, String contentType, byte[] content) {
    }

    private final String botToken;
    private final SimulatorStore store;
    private final SimulatorWebhooks webhooks;
    private final FaultInjector faults = new FaultInjector();
    private final DeliveryLog deliveries = new DeliveryLog();
    private final WebhookDispatcher dispatcher;
    private final SimulatedUsers users;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Runs the webhooks Webex fires for the bot's own messages, so POST /messages answers first. */
    private final ExecutorService background = Executors.newCachedThreadPool(daemon("webex-sim-webhooks"));
    private volatile int port;
    private MercuryDouble mercury;
    private HttpServer server;
    private ExecutorService serverThreads;

    private WebexSimulator(int port, String botToken, SimulatorStore store) {
        this.port = port;
        this.botToken = Objects.requireNonNull(botToken, "botToken");
        this.store = store;
        this.webhooks = new SimulatorWebhooks(store.orgId(), store.appId(), store.botId());
        this.dispatcher = new WebhookDispatcher(store, webhooks, deliveries::add);
        this.users = new SimulatedUsers(store, dispatcher, this::apiUrl);
    }

    /** Starts listening on 127.0.0.1; port 0 picks a free port. */
    public static WebexSimulator start(int port, String botToken) {
        return listening(new WebexSimulator(port, botToken, new SimulatorStore()));
    }

    /**
     * The same with {@code bot} as the bot (its id, emails and names, as {@code GET /people/me} answered them): the
     * world of a recording, for a replay, filled in with {@link #loadPerson} and the others.
     */
    public static WebexSimulator start(int port, String botToken, Map<String, Object> bot) {
        return listening(new WebexSimulator(port, botToken, new SimulatorStore(bot)));
    }

    private static WebexSimulator listening(WebexSimulator sim) {
        sim.listen();
        return sim;
    }

    private synchronized void listen() {
        if (server != null) {
            return;
        }
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            s.createContext("/v1", new ApiHandler(store, webhooks, dispatcher, faults, botToken, calls::add, background,
                    this::apiUrl));
            s.createContext("/simulator", new ControlHandler(this));
            s.createContext("/", new PlaygroundHandler()); // the browser playground; every other path is a 404
            // cached pool: a webhook receiver may call back into the API while a control request is still open
            serverThreads = Executors.newCachedThreadPool(daemon("webex-sim-http"));
            s.setExecutor(serverThreads);
            s.start();
            server = s;
            port = s.getAddress().getPort(); // keep the real port so restart() binds the same one
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    public int port() {
        return port;
    }

    /** The device registry of the Mercury double (websocket mode), started on first use on a port of its own. */
    public String devicesUrl() {
        return mercury().devicesUrl();
    }

    /** The websocket double: what it pushed, the acknowledgements, and its faults for tests. */
    public synchronized MercuryDouble mercury() {
        if (mercury == null) {
            mercury = new MercuryDouble(botToken, store);
            dispatcher.alsoPushTo(mercury);
        }
        return mercury;
    }

    /** The browser page to chat with the bot as a simulated user. */
    public String playgroundUrl() {
        return "http://127.0.0.1:" + port + PlaygroundHandler.PATH;
    }

    /** Closes the listener (connections are refused afterwards); the store is kept for {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            serverThreads.shutdownNow();
            server = null;
        }
    }

    /** Listens again on the same port with the same store. */
    public synchronized void restart() {
        stop();
        listen();
    }

    @Override
    public void close() {
        stop();
        background.shutdownNow();
        synchronized (this) {
            if (mercury != null) {
                mercury.close();
            }
        }
    }

    // ---- the world ---------------------------------------------------------------------------------------

    public Map<String, Object> bot() {
        return store.bot();
    }

    public Map<String, Object> person(String email) {
        return store.person(email);
    }

    public String directRoom(String email) {
        return store.directRoom(email);
    }

    public String groupRoom(String title) {
        return store.groupRoom(title);
    }

    /**
     * Someone adds the bot to a new group room: fires memberships/created with the bot as {@code data.personId} and
     * the adder as {@code actorId}, as Webex does. Returns the room id.
     */
    public String addBotToRoom(String title, String actorEmail) {
        return users.addBotToRoom(title, actorEmail);
    }

    /** Someone removes the bot from the room: GET /rooms stops listing it, memberships/deleted is fired. */
    public void removeBotFromRoom(String roomId, String actorEmail) {
        users.removeBotFromRoom(roomId, actorEmail);
    }

    /** A message in the room without any webhook (e.g. while the webhooks are inactive): found later by listing. */
    public Map<String, Object> postSilently(String email, String roomId, String text) {
        return post(email, roomId, text);
    }

    public List<Map<String, Object>> webhooks() {
        return webhooks.webhooks();
    }

    // ---- a recorded world: resources loaded as Webex answered them, under their own ids (replacing any other) ----

    public void loadPerson(Map<String, Object> person) {
        store.loadPerson(person);
    }

    public void loadRoom(Map<String, Object> room) {
        store.loadRoom(room);
    }

    /** A message GET /messages/{id} answers as given; POST /messages may name it as {@code parentId}. */
    public void loadMessage(Map<String, Object> message) {
        store.loadMessage(message);
    }

    public void loadAttachmentAction(Map<String, Object> action) {
        store.loadAttachmentAction(action);
    }

    /** Whether a room of that id exists (loaded, or made by the simulator). */
    public boolean hasRoom(String id) {
        return store.room(id) != null;
    }

    public boolean hasMessage(String id) {
        return store.message(id) != null;
    }

    // ---- events ------------------------------------------------------------------------------------------

    /** That person posts {@code text} in the room; every matching webhook gets messages/created, synchronously. */
    public List<Delivery> say(String email, String roomId, String text) {
        return fireMessageCreated(post(email, roomId, text));
    }

    /** That person submits a card on the message; fires attachmentActions/created (without the inputs, as Webex). */
    public List<Delivery> submitCard(String email, String messageId, Map<String, Object> inputs) {
        return users.submitCard(email, messageId, inputs);
    }

    /** POSTs an arbitrary payload to every registered webhook, signed with each webhook's secret. */
    public List<Delivery> fire(Map<String, Object> webhookPayload) {
        return dispatcher.fireRaw(webhookPayload);
    }

    /**
     * That person posts {@code text} (may be null) with files in the room, as a Webex client uploads them: each is
     * stored and served at {@code /v1/contents/<id>} with its name, type and size, and the message lists their URLs
     * in {@code files}. Every matching webhook gets messages/created, synchronously.
     */
    public List<Delivery> sayWithFiles(String email, String roomId, String text, List<Upload> files) {
        return fireMessageCreated(post(email, roomId, text, files));
    }

    /** A message whose {@code files} are the given URLs, whatever they are (a hostile or broken client): for tests. */
    public List<Delivery> sayWithFileUrls(String email, String roomId, String text, List<String> urls) {
        return fireMessageCreated(users.postWithFileUrls(email, roomId, text, urls));
    }

    /** The file served at that content URL (or content id): what a user posted, or what the bot uploaded. */
    public Upload file(String urlOrId) {
        SimulatorStore.StoredFile f = store.file(urlOrId.substring(urlOrId.lastIndexOf('/') + 1));
        return f == null ? null : new Upload(f.name(), f.contentType(), f.content().clone());
    }

    /**
     * Faults of one file for tests: {@code servedType} the Content-Type its GET answers (another than its HEAD's), and
     * {@code announcedLength} the Content-Length its HEAD claims (its GET still sends every byte); null: as it is.
     */
    public void fileFault(String urlOrId, String servedType, Long announcedLength) {
        if (!store.fileFault(urlOrId.substring(urlOrId.lastIndexOf('/') + 1), servedType, announcedLength)) {
            throw new IllegalArgumentException("unknown file " + urlOrId);
        }
    }

    Map<String, Object> post(String email, String roomId, String text) {
        return post(email, roomId, text, List.of());
    }

    Map<String, Object> post(String email, String roomId, String text, List<Upload> files) {
        return users.post(email, roomId, text, files);
    }

    List<Delivery> fireMessageCreated(Map<String, Object> message) {
        return dispatcher.messageCreated(message);
    }

    Map<String, Object> message(String id) {
        return store.message(id);
    }

    // ---- observation -------------------------------------------------------------------------------------

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    public List<Map<String, Object>> people() {
        return store.allPeople();
    }

    public List<Map<String, Object>> rooms() {
        return store.allRooms();
    }

    /** Webhook deliveries numbered above {@code after} (the last {@value DeliveryLog#CAPACITY} are kept). */
    public List<Map<String, Object>> deliveriesAfter(long after) {
        return deliveries.after(after);
    }

    public List<Map<String, Object>> messagesBy(String personId) {
        return store.messagesBy(personId);
    }

    public List<Map<String, Object>> messagesIn(String roomId) {
        return store.messagesIn(roomId);
    }

    /** Waits until the bot has posted at least {@code count} messages in the room; returns what it has posted by then. */
    public List<Map<String, Object>> awaitBotMessages(String roomId, int count, Duration timeout) {
        String botId = store.botId();
        try {
            store.await(() -> botMessages(roomId, botId).size() >= count ? Boolean.TRUE : null, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return botMessages(roomId, botId);
    }

    /** The bot's messages in the room after message {@code afterId}, waiting up to {@code timeout} for the first one. */
    List<Map<String, Object>> awaitAfter(String roomId, String afterId, String botId, Duration timeout)
            throws InterruptedException {
        List<Map<String, Object>> found = store.await(() -> {
            List<Map<String, Object>> out = new ArrayList<>();
            boolean seen = false;
            for (Map<String, Object> m : store.messagesIn(roomId)) {
                if (seen && botId.equals(m.get("personId"))) {
                    out.add(m);
                }
                seen |= afterId.equals(m.get("id"));
            }
            return out.isEmpty() ? null : out;
        }, timeout);
        return found == null ? List.of() : found;
    }

    private List<Map<String, Object>> botMessages(String roomId, String botId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : store.messagesIn(roomId)) {
            if (botId.equals(m.get("personId"))) {
                out.add(m);
            }
        }
        return out;
    }

    // ---- faults and test hooks ---------------------------------------------------------------------------

    public void failNext(String method, String pathPrefix, int status, int times, Integer retryAfterSeconds) {
        faults.failNext(method, pathPrefix, status, times, retryAfterSeconds);
    }

    public void delay(String method, String pathPrefix, Duration delay) {
        faults.delay(method, pathPrefix, delay);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** E.g. "inactive" to model Webex disabling a webhook after failed deliveries. */
    public void setWebhookStatus(String id, String status) {
        if (!webhooks.setWebhookStatus(id, status)) {
            throw new IllegalArgumentException("unknown webhook " + id);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
