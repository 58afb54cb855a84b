package dev.wbxt.router.ingest;

import java.util.Map;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.util.CollectionHelper;

/**
 * Registers the endpoint's path (POST) on the main server's {@link VertxPlatformHttpRouter}, behind that router's
 * body handler (it applies {@code camel.server.max-body-size}: 413), and runs each request through the route's
 * {@link org.apache.camel.AsyncProcessor} on the event loop that received it. The answer is written when the
 * route's callback fires, back on that event loop. See {@link WebhookComponent} for what is read and written.
 */
public class WebhookConsumer extends DefaultConsumer implements Suspendable {
    private Route route;

    WebhookConsumer(WebhookEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public WebhookEndpoint getEndpoint() {
        return (WebhookEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        VertxPlatformHttpRouter router = mainRouter();
        Route r = router.route(getEndpoint().getPath()).method(HttpMethod.POST);
        r.handler(router.bodyHandler());
        r.handler(this::handle);
        route = r;
    }

    @Override
    protected void doStop() throws Exception {
        if (route != null) {
            route.remove();
            route = null;
        }
        super.doStop();
    }

    /** The router of Camel's main HTTP server (not the management server's). */
    private VertxPlatformHttpRouter mainRouter() {
        return getEndpoint().getCamelContext().getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(VertxPlatformHttpRouter::isMainServer).findFirst()
                .orElseThrow(() -> new IllegalStateException("webhook: needs Camel's HTTP server (camel.server.enabled=true)"));
    }

    private void handle(RoutingContext ctx) {
        if (isSuspendingOrSuspended() || !isRunAllowed()) {
            ctx.response().setStatusCode(503).putHeader(WebhookComponent.RETRY_AFTER, WebhookComponent.RETRY_AFTER_SECONDS).end();
            return;
        }
        Context eventLoop = ctx.vertx().getOrCreateContext();
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        try {
            Message in = exchange.getIn();
            Map<String, Object> headers = in.getHeaders();
            for (Map.Entry<String, String> header : ctx.request().headers()) {
                if (!header.getKey().regionMatches(true, 0, "Camel", 0, 5)) {
                    CollectionHelper.appendEntry(headers, header.getKey(), header.getValue());
                }
            }
            Buffer body = ctx.body().buffer();
            in.setBody(body == null ? new byte[0] : body.getBytes());
            createUoW(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            respond(ctx, exchange);
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> {
            if (doneSync) {
                respond(ctx, exchange);
            } else {
                eventLoop.runOnContext(ignored -> respond(ctx, exchange));
            }
        });
    }

    private void respond(RoutingContext ctx, Exchange exchange) {
        try {
            HttpServerResponse response = ctx.response();
            if (response.closed()) {
                return; // the caller has gone: nothing to answer (what was stored stays stored)
            }
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("webhook: the route failed", exchange, exchange.getException());
                response.setStatusCode(500).end();
                return;
            }
            Message out = exchange.getMessage();
            response.setStatusCode(out.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
            copyHeader(out, Exchange.CONTENT_TYPE, response);
            copyHeader(out, WebhookComponent.RETRY_AFTER, response);
            String body = out.getBody(String.class);
            if (body == null) {
                response.end();
            } else {
                response.end(body);
            }
        } finally {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }
    }

    private static void copyHeader(Message from, String name, HttpServerResponse to) {
        String value = from.getHeader(name, String.class);
        if (value != null) {
            to.putHeader(name, value);
        }
    }
}
