package dev.wbxt.router.ops;

import java.util.Map;
import java.util.TreeMap;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import dev.wbxt.router.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns OpenTelemetry tracing on when {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_TRACES_EXPORTER} is set
 * (README "Tracing"), before camel-main reads {@code camel.opentelemetry2.*}: the SDK is built by the SDK's own
 * autoconfiguration (every {@code OTEL_*} variable and {@code -Dotel.*} property applies; the {@code otel.*} keys of
 * {@code application.properties} are its defaults), and its {@link Tracer} and {@link ContextPropagators} are bound
 * in the registry, where camel-opentelemetry2's {@code OpenTelemetryTracer.initTracer} looks first (before
 * {@code GlobalOpenTelemetry}), with Camel's tracer itself: the {@link KindedTracer}, which gives Camel's spans their
 * kinds (camel-main's {@code resolveOtel2Service} takes the one in the registry). Off, nothing is built and
 * {@code camel.opentelemetry2.enabled} is false: no tracer, no event notifier, no route policy.
 */
public final class Tracing {
    /** The instrumentation scope of every span the service creates (Camel's and the Webex client's). */
    public static final String SCOPE = "webex-event-router";
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final String PREFIX = "otel.";

    private Tracing() {
    }

    /** Call before camel-main's auto-configuration (a {@code beforeConfigure} listener). */
    public static void install(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        boolean on = isOn(properties);
        // camel-main turns the tracer on as soon as any camel.opentelemetry2.* key is set, unless enabled says no
        // (BaseMainSupport.setOtel2Properties): the decision is always written, as the lowest-precedence value.
        properties.addInitialProperty("camel.opentelemetry2.enabled", Boolean.toString(on));
        if (!on) {
            return;
        }
        Map<String, String> defaults = new TreeMap<>();
        // entrySet, not forEach: the map Camel returns iterates nothing with forEach (measured: 0 of 106 keys)
        for (Map.Entry<String, Object> entry : properties.loadPropertiesAsMap().entrySet()) {
            if (entry.getKey().startsWith(PREFIX)) {
                defaults.put(entry.getKey(), String.valueOf(entry.getValue()));
            }
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults) // below OTEL_* variables and -Dotel.* in precedence
                .disableShutdownHook() // closed when Camel stops (below), after the routes' last spans
                .build()
                .getOpenTelemetrySdk();
        context.getRegistry().bind("openTelemetryTracer", Tracer.class, new KindedTracer.Spans(sdk.getTracer(SCOPE)));
        context.getRegistry().bind("openTelemetryPropagators", ContextPropagators.class, sdk.getPropagators());
        // camel-main configures the tracer it finds in the registry (camel.opentelemetry2.*) instead of making one
        context.getRegistry().bind("camelTracer", new KindedTracer(
                "jms:queue:" + context.resolvePropertyPlaceholders("{{queue.forward}}") + ".*"));
        StopHook.register(context, sdk::close); // flushes the spans not exported yet
        LOG.info("Tracing on: spans of {} exported as set by the OTEL_* variables", SCOPE);
    }

    /**
     * The SDK's own switches, read as Camel reads every setting (environment variable, system property, properties
     * file): an exporter or an OTLP endpoint named, and neither {@code OTEL_SDK_DISABLED=true} nor
     * {@code OTEL_TRACES_EXPORTER=none}.
     */
    static boolean isOn(PropertiesComponent properties) {
        Settings settings = new Settings(properties);
        String exporter = settings.text("otel.traces.exporter");
        if (Boolean.parseBoolean(settings.text("otel.sdk.disabled")) || "none".equals(exporter)) {
            return false;
        }
        return !exporter.isEmpty() || !settings.text("otel.exporter.otlp.endpoint").isEmpty();
    }
}
