package dev.wbxt.router.forward;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * What downstream systems receive: the webhook as Webex sent it, plus what the routes fetched for it
 * (the message, the card action, the room, the sender), under stable names.
 */
public class EnrichedEvent {
    private static final String[] ENRICHMENTS = {"message", "action", "room", "sender"};

    public Map<String, Object> of(Exchange exchange) {
        Map<String, Object> enriched = new LinkedHashMap<>();
        enriched.put("webhook", exchange.getVariable("event"));
        for (String name : ENRICHMENTS) {
            Object value = exchange.getVariable(name);
            if (value != null) {
                enriched.put(name, value);
            }
        }
        return enriched;
    }
}
