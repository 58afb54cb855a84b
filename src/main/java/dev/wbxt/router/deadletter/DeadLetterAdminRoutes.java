package dev.wbxt.router.deadletter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.admin.AdminAuth;
import dev.wbxt.router.admin.AdminRouteBuilder;
import org.apache.camel.Exchange;

/**
 * {@code /admin/dead-letters}: list (optionally {@code ?queue=}), show one, replay one, a selection or all, delete.
 */
public class DeadLetterAdminRoutes extends AdminRouteBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeadLetters deadLetters;

    public DeadLetterAdminRoutes(AdminAuth auth, DeadLetters deadLetters) {
        super(auth);
        this.deadLetters = deadLetters;
    }

    @Override
    protected void configureAdmin() {
        admin("GET", "/dead-letters", "admin-dead-letters-list").process(e -> {
            List<DeadLetter> items = deadLetters.list(e.getMessage().getHeader("queue", String.class));
            reply(e, 200, Map.of("queues", deadLetters.queues(), "count", items.size(), "items", items));
        });
        admin("GET", "/dead-letters/{id}", "admin-dead-letters-show").process(e -> {
            DeadLetter letter = deadLetters.show(id(e));
            Map<String, Object> shown = new LinkedHashMap<>(JSON.convertValue(letter, Map.class));
            shown.put("body", parsed(letter.body()));
            reply(e, 200, shown);
        });
        admin("DELETE", "/dead-letters/{id}", "admin-dead-letters-delete").process(e ->
                reply(e, 200, Map.of("deleted", deadLetters.delete(id(e)) ? 1 : 0)));
        admin("POST", "/dead-letters/{id}/replay", "admin-dead-letters-replay-one").process(e ->
                reply(e, 200, Map.of("replayed", deadLetters.replay(List.of(id(e))))));
        // {"ids": [...]} replays a selection; {"all": true, "queue": "wbxt.events.dlq"} a whole queue.
        admin("POST", "/dead-letters/replay", "admin-dead-letters-replay").process(e -> {
            Map<String, Object> request = requestBody(e);
            int replayed;
            if (Boolean.TRUE.equals(request.get("all"))) {
                replayed = deadLetters.replayAll((String) request.get("queue"));
            } else if (request.get("ids") instanceof List<?> ids && !ids.isEmpty()) {
                replayed = deadLetters.replay(ids.stream().map(String::valueOf).toList());
            } else {
                throw new IllegalArgumentException("give {\"ids\": [...]} or {\"all\": true, \"queue\": ...}");
            }
            reply(e, 200, Map.of("replayed", replayed));
        });
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
