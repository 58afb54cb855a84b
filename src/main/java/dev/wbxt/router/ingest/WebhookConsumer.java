package dev.wbxt.router.ingest;

import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
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
 * Registers the endpoint's path on the main server's {@link VertxPlatformHttpRouter}, answers other methods than
 * POST 405, puts POSTs behind that router's body handler (it applies {@code camel.server.max-body-size}: 413), and
 * runs each request through the route's {@link org.apache.camel.AsyncProcessor} on the event loop that received it. The answer is written when the
 * route's callback fires, back on that event loop. See {@link WebhookComponent} for what is read and written.
 * With tracing on, each request is a SERVER span ({@link WebhookSpans}) from its arrival to its answer.
 * <p>
 * A stop leaves the path registered: a stopped consumer answers 503 with Retry-After ({@link #handle}) until the
 * HTTP server itself stops. Removed at the stop, the path answered 404 between the routes' stop and the server's (3
 * webhooks in JournalDiskFullIT's stop), a status that does not say "deliver it again". A route removed while the
 * service runs takes its path with it ({@link #doShutdown}).
 */
public class WebhookConsumer extends DefaultConsumer implements Suspendable {
    private Route route;
    private WebhookSpans spans; // null: tracing off

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
        spans = WebhookSpans.of(getEndpoint().getCamelContext(), getRouteId(), getEndpoint().getEndpointUri(),
                getEndpoint().getPath());
        VertxPlatformHttpRouter router = PublicPort.router(getEndpoint().getCamelContext());
        // Every method, so that another one is 405 here: the public port's last route (PublicPort) would otherwise
        // answer it 404, as Vert.x keeps its 405 only when no later route matches.
        Route r = router.route(getEndpoint().getPath());
        r.handler(WebhookConsumer::postOnly);
        r.handler(router.bodyHandler());
        r.handler(this::handle);
        route = r;
        getEndpoint().register(r); // in place of an earlier consumer's (or this one's earlier start)
    }

    /**
     * The route is removed (the warm-up's twin, {@link ReceiverWarmUp}): its path goes with it. Not while the context
     * stops: Camel shuts the routes down before the HTTP server, and the path answers 503 until then (see above).
     */
    @Override
    protected void doShutdown() throws Exception {
        if (route != null && !getEndpoint().getCamelContext().isStopping()) {
            getEndpoint().unregister(route);
            route = null;
        }
        super.doShutdown();
    }

    private static void postOnly(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.POST) {
            ctx.next();
        } else {
            ctx.response().setStatusCode(405).putHeader("Allow", "POST").end();
        }
    }

    private void handle(RoutingContext ctx) {
        Span span = spans == null ? null : spans.start(ctx.request());
        if (isSuspendingOrSuspended() || !isRunAllowed()) {
            PublicPort.notRunning(ctx);
            WebhookSpans.end(span, 503);
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
            if (span != null) {
                spans.inject(span, headers); // in place of a traceparent the request carried
            }
            Buffer body = ctx.body().buffer();
            in.setBody(body == null ? new byte[0] : body.getBytes());
            createUoW(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            respond(ctx, exchange, span);
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> {
            if (doneSync || Vertx.currentContext() == eventLoop) { // the store completes on this context already
                respond(ctx, exchange, span);
            } else {
                eventLoop.runOnContext(ignored -> respond(ctx, exchange, span));
            }
        });
    }

    private void respond(RoutingContext ctx, Exchange exchange, Span span) {
        int status = 0;
        try {
            HttpServerResponse response = ctx.response();
            if (response.closed()) {
                return; // the caller has gone: nothing to answer (what was stored stays stored)
            }
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("webhook: the route failed", exchange, exchange.getException());
                status = 500;
                response.setStatusCode(status).end();
                return;
            }
            Message out = exchange.getMessage();
            status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            response.setStatusCode(status);
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
            WebhookSpans.end(span, status);
        }
    }

    private static void copyHeader(Message from, String name, HttpServerResponse to) {
        String value = from.getHeader(name, String.class);
        if (value != null) {
            to.putHeader(name, value);
        }
    }
}
