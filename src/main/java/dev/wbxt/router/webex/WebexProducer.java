package dev.wbxt.router.webex;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * Runs one Webex operation per exchange. The id comes from the {@code id} option of the endpoint (or of the
 * {@code toD} URI, see {@link WebexSendDynamicAware}), else from the {@code WebexId} header; the answer becomes the body (Map, or List for listWebhooks) with status and tracking id headers.
 */
public class WebexProducer extends DefaultProducer {
    public static final String HEADER_ID = "WebexId";
    /** The id of a {@code toD webex:...?id=} call, handed over by {@link WebexSendDynamicAware}. */
    static final String DYNAMIC_ID = "WebexDynamicId";
    public static final String HEADER_STATUS = "WebexStatusCode";
    public static final String HEADER_TRACKING_ID = "WebexTrackingId";

    public WebexProducer(WebexEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public WebexEndpoint getEndpoint() {
        return (WebexEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) {
        WebexEndpoint endpoint = getEndpoint();
        WebexOperation op = endpoint.getOperation();
        Message in = exchange.getIn();
        String id = null;
        if (op.needsId()) {
            String header = in.getHeader(HEADER_ID, String.class);
            String dynamic = exchange.getProperty(DYNAMIC_ID, String.class);
            String given = endpoint.getId() != null ? endpoint.getId() : dynamic != null ? dynamic : header;
            id = WebexIds.require("id", given); // before any URL exists
        }
        Object body = op.hasBody() ? bodyOf(in) : null;
        WebexClient.WebexResponse rsp = endpoint.getComponent().client().execute(op, id, body, endpoint.getMax(),
                op.isList() ? endpoint.query() : java.util.Map.of());
        Message out = exchange.getMessage();
        out.setBody(rsp.body());
        out.setHeader(HEADER_STATUS, rsp.status());
        out.setHeader(HEADER_TRACKING_ID, rsp.trackingId());
    }

    /** A Map goes as JSON; anything else is read as JSON text (String, bytes, stream). */
    private static Object bodyOf(Message in) {
        Object body = in.getBody();
        if (body instanceof java.util.Map<?, ?> || body instanceof String || body == null) {
            return body;
        }
        return in.getBody(String.class);
    }
}
