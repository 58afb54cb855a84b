package dev.wbxt.router.webex;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Runs one Webex operation per exchange, asynchronously: no thread waits while the call (and its retries) are in
 * flight; the route goes on when Webex has answered. A blocking caller (a transacted route, a ProducerTemplate) is
 * handled by Camel, which waits for the callback. The id comes from the {@code id} option of the endpoint (or of
 * the {@code toD} URI, see {@link WebexSendDynamicAware}), else from the {@code WebexId} header; the answer becomes
 * the body (Map, or List for list operations) with status and tracking id headers.
 */
public class WebexProducer extends DefaultAsyncProducer {
    /** The id of a {@code toD webex:...?id=} call, handed over by {@link WebexSendDynamicAware}. */
    static final String DYNAMIC_ID = "WebexDynamicId";
    /** The url of a {@code toD webex:getFile?url=} call, handed over the same way. */
    static final String DYNAMIC_URL = "WebexDynamicUrl";

    public WebexProducer(WebexEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public WebexEndpoint getEndpoint() {
        return (WebexEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletableFuture<WebexClient.WebexResponse> call;
        try {
            WebexEndpoint endpoint = getEndpoint();
            WebexOperation op = endpoint.getOperation();
            Message in = exchange.getIn();
            String id = null;
            if (op.needsId()) {
                id = WebexIds.require("id", givenId(endpoint, exchange)); // before any URL exists
            }
            WebexClient client = endpoint.getComponent().client();
            if (op.isFile()) {
                call = file(exchange, op, client.files());
            } else {
                Object body = op.hasBody() ? bodyOf(in) : null;
                call = client.executeAsync(op, id, body, endpoint.getMax(), op.isList() ? endpoint.query() : Map.of());
            }
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (call.isDone() || threadBound(exchange)) {
            // Answered from a cache (the bot's identity, a room, a person): no thread hand-over at all. Or the route
            // holds a transaction bound to this thread: it must go on here (see threadBound), so this thread waits.
            complete(exchange, call, getEndpoint().getOperation());
            callback.done(true);
            return true;
        }
        // The answer arrives on a Vert.x event loop: the rest of the route (which may block on the broker or a
        // throttle) goes on in the component's own threads, never on the event loop that serves every connection.
        call.whenComplete((rsp, error) -> getEndpoint().getComponent().answers().execute(() -> {
            complete(exchange, call, getEndpoint().getOperation());
            callback.done(false);
        }));
        return false;
    }

    /** The id the call names: the endpoint's {@code id} option, else a {@code toD}'s, else the {@code WebexId} header. */
    static String givenId(WebexEndpoint endpoint, Exchange exchange) {
        if (endpoint.getId() != null) {
            return endpoint.getId();
        }
        String dynamic = exchange.getProperty(DYNAMIC_ID, String.class);
        return dynamic != null ? dynamic : exchange.getIn().getHeader(WebexConstants.ID, String.class);
    }

    /**
     * getFileInfo or getFile of the URL given by the {@code url} option (or toD's), else the {@code WebexFileUrl}
     * header, else the body (getFileInfo also takes a list: a message's {@code files}).
     */
    private CompletableFuture<WebexClient.WebexResponse> file(Exchange exchange, WebexOperation op, WebexFiles files) {
        Message in = exchange.getIn();
        String dynamic = exchange.getProperty(DYNAMIC_URL, String.class);
        Object url = getEndpoint().getUrl() != null ? getEndpoint().getUrl()
                : dynamic != null ? dynamic
                : in.getHeader(WebexConstants.FILE_URL) != null ? in.getHeader(WebexConstants.FILE_URL, String.class)
                : in.getBody();
        if (op == WebexOperation.getFileInfo && url instanceof java.util.List<?> urls) {
            return files.infos(urls);
        }
        if (!(url instanceof String u)) {
            throw new WebexFileException(WebexFileException.Reason.NOT_A_WEBEX_FILE, "webex:" + op + " needs a file URL:"
                    + " the url option, the " + WebexConstants.FILE_URL + " header or the body");
        }
        return op == WebexOperation.getFile ? files.download(u, getEndpoint().acceptList()) : files.info(u);
    }

    /**
     * Whether the rest of the route must run on the calling thread: a transacted exchange, or one from a transacted
     * JMS consumer. Spring's listener container binds that consumer's JMS session to its thread, and the route's
     * broker sends (the forward topic and queues, the dead letters) join its transaction only from that thread; Camel
     * waits for an asynchronous step there, but would run the following steps on the thread that called back.
     */
    private static boolean threadBound(Exchange exchange) {
        return exchange.isTransacted()
                || exchange.getFromEndpoint() instanceof org.apache.camel.component.jms.JmsEndpoint jms && jms.isTransacted();
    }

    private static void complete(Exchange exchange, CompletableFuture<WebexClient.WebexResponse> call, WebexOperation op) {
        WebexClient.WebexResponse rsp;
        try {
            rsp = call.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            exchange.setException(e.getCause() != null ? e.getCause() : e);
            return;
        }
        if (op == WebexOperation.getFile && rsp.body() instanceof Map<?, ?> map && map.get("file") instanceof java.io.File downloaded) {
            // the temporary file lives as long as the exchange (README "Files"); inside a split, its part's exchange
            exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    WebexFiles.delete(downloaded);
                }
            });
        }
        Message out = exchange.getMessage();
        out.setBody(rsp.body());
        out.setHeader(WebexConstants.STATUS_CODE, rsp.status());
        out.setHeader(WebexConstants.TRACKING_ID, rsp.trackingId());
    }

    /** A Map goes as JSON; anything else is read as JSON text (String, bytes, stream). */
    private static Object bodyOf(Message in) {
        Object body = in.getBody();
        if (body instanceof Map<?, ?> || body instanceof String || body == null) {
            return body;
        }
        return in.getBody(String.class);
    }
}
