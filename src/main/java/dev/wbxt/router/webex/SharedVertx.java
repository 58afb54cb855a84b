package dev.wbxt.router.webex;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The service's two Vert.x instances. Their event loops only move bytes and run timers; no route step runs on them
 * (WebexProducer hands the answer over).
 * <ul>
 * <li>{@link #of}: the servers' one, made by {@link #bindForServers} before camel-main creates its HTTP servers: the
 *     public port (the webhooks), Camel's management server (health, metrics, admin) and the websocket client (the
 *     ingest side) share it, each on an event loop of its own (Vert.x gives each server, created outside a verticle,
 *     the next event loop of the instance). camel-main's two servers used to make one instance each
 *     ({@code VertxPlatformHttpServer.initializeServer} creates one when the registry holds none, 4.18.0), with a
 *     second acceptor thread, blocked-thread checker and worker pool for a port that answers a probe now and then.</li>
 * <li>{@link #client}: the Webex REST client's own instance, with one event loop, at the processing's lower CPU
 *     priority (RouterConfiguration, {@code processing.nice}): the answers of the processing's Webex calls never
 *     queue behind webhooks on the receiver's event loops, nor webhooks behind them, and when the cores are busy
 *     the receiver's event loop (normal priority) runs first. (On the server's instance, the connections of the
 *     Webex client were spread over the same event loops as the webhooks, and JFR could not tell the two apart:
 *     "receive" was 337 µs per event with processing running, 52 µs without.) One event loop is enough: a Webex
 *     call costs 15-24 µs of it, so 3,000 replies/s (a GET and a POST each) keep it about 15 % busy.</li>
 * </ul>
 */
public final class SharedVertx {
    static final String NAME = "webexVertx";
    static final String CLIENT_NAME = "webexClientVertx";
    static final String CLIENT_THREAD = "wbxt-webex-eventloop";

    private SharedVertx() {
    }

    /**
     * Makes the servers' Vert.x and binds it in Camel's registry, where camel-main's HTTP servers look for one
     * ({@code VertxPlatformHttpServer.lookupVertx}: the single {@link Vertx} bound), so that the public and the
     * management server both take it instead of making one each. Called before camel-main's auto-configuration, which
     * creates and starts the servers; closed when the CamelContext stops, after them (services stop in the reverse
     * order they were added). Its options: a {@link VertxOptions} bound in the registry, as those servers would read
     * it, else Vert.x's defaults.
     */
    public static synchronized Vertx bindForServers(CamelContext context) {
        Vertx bound = CamelContextHelper.findSingleByType(context, Vertx.class);
        if (bound != null) {
            return bound;
        }
        VertxOptions options = CamelContextHelper.findSingleByType(context, VertxOptions.class);
        Vertx own = own(context, options == null ? new VertxOptions() : options);
        context.getRegistry().bind(NAME, Vertx.class, own);
        return own;
    }

    /** The servers' Vert.x: the one bound in Camel's registry, else the platform-http server's, else one of its own. */
    public static synchronized Vertx of(CamelContext context) {
        Vertx bound = CamelContextHelper.findSingleByType(context, Vertx.class);
        if (bound != null) {
            return bound;
        }
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server != null && server.getVertx() != null) {
            return server.getVertx();
        }
        return bindForServers(context);
    }

    /**
     * The Webex REST client's Vert.x: one event loop of its own, named {@value #CLIENT_THREAD} (a profile tells it
     * from the server's "vert.x-eventloop-thread-N"), made on first use, closed with the CamelContext. It is kept
     * in the registry inside a {@link Client}, never as a {@link Vertx}: Camel's platform-http server takes the one
     * Vert.x it finds in the registry for itself, and would serve the webhooks on this event loop.
     */
    public static synchronized Vertx client(CamelContext context) {
        Client bound = context.getRegistry().lookupByNameAndType(CLIENT_NAME, Client.class);
        if (bound != null) {
            return bound.vertx();
        }
        Vertx own = own(context, new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        own.runOnContext(ignored -> Thread.currentThread().setName(CLIENT_THREAD));
        context.getRegistry().bind(CLIENT_NAME, Client.class, new Client(own));
        return own;
    }

    /** The Webex client's Vert.x, as the registry holds it. */
    public record Client(Vertx vertx) {
    }

    /** A Vert.x instance closed when the CamelContext stops. */
    private static Vertx own(CamelContext context, VertxOptions options) {
        Vertx own = Vertx.vertx(options);
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    own.close();
                }
            }, true, true);
        } catch (Exception e) {
            own.close();
            throw new IllegalStateException("cannot register a Vert.x instance with the CamelContext", e);
        }
        return own;
    }
}
