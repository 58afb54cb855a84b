package dev.wbxt.router.webex;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects log lines (message + exception text) of chosen loggers, without printing them. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> loggers;
    /** The configuration's own logger of that name, put back at the end (log4j2.properties' filters, levels). */
    private final java.util.Map<String, LoggerConfig> replaced = new java.util.HashMap<>();

    private LogCapture(List<String> loggers) {
        super("capture", null, null, true, Property.EMPTY_ARRAY);
        this.loggers = loggers;
    }

    public static LogCapture start(Level level, String... loggerNames) {
        LogCapture c = new LogCapture(List.of(loggerNames));
        c.start();
        // initialise logging first: a context started later would replace the configuration edited below
        org.slf4j.LoggerFactory.getLogger(LogCapture.class).debug("log capture starting");
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        for (String name : loggerNames) {
            LoggerConfig own = cfg.getLoggers().get(name);
            if (own != null) { // addLogger keeps a logger already configured under that name
                c.replaced.put(name, own);
                cfg.removeLogger(name);
            }
            LoggerConfig lc = new LoggerConfig(name, level, false); // not additive: keep the console quiet
            lc.addAppender(c, level, null);
            cfg.addLogger(name, lc);
        }
        ctx.updateLoggers();
        return c;
    }

    @Override
    public void append(LogEvent event) {
        String text = event.getMessage().getFormattedMessage();
        if (event.getThrown() != null) {
            text += " " + event.getThrown();
        }
        lines.add(event.getLevel() + " " + event.getLoggerName() + " " + text);
    }

    String all() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        for (String name : loggers) {
            ctx.getConfiguration().removeLogger(name);
            if (replaced.containsKey(name)) {
                ctx.getConfiguration().addLogger(name, replaced.get(name));
            }
        }
        ctx.updateLoggers();
        stop();
    }
}
