package dev.wbxt.router.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Runs something when the CamelContext stops: services stop after the routes, in the reverse order of adding. */
public final class StopHook extends ServiceSupport {
    private final Runnable onStop;

    private StopHook(Runnable onStop) {
        this.onStop = onStop;
    }

    public static void register(CamelContext context, Runnable onStop) throws Exception {
        context.addService(new StopHook(onStop));
    }

    @Override
    protected void doStop() {
        onStop.run();
    }
}
