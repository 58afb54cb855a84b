package dev.wbxt.router.bot;

import java.util.Map;
import java.util.Objects;

import org.apache.camel.Variable;

/**
 * Webex sends the bot a webhook for every message the bot itself posts: answering those would loop forever.
 * An event is the bot's own when the bot is its actor, or, for messages, its author. (A membership whose
 * {@code data.personId} is the bot is someone adding the bot to a room: that one is not the bot's own.)
 */
public class LoopGuard {

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
