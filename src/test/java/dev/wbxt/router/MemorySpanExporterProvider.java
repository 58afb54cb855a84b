package dev.wbxt.router;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * {@code OTEL_TRACES_EXPORTER=memory} for tests: the SDK's autoconfiguration finds exporters by name through this SPI,
 * so a test turns tracing on exactly as an operator does and reads the spans the service exported.
 */
public class MemorySpanExporterProvider implements ConfigurableSpanExporterProvider {
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return SPANS;
    }

    @Override
    public String getName() {
        return "memory";
    }
}
