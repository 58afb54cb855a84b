package dev.wbxt.router.ops;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.wbxt.router.ingest.EventHeaders;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/**
 * Routing by convention, bound as {@code directRoutes}: an event goes to {@code direct:<prefix><name>} when a route
 * consumes it, otherwise to a fallback, so adding a handler is adding one route file (a resource: a route
 * {@code from: direct:resource-<resource>}; a card action: {@code from: direct:card-<action>}; a command:
 * {@code from: direct:command-<word>}, BotToolkit). The names come from
 * the webhook, so only a plain word ({@link #NAME}) is looked up; anything else takes the fallback. The set of
 * direct: names is read from the routes once and again after a route change ({@link RouteDerived}), never per event,
 * and a miss costs a set lookup, not an exception.
 * <p>
 * A name once seen is kept until the service stops. A hot reload removes a file's routes before it adds them again:
 * in HotReloadTest an event dispatched in that window (between "Stopped messages" and the re-added route, about
 * 300 ms) went to other-resources and was never answered. Kept, the name is sent to as before, and the direct:
 * producer waits for the consumer to be back (Camel's {@code block=true}, up to 30 s), as the hand-written
 * {@code when} per resource did. (A deleted resource file therefore fails its events, which are retried and
 * dead-lettered, until a restart: as a {@code when} left behind did.)
 */
public final class DirectRoutes {
    /** The variable {@link #resource} sets: the route that handles the event's resource. */
    public static final String RESOURCE_ROUTE = "resourceRoute";
    public static final String RESOURCE_PREFIX = "resource-";
    public static final String OTHER_RESOURCES = "other-resources";
    /** A word: letters, digits, {@code _} and {@code -}, at most 64 characters, not starting with a separator. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final String DIRECT = "direct://";

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final RouteDerived<Set<String>> names;

    public DirectRoutes(CamelContext context) {
        this.names = new RouteDerived<>(context, this::read);
    }

    /**
     * A {@code bean:} step of 10-dispatch.yaml: sets {@code ${variable.resourceRoute}} to {@code resource-<WbxtResource>}
     * when a route consumes it, otherwise {@code other-resources}.
     */
    public void resource(Exchange exchange) {
        exchange.setVariable(RESOURCE_ROUTE, pick(RESOURCE_PREFIX, exchange.getMessage().getHeader(EventHeaders.RESOURCE, String.class),
                OTHER_RESOURCES));
    }

    /** {@code <prefix><name>} when {@code name} is a word and a route consumes {@code direct:<prefix><name>}, else {@code fallback}. */
    public String pick(String prefix, String name, String fallback) {
        if (name == null || !NAME.matcher(name).matches()) {
            return fallback;
        }
        String route = prefix + name;
        return names.get().contains(route) ? route : fallback;
    }

    /** The names {@link #pick} finds after {@code prefix} (e.g. the words of {@code direct:command-<word>}). */
    public Set<String> names(String prefix) {
        Set<String> out = new TreeSet<>();
        for (String route : names.get()) {
            if (route.startsWith(prefix) && NAME.matcher(route.substring(prefix.length())).matches()) {
                out.add(route.substring(prefix.length()));
            }
        }
        return out;
    }

    /** The direct: names of the routes now, and of every route seen before (see the class comment). */
    private Set<String> read(CamelContext camel) {
        for (Route r : camel.getRoutes()) {
            String uri = r.getEndpoint().getEndpointUri();
            if (uri.startsWith(DIRECT)) {
                int query = uri.indexOf('?');
                seen.add(uri.substring(DIRECT.length(), query < 0 ? uri.length() : query));
            }
        }
        return Set.copyOf(seen);
    }

}
