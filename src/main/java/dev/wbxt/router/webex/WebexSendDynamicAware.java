package dev.wbxt.router.webex;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.annotations.SendDynamic;
import org.apache.camel.support.component.SendDynamicAwareSupport;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.URISupport;

/**
 * Lets routes write {@code toD: webex:getMessage?id=${...}} (and {@code webex:getFile?url=${...}}) without creating an
 * endpoint per id: Camel sends to the static {@code webex:getMessage} and this hands the id (or the url) over in an
 * exchange property (the producer validates it);
 * the message and its headers are left alone.
 * Registered for the scheme by the generated service file ({@code @SendDynamic}).
 */
@SendDynamic("webex")
public class WebexSendDynamicAware extends SendDynamicAwareSupport {

    @Override
    public boolean isLenientProperties() {
        return false;
    }

    @Override
    public DynamicAwareEntry prepare(Exchange exchange, String uri, String originalUri) throws Exception {
        String query = StringHelper.after(uri, "?");
        Map<String, Object> parameters;
        if (query == null) {
            parameters = Map.of();
        } else if (query.startsWith("id=") && query.indexOf('&') < 0 && query.indexOf('%') < 0 && query.indexOf('+') < 0) {
            // The usual toD (only an id, nothing to decode): no query parsing per call (URLDecoder showed in profiles).
            parameters = Map.of("id", query.substring(3));
        } else {
            parameters = URISupport.parseQuery(query);
        }
        return new DynamicAwareEntry(uri, originalUri, parameters, null);
    }

    @Override
    public String resolveStaticUri(Exchange exchange, DynamicAwareEntry entry) throws Exception {
        Map<String, Object> parameters = entry.getProperties();
        String base = StringHelper.before(entry.getUri(), "?", entry.getUri());
        if (parameters.isEmpty() || parameters.size() == 1 && (parameters.containsKey("id") || parameters.containsKey("url"))) {
            return base; // the usual toD: no map per call
        }
        Map<String, Object> rest = new LinkedHashMap<>(parameters);
        rest.remove("id");
        rest.remove("url");
        return rest.isEmpty() ? base : base + "?" + URISupport.createQueryString(rest);
    }

    @Override
    public Processor createPreProcessor(Exchange exchange, DynamicAwareEntry entry) {
        Object id = entry.getProperties().get("id");
        Object url = entry.getProperties().get("url");
        if (url != null) {
            return e -> e.setProperty(WebexProducer.DYNAMIC_URL, url);
        }
        return id == null ? null : e -> e.setProperty(WebexProducer.DYNAMIC_ID, id);
    }

    @Override
    public Processor createPostProcessor(Exchange exchange, DynamicAwareEntry entry) {
        if (entry.getProperties().containsKey("url")) {
            return e -> e.removeProperty(WebexProducer.DYNAMIC_URL);
        }
        return entry.getProperties().containsKey("id") ? e -> e.removeProperty(WebexProducer.DYNAMIC_ID) : null;
    }
}
