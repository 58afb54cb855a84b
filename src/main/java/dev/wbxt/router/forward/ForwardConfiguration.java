package dev.wbxt.router.forward;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.wbxt.router.config.Settings;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.model.Model;

/**
 * Forwarding's Java side (routes/91-forward.yaml and routes/95-destinations.yaml are the rest): the CloudEvents
 * envelope ({@code cloudEvents}) and the list of destination queues ({@code forwardDestinations}). Each destination's
 * own settings are beans of its route ({@link ForwardDelivery}, {@link StandardWebhooks}), made by the template.
 */
@Configuration
public class ForwardConfiguration implements CamelConfiguration {
    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        String source = settings.text("forward.source");
        if (!CloudEventEnvelope.isSource(source)) {
            throw Settings.wrong("forward.source", "must be a URI such as urn:webex-event-router:{orgId}, not '"
                    + source + "'");
        }
        context.getCamelContextExtension().getContextPlugin(Model.class)
                .addModelLifecycleStrategy(new DestinationCheck(context));
        context.getRegistry().bind("cloudEvents", new CloudEventEnvelope(source));
        context.getRegistry().bind("forwardDestinations", new ForwardDestinations(context, settings.text("queue.forward"),
                settings.text("forward.topic")));
        // Load the CloudEvents SDK (service loader, JSON format) now rather than on the first event: a first event
        // should not pay for it, even after its reply.
        CloudEventEnvelope.format().serialize(CloudEventBuilder.v1().withId("warm-up").withSource(URI.create("urn:warm-up"))
                .withType("warm-up").withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build());
    }
}
