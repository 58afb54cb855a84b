package dev.wbxt.router;

import dev.wbxt.router.config.RouterSettings;

import java.util.ArrayList;
import java.util.List;

import dev.wbxt.router.ops.FatalStop;
import dev.wbxt.router.ops.ListeningPorts;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts the service: {@code java -jar target/webex-event-router.jar}, from the folder holding
 * {@code application.properties} and {@code routes/}. Another properties file: {@code -pl file:/path/to/file}.
 * Exits 0 after a clean stop (also on SIGTERM); when the configuration is wrong, prints one line
 * {@code webex-event-router: <what is wrong>} on stderr and exits 1, as when it stops itself because a part it cannot
 * run without failed for good ({@link FatalStop}: the embedded broker after a critical I/O error).
 */
public final class WebexEventRouter {
    private static final Logger LOG = LoggerFactory.getLogger(WebexEventRouter.class);

    private WebexEventRouter() {
    }

    public static void main(String[] args) {
        if (args.length > 0) { // a sub-command runs instead of the service
            switch (args[0]) {
                case "webhooks" -> // operators' command: list, sync or delete the webhooks
                        System.exit(dev.wbxt.router.webhooks.WebhooksCommand.run(args, System.out, System.err));
                case "replay" -> { // a recording against the routes, on the simulator
                    // the service's own lines (its start, one per event) would bury the report; its warnings stay
                    org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
                    System.exit(dev.wbxt.router.recording.ReplayCommand.run(args, System.out, System.err));
                }
                case "training-run" -> // the package step's: the class-data archive
                        System.exit(dev.wbxt.router.ops.TrainingRun.run(System.err));
                default -> {
                    // camel-main's own arguments (-pl file:..., ...)
                }
            }
        }
        logJvm();
        int exitCode;
        try {
            Main main = newMain();
            FatalStop fatalStop = FatalStop.bindTo(main);
            // SIGTERM (kill, docker stop, Kubernetes) stops Camel gracefully and exits 0. Left to the JVM, SIGTERM
            // would run Camel's shutdown hook but end the process with 143 (128 + 15), even after a clean stop.
            Signal.handle(new Signal("TERM"), signal -> main.completed());
            exitCode = main.run(args);
            String fatal = fatalStop.reason();
            if (fatal != null) { // the service stopped itself: its supervisor is to start it again
                System.err.println("webex-event-router: " + fatal);
                exitCode = 1;
            }
        } catch (Throwable e) { // camel-main's run() throws whatever made start-up fail
            LOG.debug("Start-up failed", e);
            System.err.println("webex-event-router: " + describe(e));
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    /** One line: which JVM, with which options (the launcher's, target/webex-event-router), its class-data archive. */
    private static void logJvm() {
        var flags = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String archive = flags.getVMOption("SharedArchiveFile").getValue();
        LOG.info("JVM {} {} ({}): {}{}", System.getProperty("java.vm.name"), Runtime.version(),
                System.getProperty("java.vm.info"),
                String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()),
                archive.isEmpty() ? "" : "; class-data archive " + archive);
    }

    /** The service, not started: Java wiring from {@link RouterConfiguration}, routes from {@code routes/*.yaml}. */
    public static Main newMain() {
        Main main = new Main();
        main.configure().addConfiguration(RouterConfiguration.class);
        main.configure().addConfiguration(dev.wbxt.router.webhooks.WebhooksConfiguration.class);
        main.configure().addConfiguration(dev.wbxt.router.toolkit.BotToolkitConfiguration.class);
        main.configure().addConfiguration(dev.wbxt.router.forward.ForwardConfiguration.class);
        main.configure().addConfiguration(dev.wbxt.router.recording.RecordingConfiguration.class); // last: needs the others
        // The defaults travel inside the jar; ./application.properties, when present, overrides them.
        main.setDefaultPropertyPlaceholderLocation(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                // Fail fast with a clear message, before Camel scans routes.dir and loads the YAML routes.
                RouterSettings.read(m.getCamelContext());
                dev.wbxt.router.recording.RecordingSettings.read(m.getCamelContext());
                ListeningPorts.check(m.getCamelContext());
                // before camel-main creates its HTTP servers: both take this one instead of making one each
                dev.wbxt.router.webex.SharedVertx.bindForServers(m.getCamelContext());
                try {
                    // before camel-main's auto-configuration, which creates Camel's tracer from camel.opentelemetry2.*
                    dev.wbxt.router.ops.Tracing.install(m.getCamelContext());
                } catch (Exception e) {
                    throw new IllegalStateException("tracing: " + e.getMessage(), e);
                }
            }
        });
        return main;
    }

    /** One line for a human: the outermost message and the root cause, without class names when there is a message. */
    public static String describe(Throwable failure) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            boolean wrapper = t.getCause() != null && (message == null || message.equals(t.getCause().toString()));
            if (wrapper) {
                continue; // e.g. RuntimeCamelException(cause): its message is the cause's toString()
            }
            if (message == null || message.isBlank()) {
                message = t.getClass().getSimpleName();
            } else if (t instanceof java.io.IOException) {
                message = t.getClass().getSimpleName() + ": " + message; // "NoSuchFileException: /x" says more than "/x"
            }
            String line = firstLines(message);
            if (parts.stream().noneMatch(p -> p.contains(line))) {
                parts.add(line);
            }
        }
        return String.join(": ", parts);
    }

    /** Multi-line messages (YAML parsers show the offending line and a caret) reduced to their first two lines. */
    private static String firstLines(String message) {
        List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).limit(2).toList();
        String line = String.join(" ", lines);
        return line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
    }
}
