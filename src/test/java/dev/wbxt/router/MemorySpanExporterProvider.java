package dev.wbxt.router;

import java.util.Collection;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * {@code OTEL_TRACES_EXPORTER=memory} for tests: the SDK's autoconfiguration finds exporters by name through this SPI,
 * so a test turns tracing on exactly as an operator does and reads the spans the service exported. Each service's
 * SDK gets an exporter into {@link #SPANS} whose shutdown leaves it open: an {@link InMemorySpanExporter} once shut
 * down stores nothing more (sdk-testing 1.68.0), and a service's stop shuts its exporter down, so the next test's
 * service would export into nothing.
 */
public class MemorySpanExporterProvider implements ConfigurableSpanExporterProvider {
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return SPANS.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return SPANS.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    @Override
    public String getName() {
        return "memory";
    }
}
