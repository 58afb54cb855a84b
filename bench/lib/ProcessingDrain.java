import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.wbxt.router.WebexEventRouter;
import dev.wbxt.router.broker.EmbeddedBroker;
import dev.wbxt.router.ingest.PublicPort;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jdk.jfr.Recording;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The processing side alone, per event: the service runs in this JVM (its README configuration, from the current
 * folder's application.properties and routes/) against a Webex stand-in (bench/lib/nginx.conf). Each round stops the
 * `dispatch` route, stores N signed messages/created webhooks through the receiver (so the queue holds N events),
 * then starts `dispatch` again and measures the drain: CPU of every thread from /proc (the JVM's own threads too),
 * written as jfr_top.py --snapshot writes it, and a JFR recording with a 1 ms execution sample period, so that
 * `jfr_top.py drain-K.jfr --budget --before drain-K-0.json --after drain-K-1.json --acked N --processed N` gives
 * the CPU per event by stage of the processing alone (no webhook arrives during a drain).
 * Prints one line per round: "DRAIN round N events CPU-µs/event (per thread group)".
 * Usage (from the repo root): java -XX:FlightRecorderOptions:stackdepth=256 -cp target/webex-event-router.jar:classes
 *   ProcessingDrain <api url> <out dir> [events per round] [rounds] [rooms] [jfr: 1 = record every measured round]
 */
public class ProcessingDrain {
    public static void main(String[] args) throws Exception {
        String api = args[0];
        Path out = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int rooms = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        boolean jfr = args.length <= 5 || "1".equals(args[5]);
        Files.createDirectories(out);
        String secret = "bench-webhook-secret";
        Path data = Files.createTempDirectory("wbxt-drain-data");

        Main main = WebexEventRouter.newMain();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("management.port", String.valueOf(freePort()));
        props.put("webex.bot-token", "bench");
        props.put("webex.api-url", api);
        props.put("webex.webhook-secret", secret);
        props.put("data.dir", data.toString());
        props.put("routes.reload", "false");
        props.put("processing.replies-per-room-per-second", "10000");
        props.forEach(main::addOverrideProperty);
        main.start();
        CamelContext camel = main.getCamelContext();
        System.out.println("DRAIN bean language: " + camel.resolveLanguage("bean").getClass().getName()
                + ", event notifiers: " + camel.getManagementStrategy().getEventNotifiers());
        String url = "http://127.0.0.1:" + PublicPort.port(camel) + "/api/v1/wbxt/events";
        EmbeddedBroker broker = camel.hasService(EmbeddedBroker.class);
        MeterRegistry meters = camel.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);

        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(-1));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        java.net.URI target = java.net.URI.create(url);

        for (int round = 1; round <= rounds; round++) {
            camel.getRouteController().stopRoute("dispatch");
            long before = processed(meters);
            // the webhooks of this round, stored (acknowledged 2xx) before any is processed
            Semaphore window = new Semaphore(64);
            CountDownLatch sent = new CountDownLatch(n);
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                byte[] body = FixedRate.body((long) round * n + i, rooms, 0x60).getBytes(StandardCharsets.UTF_8);
                String sig = HexFormat.of().formatHex(mac.doFinal(body));
                window.acquire();
                client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost())
                        .setPort(target.getPort()).setURI(target.getPath())
                        .putHeader("Content-Type", "application/json").putHeader("X-Spark-Signature", sig))
                        .compose(req -> req.send(Buffer.buffer(body)))
                        .onComplete(ar -> {
                            if (ar.failed() || ar.result().statusCode() != 200) {
                                failed.incrementAndGet();
                            }
                            window.release();
                            sent.countDown();
                        });
            }
            sent.await();
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " webhooks not accepted");
            }
            while (broker.messageCount("wbxt.events") < n) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // the receiver's threads settle
            boolean record = jfr && round > 1;
            Recording recording = null;
            if (record) {
                recording = new Recording();
                recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
                recording.setToDisk(true);
                recording.start();
            }
            Map<String, Object> s0 = snapshot();
            long a0 = allocated();
            long t0 = System.nanoTime();
            camel.getRouteController().startRoute("dispatch");
            while (processed(meters) - before < n) {
                Thread.sleep(5);
            }
            long t1 = System.nanoTime();
            long a1 = allocated();
            Map<String, Object> s1 = snapshot();
            if (recording != null) {
                recording.stop();
                recording.dump(out.resolve("drain-" + round + ".jfr"));
                recording.close();
            }
            Files.writeString(out.resolve("drain-" + round + "-0.json"), json(s0));
            Files.writeString(out.resolve("drain-" + round + "-1.json"), json(s1));
            System.out.println("DRAIN round " + round + " " + n + " events in " + (t1 - t0) / 1_000_000 + " ms, "
                    + (a1 - a0) / n + " bytes allocated/event, " + summary(s0, s1, n) + " loadavg " + Files.readString(Path.of("/proc/loadavg")).trim());
        }
        client.close();
        vertx.close();
        main.stop();
        System.exit(0);
    }

    /** Bytes allocated so far by the threads alive now (the drain's threads live through it). */
    private static long allocated() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    private static long processed(MeterRegistry meters) {
        return (long) meters.find("wbxt_events_processed").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** CPU µs per event: the whole process, then by thread group (names with their digits folded). */
    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> s0, Map<String, Object> s1, int n) {
        double tck = ((Number) s1.get("ticks_per_s")).doubleValue();
        double perEvent = 1e6 / tck / n;
        long process = (long) s1.get("process") - (long) s0.get("process");
        Map<String, Object[]> t0 = (Map<String, Object[]>) s0.get("threads");
        Map<String, Object[]> t1 = (Map<String, Object[]>) s1.get("threads");
        TreeMap<String, Long> groups = new TreeMap<>();
        t1.forEach((tid, v) -> {
            Object[] was = t0.get(tid);
            long d = (long) v[1] - (was == null ? 0 : (long) was[1]);
            if (d > 0) {
                groups.merge(((String) v[0]).replaceAll("\\d+", "N"), d, Long::sum);
            }
        });
        StringBuilder sb = new StringBuilder(String.format("process %.0f µs/event (", process * perEvent));
        groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(10)
                .forEach(e -> sb.append(e.getKey()).append(' ').append(String.format("%.0f", e.getValue() * perEvent)).append(", "));
        return sb.append(')').toString();
    }

    /** As jfr_top.py --snapshot: per-thread utime+stime ticks from /proc, and the process's. */
    private static Map<String, Object> snapshot() throws IOException {
        Map<String, Object[]> threads = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    threads.put(task.getFileName().toString(), new Object[] {
                            Files.readString(task.resolve("comm")).strip(), ticks(task.resolve("stat"))});
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ticks_per_s", 100L);
        s.put("process", ticks(Path.of("/proc/self/stat")));
        s.put("threads", threads);
        return s;
    }

    private static long ticks(Path stat) throws IOException {
        String[] f = Files.readString(stat).substring(Files.readString(stat).lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @SuppressWarnings("unchecked")
    private static String json(Map<String, Object> s) {
        StringBuilder sb = new StringBuilder("{\"ticks_per_s\": ").append(s.get("ticks_per_s"))
                .append(", \"process\": ").append(s.get("process")).append(", \"threads\": {");
        boolean first = true;
        for (Map.Entry<String, Object[]> e : ((Map<String, Object[]>) s.get("threads")).entrySet()) {
            sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": [\"")
                    .append(((String) e.getValue()[0]).replace("\\", "\\\\").replace("\"", "\\\"")).append("\", ")
                    .append(e.getValue()[1]).append(']');
            first = false;
        }
        return sb.append("}}").toString();
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
