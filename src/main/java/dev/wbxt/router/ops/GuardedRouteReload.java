package dev.wbxt.router.ops;

import java.util.Collection;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of {@code routes/*.yaml} that never trades running routes for a broken edit. Camel 4.18 removes the
 * routes first and then loads the new file, so a typo would leave the service without routes; here each changed
 * file is first loaded into a scratch context, and a file that does not load is reported and skipped.
 */
public class GuardedRouteReload extends RouteWatcherReloadStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedRouteReload.class);

    public GuardedRouteReload(String directory) {
        super(directory, false);
        setPattern("*.yaml");
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        for (Resource resource : resources) {
            String problem = loadProblem(resource);
            if (problem != null) {
                LOG.error("Route file {} was not reloaded: {}. The routes loaded before keep running; "
                        + "fix the file and save it again.", resource.getLocation(), problem);
                return;
            }
        }
        super.onRouteReload(resources, removeEverything);
    }

    /** Null when the file parses into routes, otherwise what is wrong with it. */
    static String loadProblem(Resource resource) {
        if (!resource.exists()) {
            return null; // a deleted file: removing its routes is what the user asked for
        }
        try (DefaultCamelContext scratch = new DefaultCamelContext(false)) {
            scratch.build();
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(scratch).findRoutesBuilders(resource)) {
                builder.addRoutesToCamelContext(scratch);
            }
            return null;
        } catch (Exception e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
