import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

/**
 * Open-model load generator: sends distinct, correctly signed messages/created webhooks at a fixed rate and records
 * each ack's latency from the moment the request was SCHEDULED to be sent (not from when it actually went out),
 * so a stall in the server shows up in every request it delayed (no coordinated omission, as wrk2 does it).
 * Bodies and ids are made as gen_bodies.py makes them (namespace keeps ids of two runs apart). Prints one line "FIXEDJSON {...}".
 * The client is Vert.x's (from the service's jar): up to 256 keep-alive connections, requests beyond that wait in
 * its queue, which the latency includes. The first [warm-up] seconds run at the same rate but are not recorded.
 * Usage: java -cp webex-event-router.jar:classes FixedRate <url> <secret> <rate/s> <seconds> [namespace] [rooms] [warm-up s]
 * (FIXED_SELF_WARMUP=<s> first sends to a server of its own for that long: this generator's JIT, not the target's;
 * FIXED_START_AT=<epoch ms> starts the measured sends then.)
 */
public class FixedRate {
    static final String BOT = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3QtMDAwMS0wMDAwLTAwMDAtMDAwMDAwMDAwMDAx";
    static final String USER = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY";
    static final String ORG = "OTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh";
    static final String APP = "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MyNzljYjMwYzAyOTE4MGJiNGJkYWViYjA2MWI3OTY1Y2RhMzliNjAyOTdjODUwM2YyNjZhYmY2NmM5OTllYzFm";
    static final String HOOK = "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svZjRlNjA1NjAtNjYwMi00ZmIwLWEyNWEtOTQ5ODgxNjA5NDk3";

    static String wid(String kind, UUID uuid) {
        String s = "ciscospark://us/" + kind + "/" + uuid;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** As gen_bodies.py: 0xB and the room in the first 80 bits, zeros in the last 48. */
    static UUID roomUuid(long room) {
        return new UUID((0xBL << 32) | (room >>> 16), room << 48);
    }

    /** The room's uuid with the message's namespace (16 bits) and number (32 bits) in its last 48 bits. */
    static UUID messageUuid(long n, long room, long ns) {
        UUID r = roomUuid(room);
        return new UUID(r.getMostSignificantBits(), r.getLeastSignificantBits() | (ns & 0xFFFF) << 32 | (n & 0xFFFFFFFFL));
    }

    static String body(long n, long rooms, long ns) {
        return "{\"id\":\"" + HOOK + "\",\"name\":\"router webhook\",\"targetUrl\":\"https://bot.example.com/api/v1/wbxt/events\","
                + "\"resource\":\"messages\",\"event\":\"created\",\"orgId\":\"" + ORG + "\",\"createdBy\":\"" + BOT + "\",\"appId\":\"" + APP + "\","
                + "\"ownedBy\":\"creator\",\"status\":\"active\",\"created\":\"2026-11-20T09:00:00.000Z\",\"actorId\":\"" + USER + "\","
                + "\"data\":{\"id\":\"" + wid("MESSAGE", messageUuid(n, n % rooms, ns)) + "\",\"roomId\":\"" + wid("ROOM", roomUuid(n % rooms)) + "\",\"roomType\":\"group\","
                + "\"personId\":\"" + USER + "\",\"personEmail\":\"matt@example.com\",\"created\":\"2026-11-27T14:26:16.000Z\"}}";
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(args[1].getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        double rate = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        long ns = args.length > 4 ? Long.decode(args[4]) : 0x100;
        long rooms = args.length > 5 ? Long.parseLong(args[5]) : 256;
        double warmup = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        // FIXED_SELF_WARMUP s: first the same sends to a server inside this JVM, so that this generator's own code is
        // compiled before it measures a fresh service (a cold generator lagged by up to 390 ms in its first second)
        double selfWarmup = Double.parseDouble(System.getenv().getOrDefault("FIXED_SELF_WARMUP", "0"));
        long skip = (long) (rate * warmup);
        long total = (long) (rate * seconds) + skip;

        Vertx vertx = Vertx.vertx();
        // Bodies and signatures are made before the clock starts, so the send loop only sends.
        Buffer[] bodies = new Buffer[(int) total];
        String[] sigs = new String[(int) total];
        for (int i = 0; i < total; i++) {
            byte[] raw = body(i, rooms, ns).getBytes(StandardCharsets.UTF_8);
            bodies[i] = Buffer.buffer(raw);
            sigs[i] = HexFormat.of().formatHex(mac.doFinal(raw));
        }
        if (selfWarmup > 0) {
            HttpServer sink = vertx.createHttpServer().requestHandler(rq -> rq.body().onComplete(b ->
                    rq.response().putHeader("Content-Type", "application/json").end("{\"status\":\"accepted\"}")));
            int port = sink.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort();
            long n = Math.min(total, (long) (rate * selfWarmup));
            run(vertx, "127.0.0.1", port, uri.getPath(), bodies, sigs, rate, n, n, 0);
            sink.close().toCompletionStage().toCompletableFuture().get();
        }
        // FIXED_START_AT=<epoch ms>: the measured run starts then (the fresh phase: 5 s after the service is healthy)
        long startAt = Long.parseLong(System.getenv().getOrDefault("FIXED_START_AT", "0"));
        long wait = startAt - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        run(vertx, uri.getHost(), uri.getPort(), uri.getPath(), bodies, sigs, rate, total, skip, seconds);
        System.exit(0);
    }

    /** Sends bodies[0..total) at rate/s; the first skip are not recorded; prints the figures when seconds > 0. */
    static void run(Vertx vertx, String host, int port, String path, Buffer[] bodies, String[] sigs, double rate,
                    long total, long skip, double seconds) throws Exception {
        long periodNanos = (long) (1e9 / rate);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000)
                .setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
        RequestOptions target = new RequestOptions().setMethod(HttpMethod.POST).setHost(host)
                .setPort(port).setURI(path).setTimeout(60_000);
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        // the same per second of scheduled send time: when a fresh instance caught up, where a stall was
        Histogram[] perSecond = new Histogram[(int) Math.ceil(seconds) + 1];
        for (int s = 0; s < perSecond.length; s++) {
            perSecond[s] = new Histogram(TimeUnit.SECONDS.toNanos(120), 2);
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger non2xx = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong maxLag = new AtomicLong();
        AtomicLong[] lagPerSecond = new AtomicLong[perSecond.length];
        for (int s = 0; s < lagPerSecond.length; s++) {
            lagPerSecond[s] = new AtomicLong();
        }
        CountDownLatch done = new CountDownLatch((int) total);
        AtomicLong recordedFrom = new AtomicLong();

        // All sends happen on one Vert.x event loop: a 1 ms timer sends every request whose time has come.
        long start = System.nanoTime() + 100_000_000L;
        long[] next = {0};
        long[] sendEnd = {0};
        CountDownLatch sent = new CountDownLatch(1);
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (next[0] < total && start + next[0] * periodNanos <= now) {
                long i = next[0]++;
                long intended = start + i * periodNanos;
                boolean record = i >= skip;
                if (i == skip) {
                    recordedFrom.set(intended);
                }
                if (record) {
                    long lag = System.nanoTime() - intended;
                    maxLag.accumulateAndGet(lag, Math::max);
                    lagPerSecond[(int) Math.min(lagPerSecond.length - 1, (i - skip) * periodNanos / 1_000_000_000L)]
                            .accumulateAndGet(lag, Math::max);
                }
                Buffer raw = bodies[(int) i];
                client.request(new RequestOptions(target).putHeader("Content-Type", "application/json")
                                .putHeader("X-Spark-Signature", sigs[(int) i]))
                        .compose(request -> request.send(raw))
                        .compose(response -> response.body().map(b -> response.statusCode()))
                        .onComplete(ar -> {
                            long latency = System.nanoTime() - intended;
                            if (record) {
                                histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                                int second = (int) Math.min(perSecond.length - 1, (i - skip) * periodNanos / 1_000_000_000L);
                                perSecond[second].recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                                if (ar.failed()) {
                                    errors.incrementAndGet();
                                } else if (ar.result() / 100 == 2) {
                                    ok.incrementAndGet();
                                } else {
                                    non2xx.incrementAndGet();
                                }
                            }
                            done.countDown();
                        });
            }
            if (next[0] >= total) {
                vertx.cancelTimer(id);
                sendEnd[0] = System.nanoTime();
                sent.countDown();
            }
        }));
        sent.await();
        boolean all = done.await(90, TimeUnit.SECONDS);
        client.close();
        if (seconds <= 0) {
            return;
        }
        double sentSeconds = (sendEnd[0] - recordedFrom.get()) / 1e9;
        synchronized (histogram) {
            System.out.printf(java.util.Locale.ROOT,
                    "FIXEDJSON {\"offered_rps\":%.1f,\"sent\":%d,\"achieved_send_rps\":%.1f,\"ok\":%d,\"non2xx\":%d,\"errors\":%d,"
                            + "\"unfinished\":%d,\"max_send_lag_ms\":%.3f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                            + "\"p999_ms\":%.3f,\"max_ms\":%.3f}%n",
                    rate, total - skip, (total - skip) / sentSeconds, ok.get(), non2xx.get(), errors.get(), all ? 0 : done.getCount(),
                    maxLag.get() / 1e6, ms(histogram, 50), ms(histogram, 90), ms(histogram, 99), ms(histogram, 99.9),
                    histogram.getMaxValue() / 1e6);
            for (int s = 0; s < perSecond.length; s++) {
                if (perSecond[s].getTotalCount() > 0) {
                    System.out.printf(java.util.Locale.ROOT, "FIXEDSECOND %d p50 %.2f p99 %.2f max %.2f ms send lag %.2f ms%n", s,
                            ms(perSecond[s], 50), ms(perSecond[s], 99), perSecond[s].getMaxValue() / 1e6,
                            lagPerSecond[s].get() / 1e6);
                }
            }
        }
    }

    static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }
}
