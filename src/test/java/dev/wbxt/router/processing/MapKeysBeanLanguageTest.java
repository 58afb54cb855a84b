package dev.wbxt.router.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Simple's map keys read through {@link MapKeysBeanLanguage} give what Camel's own bean language gives, values and
 * errors alike: each expression is evaluated by a context with it and by one without it.
 */
class MapKeysBeanLanguageTest {
    private CamelContext fast;
    private CamelContext camel;

    @BeforeEach
    void start() {
        fast = new DefaultCamelContext();
        fast.getRegistry().bind(MapKeysBeanLanguage.REGISTRY_NAME, new MapKeysBeanLanguage());
        fast.start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        fast.stop();
        camel.stop();
    }

    private static Exchange exchange(CamelContext context) {
        Exchange exchange = new DefaultExchange(context);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", "m1");
        data.put("roomId", "r1");
        data.put("count", 3);
        data.put("items", List.of("a", "b"));
        data.put("nothing", null);
        exchange.setVariable("event", Map.of("resource", "messages", "data", data));
        exchange.setVariable("text", "plain");
        exchange.getMessage().setBody(Map.of("roomId", "r2", "markdown", "hi"));
        exchange.getMessage().setHeader("h", Map.of("k", "v"));
        return exchange;
    }

    private Object both(String simple) {
        Object expected = camel.resolveLanguage("simple").createExpression(simple).evaluate(exchange(camel), Object.class);
        Object actual = fast.resolveLanguage("simple").createExpression(simple).evaluate(exchange(fast), Object.class);
        assertEquals(expected, actual, simple);
        return actual;
    }

    @Test
    void camelResolvesItAsTheBeanLanguage() {
        assertInstanceOf(MapKeysBeanLanguage.class, fast.resolveLanguage("bean"));
    }

    @Test
    void mapKeysGiveWhatCamelGives() {
        assertEquals("m1", both("${variable.event[data][id]}"));
        assertEquals("messages", both("${variable.event[resource]}"));
        assertEquals("r1", both("${variable.event['data']['roomId']}"));
        assertEquals("r2", both("${body[roomId]}"));
        assertEquals("v", both("${header.h[k]}"));
        assertEquals(3, both("${variable.event[data][count]}"));
        assertEquals("a", both("${variable.event[data][items][0]}"), "a list index: Camel's own path");
        assertNull(both("${variable.event[data][missing]}"));
        assertNull(both("${variable.event[data][nothing]}"));
        assertEquals("room r1 of m1", both("room ${variable.event[data][roomId]} of ${variable.event[data][id]}"));
        assertTrue(fast.resolveLanguage("simple").createPredicate("${variable.event[data][id]} == 'm1'").matches(exchange(fast)));
        assertEquals("A", both("${variable.event[data][items][0].toUpperCase()}"), "a method: Camel's own path");
    }

    @Test
    void aMissingMapOnTheWayFailsAsInCamel() {
        String simple = "${variable.event[missing][id]}";
        Exception expected = assertThrows(Exception.class,
                () -> camel.resolveLanguage("simple").createExpression(simple).evaluate(exchange(camel), Object.class));
        Exception actual = assertThrows(Exception.class,
                () -> fast.resolveLanguage("simple").createExpression(simple).evaluate(exchange(fast), Object.class));
        assertEquals(expected.getClass(), actual.getClass());
    }

    @Test
    void onlyPlainKeyChainsTakeTheFastPath() {
        assertEquals(List.of("data", "id"), MapKeysBeanLanguage.keys("[data][id]"));
        assertEquals(List.of("data"), MapKeysBeanLanguage.keys("['data']"));
        assertEquals(List.of(), MapKeysBeanLanguage.keys("[data].id"));
        assertEquals(List.of(), MapKeysBeanLanguage.keys("?[data]"));
        assertEquals(List.of(), MapKeysBeanLanguage.keys("[${header.k}]"));
        assertEquals(List.of(), MapKeysBeanLanguage.keys("toString()"));
        assertEquals(List.of(), MapKeysBeanLanguage.keys(""));
    }
}
