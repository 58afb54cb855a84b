package dev.wbxt.router.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The event log line written by hand is the line Jackson writes for the same fields, whatever the values. */
class EventLogLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void same(Object... values) throws Exception {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < EventLog.FIELDS.length; i++) {
            map.put(EventLog.FIELDS[i], values[i]);
        }
        assertEquals(JSON.writeValueAsString(map), EventLog.line(values));
    }

    @Test
    void asJacksonWritesIt() throws Exception {
        same("messages", "created", "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvMQ", "Y2lzY29zcGFyazovL3VzL1JPT00vMQ", null, "replied", 12L);
        same(null, null, null, null, null, "ignored-own", null);
        same("a\"b\\c", "line\nbreak\ttab\u0001", "é ü 中 😀", "</script>", "x", "logged", 0L);
        same("rooms", 7, true, new BigDecimal("1E+3"), List.of("odd"), "logged", -1L);
    }
}
