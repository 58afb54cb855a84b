package dev.wbxt.router;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/** A downstream system on loopback: records what it receives, and can be told to fail. */
final class HttpSink implements AutoCloseable {
    record Received(Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Long> attempts = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private volatile String retryAfter;
    private volatile String holdWhen;
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<String> held = new CopyOnWriteArrayList<>();

    HttpSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            attempts.add(System.currentTimeMillis());
            String hold = holdWhen;
            if (hold != null && body.contains(hold)) {
                held.add(body); // a destination that answers slowly: the request is in, the answer waits
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            int status = failWith;
            String wait = retryAfter;
            if (status != 0 && wait != null) {
                exchange.getResponseHeaders().add("Retry-After", wait);
            }
            if (status == 0) {
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    /** 0: accept; otherwise answer every POST with that status and keep nothing. */
    void failWith(int status) {
        failWith(status, null);
    }

    /** Fails with that status and a {@code Retry-After} header (seconds or an HTTP date). */
    void failWith(int status, String retryAfter) {
        this.retryAfter = retryAfter;
        failWith = status;
    }

    /**
     * Holds every request whose body contains {@code text} without an answer until {@link #release} (then closes it
     * unanswered): the sender has sent it and waits for the answer. Once only.
     */
    void holdWhen(String text) {
        holdWhen = text;
    }

    /** Lets the held requests go, unanswered, and holds no more. */
    void release() {
        holdWhen = null;
        released.countDown();
    }

    /** Waits until a request is held; returns its body. */
    String awaitHeld(Duration timeout) {
        await("a request held").atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> !held.isEmpty());
        return held.get(0);
    }

    /** What was accepted so far. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** When each request arrived (ms), accepted or not. */
    List<Long> attempts() {
        return List.copyOf(attempts);
    }

    /** Waits until at least {@code count} requests were accepted; returns all accepted so far. */
    List<Received> awaitReceived(int count, Duration timeout) {
        await(count + " accepted").atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> received.size() >= count);
        return List.copyOf(received);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
