package dev.wbxt.router.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of {@code routes/*.yaml} that never trades running routes for a broken edit.
 * <p>
 * Camel 4.18's own reload removes every route (the Java receiver and ops routes too), re-reads every file from disk
 * and loads them again, so one typo, in the saved file or in any other file, leaves the service with no routes.
 * Here only the routes of the saved file are replaced, and the file's last good content is kept in memory:
 * <ol>
 * <li>the saved file is first loaded into a scratch context: a file that does not parse (bad YAML, unknown EIP or
 * field) is reported and skipped, the running routes are not touched;</li>
 * <li>it is then loaded into the service; when its routes do not start (unknown component, missing bean...), the
 * failure is reported and the last good content of that file is loaded again.</li>
 * </ol>
 */
public class GuardedRouteReload extends RouteWatcherReloadStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedRouteReload.class);
    private static final String PATTERN = "*.yaml";
    /** File name -> the content its running routes came from. */
    private final Map<String, String> lastGood = new ConcurrentHashMap<>();
    /** File name -> the content last looked at: one save often fires several events (truncate, write). */
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

    public GuardedRouteReload(String directory) {
        super(directory, false);
        setPattern(PATTERN);
    }

    @Override
    protected void doStart() throws Exception {
        // The routes were loaded from these files a moment ago, at start-up: that is the first good version.
        try (Stream<Path> files = Files.list(Path.of(getFolder()))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
                lastGood.put(file.getFileName().toString(), Files.readString(file));
                lastSeen.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        super.doStart();
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null) {
            return; // a properties reload asking for all routes again: not watched here (pattern is *.yaml)
        }
        for (Resource resource : resources) {
            reload(resource);
        }
    }

    private void reload(Resource resource) {
        Path path = Paths.get(resource.getURI());
        String name = path.getFileName().toString();
        if (!Files.exists(path)) {
            removeRoutesOf(name); // a deleted file: removing its routes is what the user asked for
            lastGood.remove(name);
            lastSeen.remove(name);
            LOG.info("Route file {} was deleted: its routes were removed", name);
            return;
        }
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("Route file {} was not reloaded: it cannot be read ({})", name, e.getMessage());
            return;
        }
        if (content.equals(lastSeen.put(name, content))) {
            return;
        }
        if (content.isBlank()) {
            // usually the first half of a save (the file was truncated, the new text comes next)
            LOG.info("Route file {} is empty: ignored (delete the file to remove its routes)", name);
            return;
        }
        Resource saved = ResourceHelper.fromString(resource.getLocation(), content);
        String problem = loadProblem(saved);
        if (problem != null) {
            LOG.error("Route file {} was not reloaded: {}. The routes loaded before keep running; "
                    + "fix the file and save it again.", name, problem);
            return;
        }
        try {
            Collection<String> ids = update(saved);
            lastGood.put(name, content);
            LOG.info("Route file {} reloaded: routes {}", name, ids);
        } catch (Exception e) {
            String good = lastGood.get(name);
            try {
                removeRoutesOf(name); // whatever of the new version got in
                if (good != null) {
                    update(ResourceHelper.fromString(resource.getLocation(), good));
                }
            } catch (Exception again) {
                LOG.error("Route file {}: its last good version could not be restored either: {}", name, message(again));
            }
            // reported once the last good version runs again
            LOG.error("Route file {} was not reloaded: its routes do not start: {}. {}", name, message(e),
                    good == null ? "It has no earlier version; fix the file and save it again."
                            : "The routes loaded before keep running; fix the file and save it again.");
        }
    }

    /** Replaces the routes with the ids in this resource, and removes those the file no longer has. */
    private Collection<String> update(Resource resource) throws Exception {
        String name = Paths.get(resource.getURI()).getFileName().toString();
        List<String> before = routesOf(name);
        Collection<String> ids = PluginHelper.getRoutesLoader(getCamelContext()).updateRoutes(List.of(resource));
        for (String id : before) {
            if (!ids.contains(id)) {
                getCamelContext().getRouteController().stopRoute(id);
                getCamelContext().removeRoute(id);
            }
        }
        return ids;
    }

    private void removeRoutesOf(String name) {
        for (String id : routesOf(name)) {
            try {
                getCamelContext().getRouteController().stopRoute(id);
                getCamelContext().removeRoute(id);
            } catch (Exception e) {
                LOG.warn("Route {} of {} could not be removed: {}", id, name, message(e));
            }
        }
    }

    /** Ids of the running routes loaded from the file with this name (routes built in Java have no source). */
    private List<String> routesOf(String name) {
        return getCamelContext().getRoutes().stream()
                .filter(r -> r.getSourceResource() != null && r.getSourceResource().getLocation().endsWith("/" + name))
                .map(Route::getRouteId).toList();
    }

    /** Null when the content parses into routes, otherwise what is wrong with it. */
    static String loadProblem(Resource resource) {
        try (DefaultCamelContext scratch = new DefaultCamelContext(false)) {
            scratch.build();
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(scratch).findRoutesBuilders(resource)) {
                builder.addRoutesToCamelContext(scratch);
            }
            return null;
        } catch (Exception e) {
            return message(e);
        }
    }

    /** The exception's message, with the root cause's when that says more (e.g. the YAML parser's line and column). */
    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e || root.getMessage() == null || text.contains(root.getMessage()) ? text
                : text + ": " + root.getMessage();
    }
}
