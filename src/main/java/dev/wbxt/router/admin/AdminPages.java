package dev.wbxt.router.admin;

import dev.wbxt.router.ops.StaticFiles;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code GET /admin/ui/<file>}: the operators' pages (the dead-letter page, {@code dead-letters.html}), static files
 * from the classpath folder {@code admin-ui/}, on the management port like every platform-http: consumer.
 * <p>
 * They are served without the token, and with {@code ADMIN_TOKEN} unset too: they hold no data, only the code that
 * asks for the token and sends it as {@code Authorization: Bearer} on every request to the admin endpoints, which
 * check it (and answer 404 when the token is unset, which the page shows as "admin is off"). A bearer header rather
 * than a cookie: a browser never sends it on its own, so another site cannot make the operator's browser replay
 * or delete anything (no CSRF), and it never appears in a URL or a log.
 */
public class AdminPages extends RouteBuilder {
    public static final String PATH = "/admin/ui/";
    private final StaticFiles files = new StaticFiles("admin-ui");

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler()); // the service's default is none: see RouterConfiguration
        from("platform-http:" + PATH + "{file}?httpMethodRestrict=GET").routeId("admin-pages").process(e -> {
            String name = e.getMessage().getHeader("file", String.class);
            byte[] body = files.read(name);
            e.getMessage().removeHeaders("*"); // no request header is echoed back
            if (body == null) {
                e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
                e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain;charset=UTF-8");
                e.getMessage().setBody("Not found (the dead-letter page is " + PATH + "dead-letters.html)");
                return;
            }
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            StaticFiles.headers(name).forEach(e.getMessage()::setHeader);
            e.getMessage().setBody(body);
        });
    }
}
