package dev.wbxt.router.ingest;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The public port ({@code camel.server.*}, {@code SERVER_PORT}) answers the webhook path only: any other path is
 * 404 with an empty body. Vert.x would answer it with its own HTML page ("Resource not found", written by the
 * server's root router, {@code RoutingContextImpl.checkHandleNoMatch}, which Camel does not expose), so a last route
 * on Camel's router answers first. The operations endpoints are on the management port.
 * <p>
 * The webhook path itself, while the receiver is not running (the service is starting or stopping), is answered
 * {@code 503} with {@code Retry-After}: Webex delivers again. In CrashRecoveryIT's restart under load a webhook got
 * Vert.x's 404 page instead, which Webex counts as a failed delivery and does not make again: camel-main starts its
 * HTTP server (Camel's MainHttpServer: the router is made and the port listens in one start) among the services
 * that start early, and the routes, the receiver's among them, start after every service. So this is an early
 * service too ({@code addService(port, true, true)}, added after the server): the route is on the router as soon as
 * the port listens, and is removed when the context stops.
 */
public final class PublicPort extends ServiceSupport implements CamelContextAware {
    private final String webhookPath;
    private CamelContext context;
    private Route fallback;

    public PublicPort(String webhookPath) {
        this.webhookPath = webhookPath;
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
        fallback = router(context).route().last().handler(ctx -> {
            if (webhookPath.equals(ctx.normalizedPath())) { // the receiver's own route did not take it: not running
                notRunning(ctx);
            } else {
                ctx.response().setStatusCode(404).end();
            }
        });
    }

    @Override
    protected void doStop() {
        if (fallback != null) {
            fallback.remove();
            fallback = null;
        }
    }

    /** The webhook path's answer while the receiver is not running (starting, stopped, stopping): deliver it again. */
    static void notRunning(RoutingContext ctx) {
        ctx.response().setStatusCode(503).putHeader(WebhookComponent.RETRY_AFTER, WebhookComponent.RETRY_AFTER_SECONDS)
                .putHeader("Content-Type", "application/json")
                .end("{\"error\":\"unavailable\",\"message\":\"the receiver is not running; deliver it again later\"}");
    }

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
}
