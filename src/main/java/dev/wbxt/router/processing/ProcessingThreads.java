package dev.wbxt.router.processing;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.ops.ThreadNice;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.CamelThreadFactory;

/**
 * The threads that process events: each room's lane starts on one (the {@code rooms:} consumer), and the route goes
 * on on one after each Webex answer (the {@code webex:} producer). One pool for both, so that processing never has
 * more than {@code processing.worker-threads} threads runnable, each at the lower CPU priority
 * {@code processing.nice} ({@link ThreadNice}): the receiver's event loop goes first when the cores are busy.
 * <p>
 * The queue is unbounded: what waits in it is bounded by the lanes' {@code maxInFlight} already, and with a bounded
 * one Camel's caller-runs policy would run route steps on whichever thread handed the task over (a broker delivery
 * thread, the Webex client's event loop).
 * <p>
 * A step must not wait for another step of processing (a bean calling {@code webex:} through a ProducerTemplate and
 * waiting for it): with every thread of the pool waiting, the answer it waits for has no thread to run on. Routes
 * call {@code webex:} with a {@code to:} step, which holds no thread while the call is in flight.
 */
public final class ProcessingThreads extends ServiceSupport {
    private final CamelContext context;
    private final int threads;
    private final int nice;
    private ExecutorService pool;

    public ProcessingThreads(CamelContext context, int threads, int nice) {
        if (threads < 1) {
            throw new IllegalArgumentException("processing.worker-threads must be at least 1, not " + threads);
        }
        this.context = context;
        this.threads = threads;
        this.nice = nice;
    }

    /** The pool; made on first use, so the components can be given it before the context starts. */
    public synchronized ExecutorService executor() {
        if (pool == null) {
            ExecutorServiceManager manager = context.getExecutorServiceManager();
            ThreadFactory named = new CamelThreadFactory(manager.getThreadNamePattern(), "processing", true);
            ThreadFactory lowered = task -> named.newThread(() -> {
                ThreadNice.lowerCurrentThread(nice);
                task.run();
            });
            ThreadPoolProfile profile = new ThreadPoolProfileBuilder("processing").poolSize(threads).maxPoolSize(threads)
                    .maxQueueSize(Integer.MAX_VALUE).keepAliveTime(60L, TimeUnit.SECONDS).allowCoreThreadTimeOut(false)
                    .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
            pool = manager.getThreadPoolFactory().newThreadPool(profile, lowered);
        }
        return pool;
    }

    public int threads() {
        return threads;
    }

    public int nice() {
        return nice;
    }

    @Override
    protected synchronized void doStop() {
        if (pool != null) {
            context.getExecutorServiceManager().shutdownGraceful(pool);
            pool = null;
        }
    }
}
