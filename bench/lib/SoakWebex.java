import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Webex side and the downstream system of the soak (bench/soak.sh), one Vert.x event loop in a JVM of its own:
 * <ul>
 * <li>the Webex REST API on {@code <api-port>/v1}, answered as bench/lib/nginx.conf answers it (a message in the
 * room its id carries, FixedRate's ids), the bearer token checked;</li>
 * <li>every reply ({@code POST /v1/messages}) counted per event: the echo bot's reply holds the webhook, whose
 * {@code data.id} is the event's message id, which carries the event's number (FixedRate.messageUuid); a reply in
 * another room than the event's is counted apart;</li>
 * <li>the forward destination ({@code FORWARD_URL}) on {@code <sink-port>/events}: each delivery counted per event by
 * its {@code webhook-id} (the CloudEvent id, {@code messages:created:<message id>});</li>
 * <li>the faults, on a schedule that repeats every {@code <cycle>} seconds from t0 (the load's first scheduled
 * send, given by {@code POST /soak/start?t0=<epoch ms>}): {@code 5xx@120+20} answers every API call 500, 502 or 503 from 120 s to 140 s of each cycle;
 * {@code 429@300+30} answers every other API call 429 with {@code Retry-After: 2}; {@code outage@420+60} closes
 * the destination's listener (connections refused, open ones closed) and listens again after 60 s.</li>
 * </ul>
 * For each event it keeps its replies, its deliveries and when (and in which sequence) the first of each came, in
 * arrays indexed by the event's number: a few MB for a 30-minute soak, no map, no garbage per event. The nginx
 * stand-in has no faults and counts only lines; the built-in simulator keeps every message and call in memory (its
 * call log is a CopyOnWriteArrayList, copied on every call) and knows only messages posted through it.
 * {@code GET /soak/counts} answers the totals (sampled by soak.sh), {@code POST /soak/dump} writes one line per
 * event into {@code <out>}: {@code n replies deliveries firstReplySeq firstDeliverySeq firstReplyMs firstDeliveryMs}
 * (ms after t0; -1: none); fault windows are printed as {@code FAULT <kind> on|off <epoch ms>}.
 * Usage: java -cp webex-event-router.jar:classes SoakWebex <api-port> <sink-port> <token> <events> <rooms> <namespace>
 * <cycle s> <schedule, e.g. "5xx@120+20 429@300+30 outage@420+60"> <out>
 */
public class SoakWebex {
    static final String MESSAGE_PREFIX = "Y2lzY29zcGFyazovL3VzL01FU1NBR0Uv"; // base64url("ciscospark://us/MESSAGE/")
    static final Pattern MESSAGE_ID = Pattern.compile(MESSAGE_PREFIX + "[A-Za-z0-9_-]{48}");
    static final Pattern ROOM_ID = Pattern.compile("\"roomId\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");
    static final String DELIVERY_PREFIX = "messages:created:";

    record Fault(String kind, long at, long seconds) {
        static Fault parse(String spec) {
            Matcher m = Pattern.compile("(5xx|429|outage)@(\\d+)\\+(\\d+)").matcher(spec);
            if (!m.matches()) {
                throw new IllegalArgumentException("a fault is 5xx|429|outage@<start s>+<seconds>: " + spec);
            }
            return new Fault(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
        }
    }

    final String auth;
    final List<Fault> faults;
    final long cycleMillis;
    long t0;
    final long rooms;
    final long namespace;
    final Vertx vertx;
    final int sinkPort;
    // per event, indexed by its number
    final byte[] replies;
    final byte[] deliveries;
    final int[] firstReplySeq;
    final int[] firstDeliverySeq;
    final int[] firstReplyMs;
    final int[] firstDeliveryMs;
    int replySeq;
    int deliverySeq;
    // totals
    long calls, replyCalls, repliesUnknown, repliesWrongRoom, deliveryCalls, deliveriesUnknown;
    long answered5xx, answered429, unauthorized, notFound;
    // the faults now on (one event loop: no locks)
    boolean fail5xx, limit429, outage;
    long faultCalls;
    HttpServer sink;

    SoakWebex(Vertx vertx, String token, int events, long rooms, long namespace, int sinkPort, List<Fault> faults,
              long cycleMillis) {
        this.vertx = vertx;
        this.auth = "Bearer " + token;
        this.faults = faults;
        this.cycleMillis = cycleMillis;
        this.rooms = rooms;
        this.namespace = namespace;
        this.sinkPort = sinkPort;
        replies = new byte[events];
        deliveries = new byte[events];
        firstReplySeq = new int[events];
        firstDeliverySeq = new int[events];
        firstReplyMs = new int[events];
        firstDeliveryMs = new int[events];
        java.util.Arrays.fill(firstReplyMs, -1);
        java.util.Arrays.fill(firstDeliveryMs, -1);
    }

    public static void main(String[] args) throws Exception {
        int apiPort = Integer.parseInt(args[0]);
        int sinkPort = Integer.parseInt(args[1]);
        long cycleMillis = Long.parseLong(args[6]) * 1000;
        List<Fault> faults = new ArrayList<>();
        for (String spec : args[7].trim().split("\\s+")) {
            if (!spec.isEmpty()) {
                faults.add(Fault.parse(spec));
            }
        }
        Path out = Path.of(args[8]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        SoakWebex webex = new SoakWebex(vertx, args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]),
                Long.decode(args[5]), sinkPort, faults, cycleMillis);
        CountDownLatch started = new CountDownLatch(2);
        vertx.runOnContext(v -> {
            vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(4096).setIdleTimeout(0))
                    .requestHandler(rq -> rq.body().onSuccess(body -> webex.api(rq, body, out)))
                    .listen(apiPort, "127.0.0.1").onSuccess(s -> started.countDown())
                    .onFailure(e -> { e.printStackTrace(); System.exit(1); });
            webex.listenSink(started::countDown);
        });
        started.await();
        System.out.println("SOAKWEBEX ready api 127.0.0.1:" + apiPort + " sink 127.0.0.1:" + sinkPort + " faults " + faults
                + " every " + cycleMillis / 1000 + " s, from POST /soak/start?t0=<epoch ms>");
        new CountDownLatch(1).await(); // until soak.sh stops it
    }

    /** Switches the fault on at t0 + k * cycle + at, off seconds later, for every cycle k. */
    void schedule(Fault f, long cycleMillis) {
        long on = t0 + f.at() * 1000;
        while (on + f.seconds() * 1000 <= System.currentTimeMillis()) {
            on += cycleMillis;
        }
        long onAt = on;
        vertx.setTimer(Math.max(1, onAt - System.currentTimeMillis()), id -> {
            set(f.kind(), true);
            vertx.setTimer(Math.max(1, onAt + f.seconds() * 1000 - System.currentTimeMillis()), id2 -> {
                set(f.kind(), false);
                schedule(f, cycleMillis);
            });
        });
    }

    void set(String kind, boolean on) {
        switch (kind) {
            case "5xx" -> fail5xx = on;
            case "429" -> limit429 = on;
            case "outage" -> {
                outage = on;
                if (on) {
                    sink.close(); // the listener and its open connections
                } else {
                    listenSink(() -> { });
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
        System.out.println("FAULT " + kind + (on ? " on " : " off ") + System.currentTimeMillis());
    }

    void listenSink(Runnable then) {
        HttpServer s = vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(4096).setIdleTimeout(0))
                .requestHandler(rq -> rq.body().onSuccess(body -> deliver(rq, body)));
        s.listen(sinkPort, "127.0.0.1").onSuccess(x -> {
            sink = s;
            then.run();
        }).onFailure(e -> { e.printStackTrace(); System.exit(1); });
    }

    // ---- the forward destination ---------------------------------------------------------------------------

    void deliver(HttpServerRequest rq, Buffer body) {
        deliveryCalls++;
        String id = rq.getHeader("webhook-id");
        int n = id != null && id.startsWith(DELIVERY_PREFIX) ? eventNumber(id.substring(DELIVERY_PREFIX.length())) : -1;
        if (n < 0) {
            deliveriesUnknown++;
        } else {
            if (deliveries[n] == 0) {
                firstDeliverySeq[n] = ++deliverySeq;
                firstDeliveryMs[n] = (int) (System.currentTimeMillis() - t0);
            }
            if (deliveries[n] < Byte.MAX_VALUE) {
                deliveries[n]++;
            }
        }
        rq.response().setStatusCode(204).end();
    }

    // ---- the Webex REST API --------------------------------------------------------------------------------

    void api(HttpServerRequest rq, Buffer body, Path out) {
        String path = rq.path();
        if (path.startsWith("/soak/")) {
            control(rq, path, out);
            return;
        }
        calls++;
        if (fail5xx) {
            answered5xx++;
            int status = switch ((int) (faultCalls++ % 3)) { case 0 -> 500; case 1 -> 502; default -> 503; };
            error(rq, status, "Injected failure " + status);
            return;
        }
        if (limit429 && (faultCalls++ & 1) == 0) {
            answered429++;
            rq.response().putHeader("Retry-After", "2");
            error(rq, 429, "Too Many Requests");
            return;
        }
        if (!auth.equals(rq.getHeader("Authorization"))) {
            unauthorized++;
            error(rq, 401, "The request requires a valid access token set in the Authorization request header.");
            return;
        }
        if (path.equals("/v1/messages") && rq.method().name().equals("POST")) {
            reply(rq, body);
        } else if (path.equals("/v1/people/me")) {
            json(rq, "{\"id\":\"" + FixedRate.BOT + "\",\"emails\":[\"echo-bot@webex.bot\"],\"displayName\":\"Echo Bot\","
                    + "\"nickName\":\"Echo\",\"orgId\":\"" + FixedRate.ORG + "\",\"created\":\"2026-01-01T00:00:00.000Z\",\"type\":\"bot\"}");
        } else if (path.startsWith("/v1/messages/")) {
            String id = path.substring("/v1/messages/".length());
            int n = eventNumber(id);
            String room = n < 0 ? null : FixedRate.wid("ROOM", FixedRate.roomUuid(n % rooms));
            if (room == null) {
                notFound(rq);
                return;
            }
            json(rq, "{\"id\":\"" + id + "\",\"roomId\":\"" + room + "\",\"roomType\":\"group\",\"text\":\"hello router\","
                    + "\"personId\":\"" + FixedRate.USER + "\",\"personEmail\":\"matt@example.com\",\"created\":\"2026-11-27T14:26:16.000Z\"}");
        } else if (path.startsWith("/v1/rooms/")) {
            json(rq, "{\"id\":\"" + path.substring("/v1/rooms/".length()) + "\",\"title\":\"Project Unicorn\",\"type\":\"group\","
                    + "\"isLocked\":false,\"lastActivity\":\"2026-11-27T14:26:16.000Z\",\"creatorId\":\"" + FixedRate.USER
                    + "\",\"created\":\"2026-11-01T19:01:55.966Z\"}");
        } else if (path.startsWith("/v1/people/")) {
            json(rq, "{\"id\":\"" + path.substring("/v1/people/".length()) + "\",\"emails\":[\"matt@example.com\"],"
                    + "\"displayName\":\"Matt\",\"nickName\":\"Matt\",\"orgId\":\"" + FixedRate.ORG
                    + "\",\"created\":\"2026-01-01T00:00:00.000Z\",\"type\":\"person\"}");
        } else {
            notFound(rq);
        }
    }

    /** A reply: counted for the event whose webhook it echoes, in the event's room or apart. */
    void reply(HttpServerRequest rq, Buffer body) {
        replyCalls++;
        String text = body.toString(StandardCharsets.UTF_8);
        Matcher id = MESSAGE_ID.matcher(text);
        int n = id.find() ? eventNumber(id.group()) : -1;
        Matcher found = ROOM_ID.matcher(text);
        String room = found.find() ? found.group(1) : "";
        if (n < 0) {
            repliesUnknown++;
        } else if (!room.equals(FixedRate.wid("ROOM", FixedRate.roomUuid(n % rooms)))) {
            repliesWrongRoom++;
        } else {
            if (replies[n] == 0) {
                firstReplySeq[n] = ++replySeq;
                firstReplyMs[n] = (int) (System.currentTimeMillis() - t0);
            }
            if (replies[n] < Byte.MAX_VALUE) {
                replies[n]++;
            }
        }
        json(rq, "{\"id\":\"" + FixedRate.wid("MESSAGE", UUID.randomUUID()) + "\",\"roomId\":\"" + room
                + "\",\"personId\":\"" + FixedRate.BOT + "\",\"created\":\"2026-11-27T14:26:17.000Z\"}");
    }

    /** The number of the soak's event whose message id this is (FixedRate.messageUuid), or -1. */
    int eventNumber(String messageId) {
        if (!messageId.startsWith(MESSAGE_PREFIX)) {
            return -1;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(messageId), StandardCharsets.US_ASCII);
            UUID uuid = UUID.fromString(s.substring("ciscospark://us/MESSAGE/".length()));
            long low = uuid.getLeastSignificantBits();
            long n = low & 0xFFFFFFFFL;
            if ((low >>> 32 & 0xFFFF) != (namespace & 0xFFFF) || n >= replies.length) {
                return -1;
            }
            return (int) n;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    // ---- control ------------------------------------------------------------------------------------------------

    void control(HttpServerRequest rq, String path, Path out) {
        if (path.equals("/soak/start") && t0 == 0) {
            t0 = Long.parseLong(rq.getParam("t0"));
            for (Fault f : faults) {
                schedule(f, cycleMillis);
            }
            json(rq, "{\"t0\":" + t0 + "}");
        } else if (path.equals("/soak/counts")) {
            long distinctReplies = 0, duplicateReplies = 0, distinctDeliveries = 0, duplicateDeliveries = 0;
            for (int n = 0; n < replies.length; n++) {
                distinctReplies += replies[n] > 0 ? 1 : 0;
                duplicateReplies += Math.max(0, replies[n] - 1);
                distinctDeliveries += deliveries[n] > 0 ? 1 : 0;
                duplicateDeliveries += Math.max(0, deliveries[n] - 1);
            }
            json(rq, String.format(Locale.ROOT, "{\"calls\":%d,\"reply_calls\":%d,\"replied\":%d,\"reply_duplicates\":%d,"
                            + "\"replies_unknown\":%d,\"replies_wrong_room\":%d,\"deliveries\":%d,\"delivered\":%d,"
                            + "\"delivery_duplicates\":%d,\"deliveries_unknown\":%d,\"answered_5xx\":%d,\"answered_429\":%d,"
                            + "\"unauthorized\":%d,\"not_found\":%d,\"faults\":\"%s\"}",
                    calls, replyCalls, distinctReplies, duplicateReplies, repliesUnknown, repliesWrongRoom, deliveryCalls,
                    distinctDeliveries, duplicateDeliveries, deliveriesUnknown, answered5xx, answered429, unauthorized,
                    notFound, (fail5xx ? "5xx " : "") + (limit429 ? "429 " : "") + (outage ? "outage" : "")));
        } else if (path.equals("/soak/dump")) {
            try (BufferedWriter w = Files.newBufferedWriter(out)) {
                for (int n = 0; n < replies.length; n++) {
                    w.write(n + " " + replies[n] + " " + deliveries[n] + " " + firstReplySeq[n] + " " + firstDeliverySeq[n]
                            + " " + firstReplyMs[n] + " " + firstDeliveryMs[n] + "\n");
                }
                json(rq, "{\"written\":\"" + out + "\"}");
            } catch (IOException e) {
                error(rq, 500, e.toString());
            }
        } else {
            notFound(rq);
        }
    }

    // ---- answers ------------------------------------------------------------------------------------------------

    static void json(HttpServerRequest rq, String body) {
        rq.response().putHeader("Content-Type", "application/json").end(body);
    }

    void notFound(HttpServerRequest rq) {
        notFound++;
        error(rq, 404, "The requested resource could not be found.");
    }

    static void error(HttpServerRequest rq, int status, String message) {
        rq.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("TrackingId", "SOAK_" + System.nanoTime())
                .end("{\"message\":\"" + message + "\",\"errors\":[{\"description\":\"" + message + "\"}],\"trackingId\":\"SOAK\"}");
    }
}
