package dev.wbxt.router.deadletter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.admin.AdminAuth;
import dev.wbxt.router.admin.AdminRouteBuilder;
import org.apache.camel.Exchange;

/**
 * {@code /admin/dead-letters}: list (filtered by queue, reason and room, a page at a time), show one, replay one, a
 * selection or all a filter selects, delete one or a selection. A request with a parameter or a field it does not
 * know is refused (400) before any letter is touched: a misspelt filter must not widen a replay to every letter.
 */
public class DeadLetterAdminRoutes extends AdminRouteBuilder {
    /** The most letters one listing returns: a page of 10,000 rows would be too big for a browser to keep usable. */
    static final int MAX_LIMIT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LIST_PARAMETERS = Set.of("queue", "reason", "roomId", "limit", "offset");
    private static final Set<String> REPLAY_FIELDS = Set.of("ids", "all", "queue", "reason", "roomId");
    private static final Set<String> FILTER_FIELDS = Set.of("queue", "reason", "roomId");
    private final DeadLetters deadLetters;

    public DeadLetterAdminRoutes(AdminAuth auth, DeadLetters deadLetters) {
        super(auth);
        this.deadLetters = deadLetters;
    }

    @Override
    protected void configureAdmin() {
        admin("GET", "/dead-letters", "admin-dead-letters-list").process(this::list);
        admin("GET", "/dead-letters/{id}", "admin-dead-letters-show").process(e -> {
            DeadLetter letter = deadLetters.show(id(e));
            Map<String, Object> shown = new LinkedHashMap<>(JSON.convertValue(letter, Map.class));
            shown.put("body", parsed(letter.body()));
            reply(e, 200, shown);
        });
        admin("DELETE", "/dead-letters/{id}", "admin-dead-letters-delete").process(e ->
                reply(e, 200, Map.of("deleted", one(deadLetters.delete(List.of(id(e))), id(e)))));
        admin("POST", "/dead-letters/{id}/replay", "admin-dead-letters-replay-one").process(e ->
                reply(e, 200, Map.of("replayed", one(deadLetters.replay(List.of(id(e))), id(e)))));
        // {"ids": [...]} replays a selection; {"all": true} every letter, or those of a queue, reason, room.
        admin("POST", "/dead-letters/replay", "admin-dead-letters-replay").process(e -> {
            Map<String, Object> request = fields(requestBody(e), REPLAY_FIELDS);
            DeadLetters.Outcome outcome;
            if (Boolean.TRUE.equals(request.get("all")) && !request.containsKey("ids")) {
                outcome = deadLetters.replay(new DeadLetterFilter(text(request, "queue"), text(request, "reason"),
                        text(request, "roomId")));
            } else if (request.containsKey("ids") && !request.containsKey("all")) {
                if (FILTER_FIELDS.stream().anyMatch(request::containsKey)) {
                    throw new IllegalArgumentException("queue, reason and roomId go with {\"all\": true}, not with ids");
                }
                outcome = deadLetters.replay(ids(request));
            } else {
                throw new IllegalArgumentException("give {\"ids\": [...]} or {\"all\": true} (with queue, reason, "
                        + "roomId to replay only those)");
            }
            reply(e, 200, answer("replayed", outcome));
        });
        // {"ids": [...]}: a selection; there is no "delete all", deleting is for good.
        admin("POST", "/dead-letters/delete", "admin-dead-letters-delete-selection").process(e ->
                reply(e, 200, answer("deleted", deadLetters.delete(ids(fields(requestBody(e), Set.of("ids")))))));
    }

    private void list(Exchange e) throws Exception {
        Map<String, String> query = query(e, LIST_PARAMETERS);
        DeadLetterFilter filter = new DeadLetterFilter(query.get("queue"), query.get("reason"), query.get("roomId"));
        int offset = number(query, "offset", 0, Integer.MAX_VALUE, 0);
        int limit = number(query, "limit", 1, MAX_LIMIT, Integer.MAX_VALUE);
        DeadLetters.Listing listing = deadLetters.list(filter, offset, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queues", listing.queues());
        out.put("total", listing.total());
        out.put("offset", offset);
        out.put("count", listing.items().size());
        out.put("reasons", listing.reasons());
        out.put("rooms", listing.rooms());
        out.put("items", listing.items());
        reply(e, 200, out);
    }

    /** The single-letter endpoints answer 404 for a letter that is not there, as they always did. */
    private static int one(DeadLetters.Outcome outcome, String id) {
        if (!outcome.missing().isEmpty()) {
            throw new NoSuchElementException("no dead letter " + id);
        }
        return outcome.done();
    }

    private static Map<String, Object> answer(String done, DeadLetters.Outcome outcome) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(done, outcome.done());
        out.put("missing", outcome.missing());
        return out;
    }

    /** A non-empty list of dead-letter ids, every one checked before any is used. */
    private static List<String> ids(Map<String, Object> request) {
        if (!(request.get("ids") instanceof List<?> given) || given.isEmpty()) {
            throw new IllegalArgumentException("ids: a non-empty list of dead-letter ids");
        }
        List<String> ids = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            if (!(given.get(i) instanceof String id) || !DeadLetters.isId(id)) {
                throw new IllegalArgumentException("ids[" + i + "] is not a dead-letter id (a UUID); nothing was done");
            }
            ids.add(id);
        }
        return ids;
    }

    private static Map<String, Object> fields(Map<String, Object> request, Set<String> known) {
        for (String field : request.keySet()) {
            if (!known.contains(field)) {
                throw new IllegalArgumentException("unknown field " + field + "; known: " + known.stream().sorted().toList()
                        + "; nothing was done");
            }
        }
        return request;
    }

    private static String text(Map<String, Object> request, String field) {
        Object value = request.get(field);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return (String) value;
    }

    private static int number(Map<String, String> query, String name, int min, int max, int absent) {
        String value = query.get(name);
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new IllegalArgumentException(name + ": a whole number from " + min + " to " + max);
    }

    private static String id(Exchange exchange) {
        return exchange.getMessage().getHeader("id", String.class);
    }

    private static Object parsed(String body) {
        try {
            return body == null ? null : JSON.readValue(body, Object.class);
        } catch (Exception e) {
            return body;
        }
    }
}
