package dev.wbxt.router.webex;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.util.Arrays;
import java.util.Map;

/**
 * The {@code webex:} component: {@code webex:<operation>[?id=...]}. One {@link WebexClient} per component, so all
 * endpoints share the connection pool and the cached bot identity. Registered by the app:
 * {@code context.addComponent("webex", new WebexComponent(cfg))}.
 */
public class WebexComponent extends DefaultComponent {
    private final WebexConfiguration configuration;
    private final WebexAvailability availability;
    private WebexClient client;

    public WebexComponent(WebexConfiguration configuration) {
        this.configuration = configuration.copy();
        this.availability = new WebexAvailability(this.configuration);
    }

    /** Whether Webex answers right now (one cheap call, none while the circuit is open). */
    public boolean isWebexAnswering() {
        return client().isAnswering();
    }

    /** Whether Webex is answering, shared by every call of this component (health, metrics). */
    public WebexAvailability getAvailability() {
        return availability;
    }

    public WebexConfiguration getConfiguration() {
        return configuration.copy();
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        WebexOperation op;
        try {
            op = WebexOperation.valueOf(remaining);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown webex operation '" + remaining + "'; use one of "
                    + Arrays.toString(WebexOperation.values()));
        }
        WebexEndpoint endpoint = new WebexEndpoint(uri, this, op);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Created on first use: it needs the started CamelContext to reach camel-http. */
    public synchronized WebexClient client() {
        if (client == null) {
            client = new WebexClient(getCamelContext(), configuration, availability);
        }
        return client;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        super.doStop();
    }
}
