package dev.wbxt.router;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * A standalone Apache ActiveMQ Artemis broker as a user runs one: the distribution unpacked by Maven before the ITs
 * ({@code artemis.home}, see the pom), an instance made with {@code artemis create} (login required, a free loopback
 * port, no web console, NIO journal), run with {@code artemis run} as a child process and killed at the end. Its
 * output goes to {@code target/it-logs/<name>.log}.
 */
final class StandaloneArtemis implements AutoCloseable {
    static final Path HOME = Path.of(System.getProperty("artemis.home",
            RouterProcess.BASEDIR.resolve("target/apache-artemis-2.44.0").toString()));
    static final String USER = "wbxt";
    static final String PASSWORD = "broker-pw-" + Long.toHexString(System.nanoTime());
    /** The disk rule the README gives an external broker (and deploy/k8s/scaled/broker.xml has). */
    static final String DISK_RULE = "<max-disk-usage>-1</max-disk-usage>\n      <min-disk-free>256MB</min-disk-free>";

    final Path instance;
    final int port;
    private final List<String> lines = new ArrayList<>();
    private final PrintWriter log;
    private Process process;

    private StandaloneArtemis(String name, Path instance, int port) throws IOException {
        this.instance = instance;
        this.port = port;
        Path logFile = RouterProcess.BASEDIR.resolve("target/it-logs").resolve(name + ".log");
        Files.createDirectories(logFile.getParent());
        this.log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
    }

    /** {@code artemis create} with Artemis' own defaults (max-delivery-attempts 10), not started. */
    static StandaloneArtemis create(String name) throws Exception {
        if (!Files.isExecutable(HOME.resolve("bin/artemis"))) {
            throw new IllegalStateException(HOME + "/bin/artemis is missing: it is unpacked in pre-integration-test "
                    + "(use `mvn verify`)");
        }
        Path instance = RouterProcess.freshDir(name);
        StandaloneArtemis broker = new StandaloneArtemis(name, instance, RouterProcess.freePort());
        Files.delete(instance); // artemis create makes the folder itself
        broker.run(List.of(HOME.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", USER, "--password", PASSWORD, "--require-login", "--silent", "--no-web", "--nio",
                "--no-autotune", "--host", "127.0.0.1", "--default-port", String.valueOf(broker.port),
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor"), true);
        // `artemis create` writes max-disk-usage 90: on CI's 252 GB disk with 20-26 GB free the broker blocked every
        // producer, the registrar's lock token included (MultiInstanceIT failed on 'one registrar' with AMQ222212 in
        // the broker's log). The README's rule for an external broker, a floor in bytes, as the embedded broker has.
        broker.editBrokerXml("<max-disk-usage>90</max-disk-usage>", DISK_RULE);
        return broker;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Replaces text in {@code etc/broker.xml} (the broker re-reads address settings every 5 s while it runs). */
    void editBrokerXml(String find, String replace) throws IOException {
        Path xml = instance.resolve("etc/broker.xml");
        String text = Files.readString(xml);
        if (!text.contains(find)) {
            throw new IllegalStateException("broker.xml has no " + find);
        }
        Files.writeString(xml, text.replace(find, replace));
    }

    /** The README's settings for the service's queues: no delivery limit, no redelivery delay. */
    void applyServiceSettings() throws IOException {
        editBrokerXml("<redelivery-delay>0</redelivery-delay>",
                "<redelivery-delay>0</redelivery-delay>\n            <max-delivery-attempts>-1</max-delivery-attempts>");
    }

    void start() throws IOException {
        synchronized (lines) {
            lines.clear(); // the line awaited below is this start's, not an earlier one's
        }
        process = runAsync(List.of(instance.resolve("bin/artemis").toString(), "run"));
        awaitLine("AMQ221007", Duration.ofSeconds(120)); // Server is now active
    }

    /** Stops the broker (SIGTERM, as `artemis stop` would) and starts it again on its journal: settings re-read. */
    void restart() throws Exception {
        stop();
        start();
    }

    /** SIGTERM: the broker shuts down cleanly (its clients are told); returns once the process has exited. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL ({@code kill -9}): no shutdown at all; returns once the process has exited. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void awaitLine(String text, Duration timeout) {
        await(name() + " logs " + text).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.contains(text));
            }
        });
    }

    int count(String text) {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l.contains(text)).count();
        }
    }

    private String name() {
        return "broker " + instance.getFileName();
    }

    private void run(List<String> command, boolean mustSucceed) throws Exception {
        Process p = runAsync(command);
        if (!p.waitFor(180, TimeUnit.SECONDS) || mustSucceed && p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed; see the broker's log");
        }
    }

    private Process runAsync(List<String> command) throws IOException {
        log.println("# " + String.join(" ", command).replace(PASSWORD, "***"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    log.println(line);
                }
            } catch (IOException e) {
                log.println("# reading failed: " + e);
            }
        }, "artemis-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        log.close();
    }
}
