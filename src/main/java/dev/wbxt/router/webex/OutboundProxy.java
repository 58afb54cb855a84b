package dev.wbxt.router.webex;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.wbxt.router.config.Settings;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;

/**
 * The outbound proxy for every connection to Webex (the REST client, device registration, the websocket), read as
 * curl reads it: {@code HTTPS_PROXY} for https and wss targets, {@code HTTP_PROXY} for http and ws targets (the
 * simulator), {@code NO_PROXY} for the hosts reached directly; each also in lower case. A proxy is
 * {@code [http://][user:password@]host[:port]} (curl's default port, 1080, when none); TLS to the proxy itself
 * ({@code https://} proxies) is not supported by Vert.x 4's {@link ProxyOptions}, so it is refused at start.
 * <p>
 * What a proxy sees: for an https/wss target a {@code CONNECT host:443} tunnel (it never sees the token); for a
 * plain-http target Vert.x sends the request to the proxy in absolute form (and a websocket upgrade through a
 * {@code CONNECT} tunnel). The credentials go in {@code Proxy-Authorization: Basic}; {@link #toString()} never shows
 * them.
 */
public final class OutboundProxy {
    public static final OutboundProxy NONE = new OutboundProxy(null, null, List.of());

    private final Proxy https;
    private final Proxy http;
    private final List<String> noProxy;

    private record Proxy(String host, int port, String user, String password) {
        ProxyOptions options() {
            ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(host).setPort(port);
            if (user != null) {
                options.setUsername(user).setPassword(password);
            }
            return options;
        }

        @Override
        public String toString() { // never the credentials
            return "http://" + (user == null ? "" : "***@") + host + ":" + port;
        }
    }

    private OutboundProxy(Proxy https, Proxy http, List<String> noProxy) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
    }

    /**
     * From the properties {@code https.proxy}, {@code http.proxy}, {@code no.proxy} (Camel maps {@code HTTPS_PROXY}
     * etc. onto them), else the lower-case environment variables {@code https_proxy}, {@code http_proxy},
     * {@code no_proxy} that curl also reads.
     */
    public static OutboundProxy read(UnaryOperator<String> property, UnaryOperator<String> environment) {
        return parse(either(property, environment, "https.proxy"), either(property, environment, "http.proxy"),
                either(property, environment, "no.proxy"));
    }

    private static String either(UnaryOperator<String> property, UnaryOperator<String> environment, String key) {
        String value = property.apply(key);
        if (value == null || value.isBlank()) {
            value = environment.apply(key.replace('.', '_'));
        }
        return value == null ? "" : value.trim();
    }

    /** Empty strings: none. A proxy that cannot be read fails with a message that does not show its credentials. */
    public static OutboundProxy parse(String httpsProxy, String httpProxy, String noProxy) {
        List<String> bypass = Arrays.stream(noProxy.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .map(s -> s.startsWith("*.") ? s.substring(2) : s.startsWith(".") ? s.substring(1) : s)
                .filter(s -> !s.isEmpty()).toList();
        return new OutboundProxy(proxy("https.proxy", httpsProxy), proxy("http.proxy", httpProxy), bypass);
    }

    private static Proxy proxy(String key, String value) {
        if (value.isEmpty()) {
            return null;
        }
        String named = Settings.named(key);
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(named + " is not a URL of the form http://[user:password@]host:port");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(named + " must be http://[user:password@]host:port (a proxy reached "
                    + "over plain HTTP; " + uri.getScheme() + ":// proxies are not supported)");
        }
        String user = null;
        String password = null;
        if (uri.getUserInfo() != null) {
            String info = uri.getUserInfo(); // decoded: user%40corp -> user@corp
            int colon = info.indexOf(':');
            user = colon < 0 ? info : info.substring(0, colon);
            password = colon < 0 ? "" : info.substring(colon + 1);
        }
        return new Proxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 1080, user, password);
    }

    /** The proxy for a connection to {@code target} (http, https, ws, wss), or empty for a direct connection. */
    public Optional<ProxyOptions> forTarget(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        Proxy proxy = "https".equals(scheme) || "wss".equals(scheme) ? https : http;
        if (proxy == null || bypasses(target.getHost())) {
            return Optional.empty();
        }
        return Optional.of(proxy.options());
    }

    /** curl's {@code NO_PROXY}: {@code *} for every host; otherwise the host itself or any of its subdomains. */
    boolean bypasses(String host) {
        if (host == null) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String entry : noProxy) {
            if (entry.equals("*") || h.equals(entry) || h.endsWith("." + entry)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return https == null && http == null;
    }

    @Override
    public String toString() {
        return "https: " + (https == null ? "direct" : https) + ", http: " + (http == null ? "direct" : http)
                + (noProxy.isEmpty() ? "" : ", not for " + String.join(",", noProxy));
    }
}
