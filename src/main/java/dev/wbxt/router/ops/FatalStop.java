package dev.wbxt.router.ops;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the service from inside when a part it cannot run without has failed for good, so that whatever supervises it
 * (Kubernetes, systemd, a container runtime's restart policy) starts it again, instead of a service that stays up
 * unready for ever (its liveness probe is the CamelContext only). The one use: the embedded broker after a critical
 * I/O error (a full disk), which Artemis answers by stopping the broker, for good. What was acknowledged is in the
 * journal and is processed after the next start, as after {@code kill -9}.
 * <p>
 * {@link #stop} logs the reason once and stops the CamelContext on a thread of its own (camel-main then ends its
 * run); {@code WebexEventRouter} prints the reason as its one line on stderr and exits 1. It binds the instance
 * before camel-main runs ({@link #bindTo}) and keeps it: once the context has stopped, its registry no longer holds it
 * (the reason read through the stopped context was null: JournalDiskFullIT saw exit 0).
 */
public final class FatalStop {
    private static final Logger LOG = LoggerFactory.getLogger(FatalStop.class);
    private static final String NAME = "wbxtFatalStop";

    private volatile CamelContext context;
    private final AtomicReference<String> reason = new AtomicReference<>();

    private FatalStop() {
    }

    /** A new one, bound in camel-main's registry before it runs: the caller reads {@link #reason} after the run. */
    public static FatalStop bindTo(Main main) {
        FatalStop fatal = new FatalStop();
        main.bind(NAME, fatal);
        return fatal;
    }

    /** The context's: the one bound by {@link #bindTo}, or one made now (a service started without it, in tests). */
    public static synchronized FatalStop of(CamelContext context) {
        FatalStop found = context.getRegistry().lookupByNameAndType(NAME, FatalStop.class);
        if (found == null) {
            found = new FatalStop();
            context.getRegistry().bind(NAME, found);
        }
        found.context = context;
        return found;
    }

    /** Why the service stopped itself, or null when it did not. */
    public String reason() {
        return reason.get();
    }

    /** Stops the service for {@code why} (the first call only; later ones are logged at DEBUG). */
    public void stop(String why) {
        if (!reason.compareAndSet(null, why)) {
            LOG.debug("Already stopping ({}); also: {}", reason.get(), why);
            return;
        }
        LOG.error("{}: the service stops, to be started again", why);
        Thread stopper = new Thread(() -> {
            try {
                context.stop();
            } catch (Exception e) {
                LOG.warn("Stopping after '{}' failed: {}", why, e.toString());
            }
        }, "wbxt-fatal-stop");
        stopper.start();
    }
}
