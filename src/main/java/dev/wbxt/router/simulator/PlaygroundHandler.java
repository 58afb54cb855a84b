package dev.wbxt.router.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.wbxt.router.ops.StaticFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves the playground, a chat page for humans, from the classpath folder {@code playground/}: plain HTML, CSS
 * and JavaScript, no build step. The page only talks to this simulator (its Content-Security-Policy forbids any
 * other host); what it needs is under /simulator (see {@link ControlHandler}). {@code /} redirects to it.
 */
final class PlaygroundHandler implements HttpHandler {
    static final String PATH = "/playground/";
    private static final StaticFiles FILES = new StaticFiles("playground");

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                text(ex, 405, "Method " + method + " not allowed.");
            } else if ("/".equals(path) || "/playground".equals(path)) {
                ex.getResponseHeaders().set("Location", PATH);
                ex.sendResponseHeaders(302, -1);
            } else if (path.startsWith(PATH)) {
                String name = path.equals(PATH) ? "index.html" : path.substring(PATH.length());
                byte[] body = FILES.read(name);
                if (body == null) {
                    text(ex, 404, "Not found: " + path);
                } else {
                    send(ex, name, body);
                }
            } else {
                text(ex, 404, "Not found: " + path + " (the playground is at " + PATH + ")");
            }
        }
    }

    private static void send(HttpExchange ex, String name, byte[] body) throws IOException {
        StaticFiles.headers(name).forEach(ex.getResponseHeaders()::set);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void text(HttpExchange ex, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
