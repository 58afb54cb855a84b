package dev.wbxt.router.forward;

import java.net.URISyntaxException;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.URISupport;

/**
 * Checks a forward destination's {@code uri} and {@code mode} when its route is created from a template (any
 * templated route with a {@code uri} parameter: the forward-destination template of routes/91-forward.yaml), so that
 * a typo stops the start with one message naming the destination instead of failing every event at delivery (where
 * it dead-lettered them all): {@code uri} must be a URI of a component on the class path, a destination type
 * ({@code kamelet:http-destination?...}) or any Camel producer URI; {@code mode} is ForwardDelivery's rule
 * ({@link ForwardDelivery.Mode#of}), checked here first only to name the destination. The other parameters (the numbers, the secret) are checked by the beans they are bound to
 * ({@link ForwardDelivery}, {@link StandardWebhooks}). Registered on the model by {@link ForwardConfiguration}; it
 * sees every templated route of the service.
 */
class DestinationCheck extends ModelLifecycleStrategySupport {
    private final CamelContext context;

    DestinationCheck(CamelContext context) {
        this.context = context;
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        if (!ForwardDestinations.isDestinationRoute(route)) {
            return;
        }
        Map<String, Object> parameters = route.getTemplateParameters();
        String name = "forward destination " + route.getRouteId();
        String mode = value(parameters, "mode");
        if (!mode.isEmpty()) {
            try {
                ForwardDelivery.Mode.of(mode); // ForwardDelivery's rule, checked here to name the destination
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage());
            }
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
        String scheme = StringHelper.before(uri, ":");
        if (scheme == null || scheme.isBlank()) {
            return "has no scheme (kamelet:http-destination?url=..., or a Camel producer URI such as log:...)";
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
