package dev.wbxt.router.recording;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wbxt.router.WebexEventRouter;
import dev.wbxt.router.forward.ForwardDestinations;
import dev.wbxt.router.ingest.PublicPort;
import dev.wbxt.router.ingest.SignatureVerifier;
import dev.wbxt.router.simulator.WebexSimulator;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;

/**
 * Replays a recording against routes (README "Recording and replay"): starts the service on a simulator of its own
 * whose bot is the recording's, and for each recorded event, in order, loads the Webex answers it got into the
 * simulator under their own ids, delivers its notification as Webex does (signed, to the webhook path), and waits
 * until the routes are done with it, before the next (so rooms cannot overtake each other). What the routes did is
 * collected as the recording collects it ({@link Recorder}, with a sink of the replay's in place of the file) and
 * compared ({@link ReplayDiff}).
 * <p>
 * Kept away from the world: the service's own temporary data folder (deleted after), the embedded broker, loopback
 * ports, no webhook registered anywhere (the simulator fires none: the recording's notifications are the only ones,
 * the bot's own messages among them), a bot token made for the run, and the forward destinations' routes not
 * started: the envelope is recorded where the routes hand it to forwarding, nothing is delivered.
 */
public final class Replay {
    /** How long one event may take before the replay reports it as not processed and goes on. */
    static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Replay() {
    }

    /**
     * @param routesDir the routes to replay against; null: {@code routes.dir} as configured
     * @param settings  more settings for the service (keys of application.properties), after the replay's own
     */
    public static ReplayResult run(Recording recording, Path routesDir, Map<String, String> settings) throws Exception {
        String token = "replay-" + random(16);
        String secret = random(20);
        Path data = Files.createTempDirectory("wbxt-replay-");
        Collector collector = new Collector();
        Map<String, Object> bot = recording.bot();
        try (WebexSimulator webex = bot == null ? WebexSimulator.start(0, token) : WebexSimulator.start(0, token, bot)) {
            Main main = WebexEventRouter.newMain();
            main.bind(RecordingConfiguration.SINK, collector);
            main.configure().addConfiguration(new NoDelivery());
            Map<String, String> props = new LinkedHashMap<>();
            props.put("webex.bot-token", token);
            props.put("webex.api-url", webex.apiUrl());
            props.put("webex.webhook-secret", secret);
            props.put("webex.ingest", "webhook");
            props.put("webex.webhook-target-url", "");
            props.put("backfill.enabled", "false");
            props.put("webhooks.cluster", "standalone");
            props.put("server.port", "0");
            props.put("camel.server.host", "127.0.0.1");
            props.put("management.port", String.valueOf(freePort()));
            props.put("management.host", "127.0.0.1");
            props.put("admin.token", "");
            props.put("data.dir", data.toString());
            props.put("broker.url", "");
            props.put("broker.external.enabled", "false");
            props.put("routes.reload", "false");
            props.put("recording.enabled", "false");
            props.put("no.proxy", "*");
            // every answer comes from what was loaded for the event, not from the client's cache of an earlier one
            props.put("camel.component.webex.cache-millis", "0");
            // one attempt: a failure is reported at once, not retried for minutes
            props.put("processing.max-attempts", "1");
            // one event at a time: the window would have nothing to order, and would hold each event for its length
            props.put("processing.reorder-window-ms", "0");
            props.put("camel.main.shutdown-timeout", "5");
            if (routesDir != null) {
                props.put("routes.dir", routesDir.toString());
            }
            props.putAll(settings);
            props.forEach(main::addOverrideProperty);
            try {
                main.start();
            } catch (Exception e) {
                throw new IllegalStateException("the service did not start: " + WebexEventRouter.describe(e), e);
            }
            try {
                return replay(recording, webex, main.getCamelContext(), new SignatureVerifier(secret), collector);
            } finally {
                main.stop();
            }
        } finally {
            delete(data);
        }
    }

    private static ReplayResult replay(Recording recording, WebexSimulator webex, CamelContext context,
                                       SignatureVerifier signer, Collector collector) throws Exception {
        Path routes = Path.of(context.resolvePropertyPlaceholders("{{routes.dir}}"));
        URI target = URI.create("http://127.0.0.1:" + PublicPort.port(context)
                + context.resolvePropertyPlaceholders("{{webhook.path}}"));
        Redaction redaction = Redaction.of(recording.redacted());
        List<ReplayResult.EventResult> results = new ArrayList<>();
        int number = 0;
        for (Recording.Event event : recording.events()) {
            number++;
            load(webex, event.json());
            List<String> differences = new ArrayList<>();
            String problem = deliver(target, signer, event.notification());
            if (problem == null) {
                RecordedEvent replayed = collector.await(event.key());
                if (replayed == null) {
                    differences.add("not processed within " + EVENT_TIMEOUT.toSeconds() + " s in the replay");
                } else {
                    if (replayed.failure() != null) {
                        differences.add("failed in the replay: " + WebexEventRouter.describe(replayed.failure()));
                    }
                    differences.addAll(ReplayDiff.compare(event.json(), RecordingFormat.event(replayed, redaction)));
                }
            } else {
                differences.add(problem);
            }
            results.add(new ReplayResult.EventResult(number, event.line(), event.key(), differences));
        }
        return new ReplayResult(recording.file(), routes, results, recording.repeatedLines());
    }

    /**
     * The Webex answers the event got, loaded under their own ids; and a room for each reply (and the message it
     * threads under) that no answer showed, so that the simulator takes the reply as Webex took it.
     */
    @SuppressWarnings("unchecked")
    private static void load(WebexSimulator webex, JsonNode event) {
        for (JsonNode call : event.get(RecordingFormat.WEBEX)) {
            JsonNode answer = call.get("answer");
            if (answer == null || answer.isNull()) {
                continue; // a failed call: the simulator fails it too (404), as nothing has its id
            }
            for (JsonNode item : answer.isArray() ? answer : List.of(answer)) {
                if (!item.isObject() || !item.path("id").isTextual()) {
                    continue;
                }
                Map<String, Object> resource = RecordingFormat.JSON.convertValue(item, Map.class);
                switch (call.get("operation").asText()) {
                    case "getMessage", "listMessages" -> webex.loadMessage(resource);
                    case "getRoom", "listRooms" -> webex.loadRoom(resource);
                    case "getPerson" -> webex.loadPerson(resource);
                    case "getAttachmentAction" -> webex.loadAttachmentAction(resource);
                    default -> { } // me: the simulator's bot already; webhooks: not the routes' world
                }
            }
        }
        for (JsonNode reply : event.get(RecordingFormat.REPLIES)) {
            String room = reply.path("roomId").asText("");
            if (!room.isEmpty() && !webex.hasRoom(room)) {
                webex.loadRoom(Map.of("id", room, "type", "group", "title", ""));
            }
            String parent = reply.path("parentId").asText("");
            if (!parent.isEmpty() && !webex.hasMessage(parent)) {
                webex.loadMessage(Map.of("id", parent, "roomId", room));
            }
        }
    }

    /** Null when the receiver took the notification, else what it answered. */
    private static String deliver(URI target, SignatureVerifier signer, byte[] notification) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(EVENT_TIMEOUT)
                .header("Content-Type", "application/json").header("X-Spark-Signature", signer.sign(notification))
                .POST(HttpRequest.BodyPublishers.ofByteArray(notification)).build();
        try {
            // bounded by the future: the request's own timeout alone has left the JDK client waiting (RouterHarness)
            HttpResponse<String> rsp = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .get(EVENT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return rsp.statusCode() == 200 ? null : "the receiver answered " + rsp.statusCode() + " " + rsp.body();
        } catch (ExecutionException e) {
            return "the receiver could not be reached: " + e.getCause();
        } catch (TimeoutException e) {
            return "the receiver did not answer within " + EVENT_TIMEOUT.toSeconds() + " s";
        }
    }

    /** What the replay's routes did with each event, by key, as the recording would have written it. */
    private static final class Collector implements RecordingSink {
        private final Map<String, CompletableFuture<RecordedEvent>> done = new ConcurrentHashMap<>();

        @Override
        public void accept(RecordedEvent event) {
            if (event.key() != null) {
                done.computeIfAbsent(event.key(), k -> new CompletableFuture<>()).complete(event);
            }
        }

        /** The event's attempt, or null when none ended in time. */
        RecordedEvent await(String key) throws InterruptedException, ExecutionException {
            try {
                return done.computeIfAbsent(key, k -> new CompletableFuture<>()).get(EVENT_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return null;
            }
        }
    }

    /** The forward destinations' routes are not started: a replay delivers nothing downstream. */
    private static final class NoDelivery implements CamelConfiguration {
        @Override
        public void configure(CamelContext context) {
            context.getCamelContextExtension().getContextPlugin(Model.class)
                    .addModelLifecycleStrategy(new ModelLifecycleStrategySupport() {
                        @Override
                        public void onAddRouteDefinition(RouteDefinition route) {
                            if (ForwardDestinations.isDestinationRoute(route)) {
                                route.setAutoStartup("false");
                            }
                        }
                    });
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
