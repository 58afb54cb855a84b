package dev.wbxt.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small HTTP proxy on 127.0.0.1 (a port of its own) for tests: {@code CONNECT host:port} tunnels and absolute-form
 * requests ({@code GET http://host:port/path}), each connection piped to its target. It records what it was asked
 * (the request line) and the {@code Proxy-Authorization} header of each.
 */
final class LoopbackProxy implements AutoCloseable {
    /** One connection through the proxy: {@code CONNECT 127.0.0.1:1234} or {@code GET http://127.0.0.1:1234/v1/...}. */
    record Request(String line, String proxyAuthorization) {
        boolean tunnel() {
            return line.startsWith("CONNECT ");
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    LoopbackProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "loopback-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String url(String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "loopback-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String line = text.substring(0, text.indexOf("\r\n"));
            String auth = text.lines().filter(l -> l.regionMatches(true, 0, "Proxy-Authorization:", 0, 20))
                    .map(l -> l.substring(20).trim()).findFirst().orElse(null);
            requests.add(new Request(line, auth));
            String[] parts = line.split(" ");
            String host;
            int port;
            if ("CONNECT".equals(parts[0])) {
                host = parts[1].substring(0, parts[1].lastIndexOf(':'));
                port = Integer.parseInt(parts[1].substring(parts[1].lastIndexOf(':') + 1));
            } else {
                URI target = URI.create(parts[1]);
                host = target.getHost();
                port = target.getPort();
            }
            try (Socket upstream = new Socket(host, port)) {
                if ("CONNECT".equals(parts[0])) {
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    upstream.getOutputStream().write(head); // absolute form as is: the simulator reads its path
                }
                Thread back = new Thread(() -> pipe(upstream, client), "loopback-proxy-back");
                back.setDaemon(true);
                back.start();
                pipe(client, upstream);
                back.join();
            }
        } catch (Exception e) {
            // the client or the target went away: the connection ends
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request head ended");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toByteArray();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
