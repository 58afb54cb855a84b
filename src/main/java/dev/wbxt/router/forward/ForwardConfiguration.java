package dev.wbxt.router.forward;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.cloudevents.core.builder.CloudEventBuilder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * Forwarding's Java side (routes/91-forward.yaml and routes/95-destinations.yaml are the rest): the CloudEvents
 * envelope ({@code cloudEvents}) and the list of destination queues ({@code forwardDestinations}). Each destination's
 * own settings are beans of its route ({@link ForwardDelivery}, {@link StandardWebhooks}), made by the template.
 */
@Configuration
public class ForwardConfiguration implements CamelConfiguration {
    @Override
    public void configure(CamelContext context) {
        var properties = context.getPropertiesComponent();
        String source = properties.resolveProperty("forward.source").orElse("");
        String queuePrefix = properties.resolveProperty("queue.forward").orElse("wbxt.forward").trim();
        context.getRegistry().bind("cloudEvents", new CloudEventEnvelope(source));
        String topic = properties.resolveProperty("forward.topic").orElse("");
        context.getRegistry().bind("forwardDestinations", new ForwardDestinations(context, queuePrefix, topic));
        // Load the CloudEvents SDK (service loader, JSON format) now rather than on the first event: a first event
        // should not pay for it, even after its reply.
        CloudEventEnvelope.format().serialize(CloudEventBuilder.v1().withId("warm-up").withSource(URI.create("urn:warm-up"))
                .withType("warm-up").withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build());
    }
}
