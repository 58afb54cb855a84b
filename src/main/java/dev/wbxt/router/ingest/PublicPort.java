package dev.wbxt.router.ingest;

import io.vertx.ext.web.Route;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The public port ({@code camel.server.*}, {@code SERVER_PORT}) answers the webhook path only: any other path is
 * 404 with an empty body. Vert.x would answer it with its own HTML page ("Resource not found", written by the
 * server's root router, {@code RoutingContextImpl.checkHandleNoMatch}, which Camel does not expose), so a last route
 * on Camel's router answers first. The operations endpoints are on the management port.
 */
public final class PublicPort extends ServiceSupport implements CamelContextAware {
    private CamelContext context;
    private Route notFound;

    /** The router of Camel's main HTTP server (not the management server's). */
    public static VertxPlatformHttpRouter router(CamelContext context) {
        return context.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(VertxPlatformHttpRouter::isMainServer).findFirst()
                .orElseThrow(() -> new IllegalStateException("the public port needs Camel's HTTP server (camel.server.enabled=true)"));
    }

    /** The port the public server listens on (the actual one when {@code server.port} is 0). */
    public static int port(CamelContext context) {
        return router(context).getServer().getPort();
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    protected void doStart() {
        notFound = router(context).route().last().handler(ctx -> ctx.response().setStatusCode(404).end());
    }

    @Override
    protected void doStop() {
        if (notFound != null) {
            notFound.remove();
            notFound = null;
        }
    }
}
