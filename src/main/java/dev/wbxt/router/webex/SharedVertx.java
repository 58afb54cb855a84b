package dev.wbxt.router.webex;

import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The Vert.x instance the Webex client and the websocket ingest run on: the one bound in Camel's registry, else the platform-http server's,
 * else one of its own, bound in the registry for the next client and closed when the CamelContext stops. Its event
 * loops only move bytes and run timers; no route step runs on them (WebexProducer hands the answer over).
 */
public final class SharedVertx {
    static final String NAME = "webexVertx";

    private SharedVertx() {
    }

    public static synchronized Vertx of(CamelContext context) {
        Vertx bound = CamelContextHelper.findSingleByType(context, Vertx.class);
        if (bound != null) {
            return bound;
        }
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server != null && server.getVertx() != null) {
            return server.getVertx();
        }
        Vertx own = Vertx.vertx();
        context.getRegistry().bind(NAME, Vertx.class, own);
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    own.close();
                }
            }, true, true);
        } catch (Exception e) {
            own.close();
            throw new IllegalStateException("cannot register the Webex client's Vert.x instance", e);
        }
        return own;
    }
}
