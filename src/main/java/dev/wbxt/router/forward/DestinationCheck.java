package dev.wbxt.router.forward;

import java.net.URISyntaxException;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.URISupport;

/**
 * Checks a forward destination's parameters when its route is created from a template (any templated route with a
 * {@code uri} parameter: the destination templates of routes/91-forward.yaml), so that a typo stops the start with one message instead of failing every event at delivery (where it dead-lettered them
 * all): {@code mode} must be a mode {@link ForwardDelivery#prepare} knows, {@code uri} a URI of a component on the
 * class path. Registered on the model by {@link ForwardConfiguration}; it sees every templated route of the service.
 */
class DestinationCheck extends ModelLifecycleStrategySupport {
    private final CamelContext context;

    DestinationCheck(CamelContext context) {
        this.context = context;
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        Map<String, Object> parameters = route.getTemplateParameters();
        if (!route.isCreatedFromTemplate() || parameters == null || !parameters.containsKey("uri")) {
            return;
        }
        String name = "forward destination " + route.getRouteId();
        String mode = value(parameters, "mode");
        if (!mode.isEmpty() && !ForwardDelivery.MODES.contains(mode)) {
            throw new IllegalArgumentException(name + ": mode must be structured or binary, not '" + mode + "'");
        }
        String uri = value(parameters, "uri");
        if (uri.isEmpty()) {
            return; // left out (enabled: false), or Camel refuses the empty endpoint itself
        }
        String problem = uriProblem(uri);
        if (problem != null) {
            throw new IllegalArgumentException(name + ": uri '" + URISupport.sanitizeUri(uri) + "' " + problem);
        }
    }

    private String uriProblem(String uri) {
        if (uri.indexOf('\'') >= 0) {
            return "must not contain a single quote (the delivery steps receive it quoted)";
        }
        String scheme = StringHelper.before(uri, ":");
        if (scheme == null || scheme.isBlank()) {
            return "has no scheme (http:, kafka:, jms:...)";
        }
        try {
            URISupport.normalizeUri(uri);
        } catch (URISyntaxException | RuntimeException e) {
            return "is not a valid URI: " + e.getMessage();
        }
        if (context.getComponent(scheme) == null) {
            return "names no known component '" + scheme + "' (a typo, or its camel-" + scheme + " jar is missing)";
        }
        return null;
    }

    private String value(Map<String, Object> parameters, String key) {
        Object value = parameters == null ? null : parameters.get(key);
        return value == null ? "" : context.resolvePropertyPlaceholders(value.toString()).trim();
    }
}
