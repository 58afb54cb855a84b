package dev.wbxt.router.forward;

import dev.wbxt.router.ingest.EventHeaders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which events a forward destination takes: its {@code resources}, {@code events} and {@code rooms} lists
 * ({@code *}: any; {@link ForwardDelivery#selects}), then its Simple {@code filter} (the template's {@code filter:}
 * step inside the lists' one, compiled by Camel as the route is). A table: the destination's parameters and one event
 * (a messages/created event in room R1) in, taken or not out.
 */
class ForwardSelectionTest {
    private static CamelContext camel;

    @BeforeAll
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.close();
    }

    @ParameterizedTest(name = "resources ''{0}'', events ''{1}'', rooms ''{2}'', filter ''{3}'' -> {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "none", value = {
            "*                      | *               | *       | none                                  | true",
            "\"\"                     | \"\"              | \"\"      | \"\"                                    | true",   // blank: any
            "messages               | created         | R1      | true                                  | true",
            "memberships            | *               | *       | none                                  | false",
            "memberships, messages  | *               | *       | none                                  | true",   // spaces around commas
            "memberships,messages   | created,deleted | *       | none                                  | true",
            "*                      | deleted         | *       | none                                  | false",
            "*                      | *               | R2,R3   | none                                  | false",
            "*                      | *               | R2, R1  | none                                  | true",
            "message                | *               | *       | none                                  | false",  // whole items, not prefixes
            "*                      | *               | *       | ${header.WbxtRoomId} == 'R1'          | true",
            "*                      | *               | *       | ${header.WbxtRoomId} != 'R1'          | false",
            "*                      | *               | *       | ${body} contains 'urgent'             | true",
            "memberships            | *               | *       | ${body} contains 'urgent'             | false",  // the lists first
    })
    void takesTheEventOrNot(String resources, String events, String rooms, String filter, boolean taken) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("WbxtResource", "messages");
        exchange.getMessage().setHeader("WbxtEvent", "created");
        exchange.getMessage().setHeader(EventHeaders.ROOM_ID, "R1");
        exchange.getMessage().setBody("{\"type\":\"com.webex.messages.created\",\"data\":{\"text\":\"an urgent one\"}}");
        ForwardDelivery delivery = new ForwardDelivery();
        delivery.setResources(resources);
        delivery.setEvents(events);
        delivery.setRooms(rooms);
        boolean filtered = filter == null || filter.isBlank()
                || camel.resolveLanguage("simple").createPredicate(filter).matches(exchange);
        assertEquals(taken, delivery.selects(exchange) && filtered);
    }
}
