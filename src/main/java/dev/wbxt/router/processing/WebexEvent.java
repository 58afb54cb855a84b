package dev.wbxt.router.processing;

import java.util.LinkedHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The webhook an event carries, as the routes see it: {@code ${variable.event}}, parsed once by the dispatch's first
 * step ({@link WebexEvents#read}, bound as {@code webexEvents}). It is the map the routes always had (the JSON object in its
 * order, {@code ${variable.event[data][roomId]}}), read straight from the stored text into its own type, so that no
 * step copies the message to get it.
 */
public final class WebexEvent extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;
    /** Read as camel-jackson's {@code unmarshal: json} read it: a plain ObjectMapper, objects as LinkedHashMaps. */
    private static final ObjectReader READER = new ObjectMapper().readerFor(WebexEvent.class);

    /** The variable {@link WebexEvents#read} sets. */
    public static final String VARIABLE = "event";

    public static WebexEvent parse(String json) throws JsonProcessingException {
        return READER.readValue(json);
    }
}
