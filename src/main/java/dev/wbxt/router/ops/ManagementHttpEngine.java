package dev.wbxt.router.ops;

import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * platform-http's engine, serving every {@code platform-http:} consumer (the {@code /admin} endpoints) on Camel's
 * management server ({@code camel.management.*}, {@code MANAGEMENT_PORT}) instead of the public one: the public port
 * serves the webhook only. Set in application.properties as {@code camel.component.platform-http.engine}.
 * <p>
 * Camel 4.18's {@link VertxPlatformHttpEngine} puts its consumers on the router registered under the port it
 * reports, and with two servers it prefers the main one ({@code VertxPlatformHttpEngine.getServerPort}, "prefer the
 * main server over the management server"); the management server registers its router under its configured port
 * ({@code VertxPlatformHttpServer.initializeServer}), which is what this engine reports.
 */
public class ManagementHttpEngine extends VertxPlatformHttpEngine {

    @Override
    protected void doInit() {
        // VertxPlatformHttpEngine.doInit binds itself as the registry's "platform-http-engine": not this one, it only
        // serves the platform-http component it is set on.
    }

    @Override
    public int getServerPort() {
        ManagementHttpServer server = getCamelContext().hasService(ManagementHttpServer.class);
        if (server == null) {
            throw new IllegalStateException("platform-http: consumers are served on the management port: "
                    + "camel.management.enabled must be true");
        }
        return server.getPort();
    }
}
