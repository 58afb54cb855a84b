package dev.wbxt.router.ops;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/** {@code GET /observe/health} and {@code GET /observe/metrics} on the webhook port, as the contract says. */
public class ObserveRoutes extends RouteBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrometheusMeterRegistry registry;

    public ObserveRoutes(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure() {
        from("platform-http:/observe/health?httpMethodRestrict=GET").routeId("observe-health")
                .process(this::health);
        from("platform-http:/observe/metrics?httpMethodRestrict=GET").routeId("observe-metrics")
                .process(this::metrics);
    }

    private void health(Exchange exchange) throws Exception {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(exchange.getContext());
        boolean up = results.stream().allMatch(r -> r.getState() != HealthCheck.State.DOWN);
        Map<String, Object> checks = new LinkedHashMap<>();
        for (HealthCheck.Result result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("status", result.getState().name());
            result.getMessage().ifPresent(m -> check.put("message", m));
            checks.put(result.getCheck().getId(), check);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        reply(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    private void metrics(Exchange exchange) {
        reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private static void reply(Exchange exchange, int status, String contentType, String body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setBody(body);
    }
}
