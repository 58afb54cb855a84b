package dev.wbxt.router.webex;

import java.util.HashSet;
import java.util.Set;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The Vert.x instances the service's own HTTP clients run on. Their event loops only move bytes and run timers; no
 * route step runs on them (WebexProducer hands the answer over).
 * <ul>
 * <li>{@link #of}: the public server's (the websocket ingest runs there, beside the webhook receiver: both are the
 *     ingest side).</li>
 * <li>{@link #client}: the Webex REST client's own instance, with one event loop: the answers of the processing's
 *     Webex calls never queue behind webhooks on the receiver's event loops, nor webhooks behind them. (On the
 *     server's instance, the connections of the Webex client were spread over the same event loops as the webhooks,
 *     and JFR could not tell the two apart: "receive" was 337 µs per event with processing running, 52 µs
 *     without.) One event loop is enough: a Webex call costs 15-24 µs of it, so 3,000 replies/s (a GET and a POST
 *     each) keep it about 15 % busy.</li>
 * </ul>
 */
public final class SharedVertx {
    static final String NAME = "webexVertx";
    static final String CLIENT_NAME = "webexClientVertx";
    static final String CLIENT_THREAD = "wbxt-webex-eventloop";

    private SharedVertx() {
    }

    /** The public server's Vert.x: the one bound in Camel's registry, else the platform-http server's, else one of its own. */
    public static synchronized Vertx of(CamelContext context) {
        Set<Vertx> bound = new HashSet<>(context.getRegistry().findByType(Vertx.class));
        bound.remove(context.getRegistry().lookupByNameAndType(CLIENT_NAME, Vertx.class)); // the client's own is not it
        if (bound.size() == 1) {
            return bound.iterator().next();
        }
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server != null && server.getVertx() != null) {
            return server.getVertx();
        }
        return own(context, NAME, new VertxOptions());
    }

    /**
     * The Webex REST client's Vert.x: one event loop of its own, named {@value #CLIENT_THREAD} (a profile tells it
     * from the server's "vert.x-eventloop-thread-N"), made on first use, closed with the CamelContext.
     */
    public static synchronized Vertx client(CamelContext context) {
        Vertx bound = context.getRegistry().lookupByNameAndType(CLIENT_NAME, Vertx.class);
        if (bound != null) {
            return bound;
        }
        Vertx own = own(context, CLIENT_NAME, new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        own.runOnContext(ignored -> Thread.currentThread().setName(CLIENT_THREAD));
        return own;
    }

    private static Vertx own(CamelContext context, String name, VertxOptions options) {
        Vertx own = Vertx.vertx(options);
        context.getRegistry().bind(name, Vertx.class, own);
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    own.close();
                }
            }, true, true);
        } catch (Exception e) {
            own.close();
            throw new IllegalStateException("cannot register the Vert.x instance " + name, e);
        }
        return own;
    }
}
