package dev.wbxt.router.bot;

import java.util.Map;
import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * Webex sends the bot a webhook for every message the bot itself posts: answering those would loop forever.
 * An event is the bot's own when the bot is its actor, or, for messages, its author. (A membership whose
 * {@code data.personId} is the bot is someone adding the bot to a room: that one is not the bot's own.)
 */
public class LoopGuard {
    /** The variable {@link #check} sets. */
    public static final String VARIABLE = "ownEvent";

    /**
     * A {@code bean:} step: sets {@code ${variable.ownEvent}} to whether the event is the bot's own. (A {@code method:}
     * expression would call {@link #isOwnEvent} on a copy of the whole exchange, once per event.)
     */
    @SuppressWarnings("unchecked")
    public void check(Exchange exchange) {
        exchange.setVariable(VARIABLE, isOwnEvent(exchange.getVariable("event", Map.class), exchange.getVariable("bot", Map.class)));
    }

    @SuppressWarnings("unchecked")
    public boolean isOwnEvent(@Variable("event") Map<String, Object> event, @Variable("bot") Map<String, Object> bot) {
        Object botId = bot.get("id");
        if (botId == null) {
            throw new IllegalStateException("the bot's identity (GET /people/me) has no id");
        }
        if (botId.equals(event.get("actorId"))) {
            return true;
        }
        Map<String, Object> data = (Map<String, Object>) event.getOrDefault("data", Map.of());
        return "messages".equals(event.get("resource")) && Objects.equals(botId, data.get("personId"));
    }
}
