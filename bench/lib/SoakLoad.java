import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

/**
 * The soak's load (bench/soak.sh): FixedRate's open model (each ack's latency from its scheduled send time, into
 * HdrHistogram; FixedRate's bodies and ids) for as long as a soak lasts, so with three differences:
 * <ul>
 * <li>each body and its signature is made when its time comes (30 minutes at 300/s are 540,000 bodies, about 600 MB
 * made beforehand); it costs a few µs per request on the sending loop, and {@code max_send_lag_ms} shows it;</li>
 * <li>the latency percentiles of every interval of scheduled time are printed as {@code SOAKINTERVAL {...}} once its
 * last request is answered, so a soak shows whether its latency stays flat;</li>
 * <li>each event's outcome goes into {@code <outcome>} at the end, one line {@code n status ack-ms} (the HTTP status,
 * 0 for no answer; ms after t0 when the answer came), for the checker (soak_report.py).</li>
 * </ul>
 * Everything runs on one Vert.x event loop: a 1 ms timer sends every request whose time has come.
 * {@code <url>} may be several, comma-separated (instances behind no load balancer): event i goes to url i mod n,
 * as a round-robin balancer would send it.
 * Usage: java -cp webex-event-router.jar:classes SoakLoad <url[,url...]> <secret> <rate/s> <seconds> <namespace> <rooms>
 * <t0 epoch ms: the first scheduled send> <interval s> <outcome file>
 */
public class SoakLoad {
    public static void main(String[] args) throws Exception {
        java.net.URI[] uris = java.util.Arrays.stream(args[0].split(",")).map(java.net.URI::create)
                .toArray(java.net.URI[]::new);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(args[1].getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        double rate = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        long ns = Long.decode(args[4]);
        long rooms = Long.parseLong(args[5]);
        long t0 = Long.parseLong(args[6]);
        double interval = Double.parseDouble(args[7]);
        Path outcome = Path.of(args[8]);
        int total = (int) (rate * seconds);
        long periodNanos = (long) (1e9 / rate);
        int perInterval = (int) Math.round(rate * interval);
        int intervals = (total + perInterval - 1) / perInterval;

        short[] status = new short[total];
        long[] doneNanos = new long[total];
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        Histogram[] byInterval = new Histogram[intervals];
        int[] pending = new int[intervals];
        int[][] counts = new int[intervals][3]; // ok, non-2xx, no answer
        for (int k = 0; k < intervals; k++) {
            byInterval[k] = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
            pending[k] = Math.min(perInterval, total - k * perInterval);
        }

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000)
                .setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
        RequestOptions[] targets = java.util.Arrays.stream(uris).map(uri -> new RequestOptions()
                .setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath())
                .setTimeout(60_000)).toArray(RequestOptions[]::new);
        // t0 on the wall clock (shared with SoakWebex's fault schedule), then the monotonic clock
        long wait = t0 - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        long start = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - t0);
        long[] next = {0};
        long[] maxLag = {0};
        int[] left = {total};
        CountDownLatch done = new CountDownLatch(1);
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (next[0] < total && start + next[0] * periodNanos <= now) {
                int i = (int) next[0]++;
                long intended = start + i * periodNanos;
                maxLag[0] = Math.max(maxLag[0], System.nanoTime() - intended);
                byte[] raw = FixedRate.body(i, rooms, ns).getBytes(StandardCharsets.UTF_8);
                String sig = HexFormat.of().formatHex(mac.doFinal(raw));
                client.request(new RequestOptions(targets[i % targets.length]).putHeader("Content-Type", "application/json")
                                .putHeader("X-Spark-Signature", sig))
                        .compose(request -> request.send(Buffer.buffer(raw)))
                        .compose(response -> response.body().map(b -> response.statusCode()))
                        .onComplete(ar -> {
                            long at = System.nanoTime();
                            long latency = Math.min(at - intended, all.getHighestTrackableValue());
                            int k = i / perInterval;
                            status[i] = (short) (ar.succeeded() ? ar.result() : 0);
                            doneNanos[i] = at - start;
                            all.recordValue(latency);
                            byInterval[k].recordValue(latency);
                            counts[k][ar.failed() ? 2 : ar.result() / 100 == 2 ? 0 : 1]++;
                            if (--pending[k] == 0) {
                                printInterval(k, interval, byInterval[k], counts[k]);
                            }
                            if (--left[0] == 0) {
                                done.countDown();
                            }
                        });
            }
            if (next[0] >= total) {
                vertx.cancelTimer(id);
            }
        }));
        boolean finished = done.await((long) (seconds + 120), TimeUnit.SECONDS);
        int ok = 0, non2xx = 0, errors = 0;
        try (BufferedWriter w = Files.newBufferedWriter(outcome)) {
            for (int i = 0; i < total; i++) {
                int s = status[i];
                ok += s / 100 == 2 ? 1 : 0;
                non2xx += s != 0 && s / 100 != 2 ? 1 : 0;
                errors += s == 0 ? 1 : 0;
                w.write(i + " " + s + " " + String.format(Locale.ROOT, "%.3f", doneNanos[i] / 1e6) + "\n");
            }
        }
        System.out.printf(Locale.ROOT, "SOAKJSON {\"offered_rps\":%.1f,\"seconds\":%.0f,\"sent\":%d,\"ok\":%d,\"non2xx\":%d,"
                        + "\"errors\":%d,\"unfinished\":%d,\"max_send_lag_ms\":%.3f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                        + "\"p999_ms\":%.3f,\"max_ms\":%.3f,\"cpu_s\":%.2f}%n", rate, seconds, next[0], ok, non2xx, errors,
                finished ? 0 : left[0], maxLag[0] / 1e6, ms(all, 50), ms(all, 99), ms(all, 99.9), all.getMaxValue() / 1e6,
                ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1e9);
        System.exit(0);
    }

    static void printInterval(int k, double interval, Histogram h, int[] counts) {
        System.out.printf(Locale.ROOT, "SOAKINTERVAL {\"t\":%.0f,\"ok\":%d,\"non2xx\":%d,\"errors\":%d,\"p50_ms\":%.3f,"
                        + "\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}%n", k * interval, counts[0],
                counts[1], counts[2], ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1e6);
        System.out.flush();
    }

    static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }
}
