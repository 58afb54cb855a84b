package dev.wbxt.router;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The runnable jar ({@code java -jar target/webex-event-router.jar}) as a child process, started the way users and
 * operators do: a working directory and environment variables, nothing else. Its stdout and stderr lines are kept
 * (with the time they arrived) and copied to {@code target/it-logs/<name>.log}.
 */
final class RouterProcess implements AutoCloseable {
    static final Path BASEDIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    static final Path JAR = Path.of(System.getProperty("router.jar",
            BASEDIR.resolve("target/webex-event-router.jar").toString())).toAbsolutePath();
    /** The JVM running the tests. */
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    /** Inherited variables that Camel would map onto the service's properties: none may leak into a test. */
    private static final List<String> CONFIG_PREFIXES = List.of("WEBEX_", "SERVER_", "MANAGEMENT_", "WEBHOOK_",
            "FORWARD_", "DATA_", "ADMIN_", "BROKER_", "SIMULATOR_", "ROUTES_", "QUEUE_", "PROCESSING_", "CAMEL_", "RECORDING_");
    private static final String MANAGEMENT_PORT = "MANAGEMENT_PORT";

    private static final HttpClient HEALTH = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** One line of output; {@code nanos} is {@link System#nanoTime()} when it was read. */
    record Line(boolean stderr, String text, long nanos) {
    }

    final String name;
    final long startNanos;
    /** MANAGEMENT_PORT: the test's, else a free one (never the default 9876, which other runs may hold). */
    final String managementPort;
    private final Process process;
    private final List<Line> lines = new ArrayList<>(); // guarded by itself; waiters wait on it
    private final PrintWriter log;
    private final List<Thread> readers = new ArrayList<>();

    private RouterProcess(String name, Path workDir, Map<String, String> env, List<String> command) throws IOException {
        this.name = name;
        Path logFile = BASEDIR.resolve("target/it-logs").resolve(name + ".log");
        Files.createDirectories(logFile.getParent());
        this.log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(key -> CONFIG_PREFIXES.stream().anyMatch(key::startsWith));
        builder.environment().putAll(env);
        builder.environment().putIfAbsent(MANAGEMENT_PORT, String.valueOf(freePort()));
        this.managementPort = builder.environment().get(MANAGEMENT_PORT);
        log.println("# " + String.join(" ", builder.command()) + "  (in " + workDir + ", env " + env + ")");
        this.startNanos = System.nanoTime();
        this.process = builder.start();
        readers.add(pump(process.getInputStream(), false));
        readers.add(pump(process.getErrorStream(), true));
    }

    /** Starts the jar in {@code workDir} with the contract's environment variables in {@code env} (and no others). */
    static RouterProcess start(String name, Path workDir, Map<String, String> env) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the ITs run after `mvn package` (use `mvn verify`)");
        }
        return start(name, workDir, env, List.of(JAVA.toString(), "-jar", JAR.toString()));
    }

    /** Starts {@code command} (another way to run the service, e.g. the container image's entrypoint) likewise. */
    static RouterProcess start(String name, Path workDir, Map<String, String> env, List<String> command)
            throws IOException {
        return new RouterProcess(name, workDir, env, command);
    }

    /** Starts the jar from the project root, where it reads ./application.properties and ./routes. */
    static RouterProcess startInProject(String name, Map<String, String> env) throws IOException {
        return start(name, BASEDIR, env);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty folder under target/it-data. */
    static Path freshDir(String name) throws IOException {
        return Files.createDirectories(BASEDIR.resolve("target/it-data").resolve(name + "-" + UUID.randomUUID()));
    }

    /** Environment variables from alternating names and values, e.g. {@code env("SERVER_PORT", "9006")}. */
    static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    private Thread pump(InputStream stream, boolean stderr) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String text; (text = in.readLine()) != null; ) {
                    Line line = new Line(stderr, text, System.nanoTime());
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                    log.println(stderr ? "[stderr] " + text : text);
                }
            } catch (IOException e) {
                log.println("# reading " + (stderr ? "stderr" : "stdout") + " failed: " + e);
            }
        }, name + (stderr ? "-stderr" : "-stdout"));
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** The first line (stdout or stderr) matching {@code regex}; fails when the process ends or time runs out first. */
    Line awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (pattern.matcher(lines.get(seen).text()).find()) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && readersDone())) {
                    throw new AssertionError("no line matching /" + regex + "/ within " + timeout
                            + (process.isAlive() ? "" : " (the process exited with " + process.exitValue() + ")")
                            + "; output:\n" + output());
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    private boolean readersDone() {
        return readers.stream().noneMatch(Thread::isAlive);
    }

    /** SIGTERM, as `kill` and container runtimes send it. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL ({@code kill -9}): no shutdown hooks run. */
    void kill() {
        process.destroyForcibly();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The exit code; fails when the process is still running after {@code timeout}. Output is complete afterwards. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + output());
        }
        for (Thread reader : readers) {
            reader.join(5_000);
        }
        return process.exitValue();
    }

    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    List<String> stdout() {
        return lines().stream().filter(l -> !l.stderr()).map(Line::text).toList();
    }

    List<String> stderr() {
        return lines().stream().filter(Line::stderr).map(Line::text).toList();
    }

    Optional<Line> firstLine(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return lines().stream().filter(l -> pattern.matcher(l.text()).find()).findFirst();
    }

    /** All output, stderr lines marked, for assertion messages. */
    String output() {
        StringBuilder out = new StringBuilder();
        for (Line line : lines()) {
            out.append(line.stderr() ? "[stderr] " : "").append(line.text()).append('\n');
        }
        return out.toString();
    }

    /** Milliseconds from process start to that line. */
    long millisSinceStart(Line line) {
        return TimeUnit.NANOSECONDS.toMillis(line.nanos() - startNanos);
    }

    /** {@code http://127.0.0.1:<MANAGEMENT_PORT>}: health, metrics, admin. */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** The value of the first line of {@code /observe/metrics} that starts with {@code prefix}; NaN when none does. */
    double metric(String prefix) throws IOException, InterruptedException {
        HttpResponse<String> rsp = HEALTH.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/observe/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return rsp.body().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(Double.NaN);
    }

    /**
     * Polls {@code GET /observe/health} on the management port until it answers 200 with status UP; returns the
     * milliseconds from process start. Fails when the process exits or time runs out first.
     */
    long awaitHealthy(Duration timeout) {
        URI url = URI.create(managementUrl() + "/observe/health");
        try {
            await("GET " + url + " answers 200 UP").atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .failFast("the process exited", () -> !isAlive()).until(() -> isUp(url));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; output:\n" + output(), e);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static boolean isUp(URI url) throws InterruptedException {
        try {
            HttpResponse<String> rsp = HEALTH.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            return rsp.statusCode() == 200 && rsp.body().contains("UP");
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }

    /** Kills what is still running: a test that failed half-way must not leave a service behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (Thread reader : readers) {
            reader.join(2_000);
        }
        log.close();
    }
}
