package dev.wbxt.router.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The address settings an external broker must have for the service's promises to hold, checked at start; a broker
 * that has other ones stops the start with what to set.
 * <ul>
 * <li>{@code max-delivery-attempts} -1 (no limit) on every queue of the service: the service takes the dead-letter
 * decision itself, with the reason, to {@code <queue>.dlq}. A broker that gives up on its own moves the event to its
 * {@code DLQ} behind the service's back: with Artemis' default of 10, measured in issue 12, 4 of 10 events
 * acknowledged during a 75 s Webex outage were never answered. Deliveries add up without any failure of the event
 * itself: every restart or failover an event is in flight at, every retry of a forward destination (its consumer
 * rolls back, {@code forward.max-attempts} 20), every hand-over of the registrar's lock.</li>
 * <li>{@code redelivery-delay} 0 on the events queue: an event handed back (its instance stopped or died) must be at
 * the head of its room at once, or the room's next events would overtake it.</li>
 * </ul>
 */
public final class BrokerSettingsCheck {
    private BrokerSettingsCheck() {
    }

    /**
     * @param eventsQueue the events queue ({@code queue.events})
     * @param otherQueues the service's other queues (a forward destination's, the registrar's lock): no delivery limit
     * @return the broker's own dead-letter and expiry addresses for these queues (e.g. {@code DLQ}, {@code ExpiryQueue}):
     *         what the broker moves there (an expired message, a message moved by an operator) is listed with the
     *         service's dead letters
     */
    public static Set<String> check(BrokerManagement broker, String eventsQueue, List<String> otherQueues) throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> brokerDeadLetters = new TreeSet<>();
        AddressSettings events = broker.addressSettings(eventsQueue);
        collect(events, brokerDeadLetters);
        limit(eventsQueue, events, problems);
        if (events.getRedeliveryDelay() != 0) {
            problems.add("redelivery-delay is " + events.getRedeliveryDelay() + " ms for " + eventsQueue
                    + " (an event handed back would come after its room's later events): set it to 0");
        }
        for (String queue : otherQueues) {
            AddressSettings settings = broker.addressSettings(queue);
            collect(settings, brokerDeadLetters);
            limit(queue, settings, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the broker's address settings are unsafe for the service: "
                    + String.join("; ", problems) + " (README \"Running in production\")");
        }
        return brokerDeadLetters;
    }

    private static void collect(AddressSettings settings, Set<String> addresses) {
        if (settings.getDeadLetterAddress() != null) {
            addresses.add(settings.getDeadLetterAddress().toString());
        }
        if (settings.getExpiryAddress() != null) {
            addresses.add(settings.getExpiryAddress().toString());
        }
    }

    private static void limit(String queue, AddressSettings settings, List<String> problems) {
        int attempts = settings.getMaxDeliveryAttempts();
        if (attempts >= 0) {
            problems.add("max-delivery-attempts is " + attempts + " for " + queue + " (the broker would move an event to "
                    + settings.getDeadLetterAddress() + " after " + attempts + " deliveries, where nobody answers it): "
                    + "set it to -1");
        }
    }
}
