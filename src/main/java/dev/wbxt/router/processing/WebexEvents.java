package dev.wbxt.router.processing;

import org.apache.camel.Exchange;

/** The dispatch's first step, bound as {@code webexEvents}: the stored JSON text becomes the {@link WebexEvent}. */
public class WebexEvents {
    /**
     * A {@code bean:} step: the message's JSON text becomes the event, as variable {@value WebexEvent#VARIABLE} and as the body
     * (the two steps {@code unmarshal: json} and {@code setVariable: event} did this with a copy of the message).
     */
    public void read(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        WebexEvent event = body instanceof WebexEvent parsed ? parsed
                : WebexEvent.parse(body instanceof String text ? text : exchange.getMessage().getMandatoryBody(String.class));
        exchange.setVariable(WebexEvent.VARIABLE, event);
        exchange.getMessage().setBody(event);
    }

}
