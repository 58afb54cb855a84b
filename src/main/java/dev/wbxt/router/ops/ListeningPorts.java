package dev.wbxt.router.ops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import dev.wbxt.router.config.Settings;
import org.apache.camel.CamelContext;

/**
 * Stops the start when the public or the management port is taken. Camel 4.18 does not: when the port is in use,
 * {@code VertxPlatformHttpServer.startServer} logs "Failed to start Vert.x HttpServer" and throws from inside
 * Vert.x's listen callback, where nobody catches it, so the service went on running without its port (seen in
 * CrashRecoveryIT: a restart whose port had been taken meanwhile waited 90 s for a health answer that never came).
 * Nor can it be seen afterwards: the server reports the requested port as its actual one before it binds
 * ({@code TCPServerBase.listen}). So each port is bound once here, with the options Vert.x binds it with
 * ({@code SO_REUSEADDR}), and released, before Camel starts; a process that takes the port in between is not caught.
 */
public final class ListeningPorts {
    private ListeningPorts() {
    }

    /** Throws with the setting to change when a port cannot be bound; run before the context starts. */
    public static void check(CamelContext context) {
        Settings p = Settings.of(context);
        check(p, "camel.server.host", "camel.server.port", Settings.named("server.port"));
        check(p, "camel.management.host", "camel.management.port", Settings.named("management.port"));
    }

    private static void check(Settings p, String hostKey, String portKey, String setting) {
        String host = p.text(hostKey);
        int port = p.port(portKey);
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ", " + setting + ": "
                    + e.getMessage() + " (is another process using that port?)");
        }
    }
}
