package dev.wbxt.router.webex;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** {@code webex:<operation>?id=<webex id>}: producer only (Webex pushes events through webhooks, not this). */
public class WebexEndpoint extends DefaultEndpoint {
    private final WebexOperation operation;
    /** The resource id for get/update/delete operations; the {@code WebexId} header overrides it. */
    private String id;
    /** Page size ({@code max}) for listWebhooks; all pages are fetched either way. */
    private Integer max;

    public WebexEndpoint(String uri, WebexComponent component, WebexOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    @Override
    public Producer createProducer() {
        return new WebexProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("webex: has no consumer; Webex events arrive as webhooks");
    }

    @Override
    public WebexComponent getComponent() {
        return (WebexComponent) super.getComponent();
    }

    public WebexOperation getOperation() {
        return operation;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Integer getMax() {
        return max;
    }

    public void setMax(Integer max) {
        this.max = max;
    }
}
