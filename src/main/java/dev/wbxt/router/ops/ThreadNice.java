package dev.wbxt.router.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority for the operating system: its Linux nice value. The processing threads
 * (the rooms' lanes, the steps after a Webex answer, the Webex client's event loop) run at nice
 * {@code processing.nice} so that, when the cores are busy, the scheduler runs the receiver's event loop first and
 * processing gets what is left: a 2xx never waits behind processing work, and the backlog (on disk) waits instead.
 * When the receiver is idle, processing still has every core.
 * <p>
 * Why nice, and why this way: Linux shares a busy core between runnable threads by weight, and a thread at nice 10
 * weighs 110 against a nice-0 thread's 1024, so it gets about a tenth of a core the receiver also wants. Java has no
 * API for it: {@code Thread.setPriority} changes nothing on Linux unless the JVM runs with
 * {@code -XX:ThreadPriorityPolicy=1}, which also prints a warning at every start for a user other than root. Raising
 * one's own nice needs no privilege, and {@code renice} (util-linux, in every Debian base) does it for one thread
 * id, read from {@code /proc/thread-self}. Where either is missing (another OS, a minimal image), the threads keep
 * the normal priority and one line says so.
 */
public final class ThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadNice.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private ThreadNice() {
    }

    /** Sets the calling thread's nice value ({@code 0}: leaves it as it is). Returns whether it took effect. */
    public static boolean lowerCurrentThread(int nice) {
        if (nice <= 0) {
            return false;
        }
        try {
            // "/proc/thread-self" -> "<pid>/task/<tid>"
            String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (renice.waitFor(5, TimeUnit.SECONDS) && renice.exitValue() == 0) {
                return true;
            }
            renice.destroy();
            warn("renice exited with " + (renice.isAlive() ? "no answer" : renice.exitValue()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            warn(e.toString());
        }
        return false;
    }

    private static void warn(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("Processing threads keep the receiver's CPU priority (processing.nice could not be applied: {}): "
                    + "under a burst, webhooks may wait for processing work", why);
        }
    }
}
