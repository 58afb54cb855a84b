package dev.wbxt.router.toolkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.ingest.EventHeaders;
import dev.wbxt.router.bot.EchoReplies;
import dev.wbxt.router.toolkit.cards.CardReplies;
import dev.wbxt.router.webhooks.JsonFileStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.Variable;
import dev.wbxt.router.ops.DirectRoutes;
import dev.wbxt.router.ops.RouteDerived;

/**
 * The bot toolkit for YAML routes, bound as {@code botKit}. A command is a route {@code from: direct:command-<word>}
 * whose {@code description} is its help line; {@link #command} finds which one a message asks for (first word after
 * the bot's mention, or a {@code bot.pattern.<word>} regex), {@link #help} lists them, {@link #refused} applies the
 * allow lists, {@link #answer} builds a reply, {@link #inThread} threads one, {@link #greeting} / {@link #forget}
 * handle the bot being added to / removed from a room. See the README, "Writing a bot in YAML".
 */
public class BotToolkit {
    public static final String COMMAND_PREFIX = "command-";
    /** A card submit whose {@code inputs.action} is X goes to {@code direct:card-X} when a route consumes it. */
    public static final String CARD_PREFIX = "card-";
    /** ... otherwise here: the inputs are echoed, as the Webex lab's bot does. */
    public static final String CARD_FALLBACK = "bot-card-echo";
    /** A message with files and no command goes here: each file's name, type and size (README "Files"). */
    public static final String FILES_ROUTE = "bot-files";
    /** String.split("\\s+") compiles its regex on every call (only one-character separators have a fast path). */
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Settings of the toolkit (the {@code bot.*} keys). */
    public record Settings(String fallback, String unknownText, Set<String> allowedDomains, Set<String> allowedPeople,
                           Set<String> allowedRooms, boolean politeRefusal, String refusalText, String greetingText,
                           String greetingCard, Map<String, Pattern> patterns) {
    }

    private final CamelContext context;
    private final Settings settings;
    private final JsonFileStore rooms;
    private final RouteDerived<Commands> commands;
    /** Which commands and card actions have a route: DirectRoutes' rule, so one that hot-reloads is waited for. */
    private final DirectRoutes routes;
    private final CardReplies cards;

    public BotToolkit(CamelContext context, Settings settings, JsonFileStore rooms, CardReplies cards) {
        this.context = context;
        this.settings = settings;
        this.rooms = rooms;
        this.cards = cards;
        this.routes = new DirectRoutes(context);
        this.commands = new RouteDerived<>(context, this::readCommands);
    }

    // ---- commands ------------------------------------------------------------------------------------------

    /**
     * A {@code bean:} step: sets {@code ${variable.command}} to {@link #command} of the exchange's {@code message} and
     * {@code bot} (a {@code method:} expression would run it on a copy of the whole exchange).
     */
    @SuppressWarnings("unchecked")
    public void readCommand(Exchange exchange) {
        exchange.setVariable("command", command(exchange.getVariable("message", Map.class), exchange.getVariable("bot", Map.class)));
    }

    /**
     * What the message asks: {@code word} (the command, lower case), {@code args} (the rest), {@code text} (the text
     * without the bot's mention) and {@code route} (the direct: route to call: the command, {@code command-help},
     * {@value #FILES_ROUTE} for a message with files, the fallback command, or {@code bot-unknown}).
     */
    public Map<String, Object> command(@Variable("message") Map<String, Object> message,
                                       @Variable("bot") Map<String, Object> bot) {
        String text = withoutMention(message, bot);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", text);
        for (Map.Entry<String, Pattern> p : patterns().entrySet()) {
            Matcher m = p.getValue().matcher(text);
            if (m.find()) {
                out.put("word", p.getKey());
                out.put("args", text.substring(m.end()).trim());
                out.put("route", COMMAND_PREFIX + p.getKey());
                return out;
            }
        }
        String[] parts = SPACES.split(text, 2);
        String word = parts[0].toLowerCase(Locale.ROOT);
        out.put("word", word);
        out.put("args", parts.length > 1 ? parts[1].trim() : "");
        if (hasCommand(word)) {
            out.put("route", COMMAND_PREFIX + word);
        } else if (message.get("files") instanceof List<?> files && !files.isEmpty()) {
            out.put("route", FILES_ROUTE);
        } else if (!settings.fallback().isEmpty() && hasCommand(settings.fallback())) {
            out.put("route", COMMAND_PREFIX + settings.fallback());
        } else {
            out.put("route", "bot-unknown");
        }
        return out;
    }

    /**
     * A {@code bean:} step for a card submit: sets {@code ${variable.cardRoute}} to {@code card-<inputs.action>} when a
     * route consumes {@code direct:card-<inputs.action>}, otherwise {@value #CARD_FALLBACK} (as webex_bot routes a
     * submit by its {@code callback_keyword} input). The action comes from the user's card: only a plain word is
     * looked up.
     */
    public void readCardAction(Exchange exchange) {
        Map<?, ?> action = exchange.getVariable("action", Map.class);
        Object inputs = action == null ? null : action.get("inputs");
        Object name = inputs instanceof Map<?, ?> m ? m.get("action") : null;
        exchange.setVariable("cardRoute", routes.pick(CARD_PREFIX, name instanceof String word ? word : null, CARD_FALLBACK));
    }

    /** The bot's leading mention in a message's html, compiled once per bot id (there is one bot). */
    private static volatile Mention mention;

    private record Mention(String botId, Pattern pattern) {
    }

    private static Pattern mentionOf(String botId) {
        Mention m = mention;
        if (m == null || !m.botId().equals(botId)) {
            m = new Mention(botId, Pattern.compile("^(?:<p>)?\\s*<spark-mention[^>]*data-object-id=\""
                    + Pattern.quote(botId) + "\"[^>]*>([^<]*)</spark-mention>"));
            mention = m;
        }
        return m.pattern();
    }

    /** The message text without the bot's leading mention (in group rooms Webex writes the bot's name first). */
    @SuppressWarnings("unchecked")
    static String withoutMention(Map<String, Object> message, Map<String, Object> bot) {
        String text = String.valueOf(message.getOrDefault("text", "")).trim();
        String html = (String) message.get("html");
        List<String> names = new ArrayList<>();
        if (html != null && bot.get("id") != null) {
            Matcher m = mentionOf((String) bot.get("id")).matcher(html.trim());
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        if ("group".equals(message.get("roomType")) || !names.isEmpty()) {
            String display = String.valueOf(bot.getOrDefault("displayName", ""));
            names.add(display);
            names.add(SPACES.split(display)[0]);
            if (bot.get("nickName") != null) {
                names.add(String.valueOf(bot.get("nickName")));
            }
        }
        for (String name : names) {
            if (!name.isBlank() && text.regionMatches(true, 0, name, 0, name.length())
                    && (text.length() == name.length() || !Character.isLetterOrDigit(text.charAt(name.length())))) {
                return text.substring(name.length()).replaceFirst("^[\\s,:]+", "");
            }
        }
        return text;
    }

    /**
     * The commands: word → help line of the running routes consuming {@code direct:command-<word>}, and the
     * {@code bot.pattern.<word>} regex (environment: BOT_PATTERN_<WORD>) of each command that has a route by
     * {@link DirectRoutes}' rule (one whose file hot-reloads keeps its regex), compiled once. Read again after any
     * route change (hot reload), not for every event.
     */
    private record Commands(Map<String, String> help, Map<String, Pattern> patterns) {
    }

    private Commands readCommands(CamelContext camel) {
        TreeMap<String, String> help = new TreeMap<>();
        for (Route r : camel.getRoutes()) {
            String uri = r.getEndpoint().getEndpointUri();
            String path = uri.startsWith("direct://") ? uri.substring("direct://".length()) : null;
            if (path != null && path.startsWith(COMMAND_PREFIX)) {
                help.put(path.substring(COMMAND_PREFIX.length()), r.getDescription() == null ? "" : r.getDescription());
            }
        }
        Set<String> words = routes.names(COMMAND_PREFIX);
        Map<String, Pattern> patterns = new LinkedHashMap<>(settings.patterns());
        for (String word : words) {
            camel.getPropertiesComponent().resolveProperty("bot.pattern." + word).map(String::trim)
                    .filter(v -> !v.isEmpty())
                    .ifPresent(v -> patterns.put(word, Pattern.compile(v)));
        }
        patterns.keySet().removeIf(word -> !words.contains(word));
        return new Commands(java.util.Collections.unmodifiableSortedMap(help), patterns);
    }

    private Map<String, Pattern> patterns() {
        return commands.get().patterns();
    }

    /**
     * Whether {@code direct:command-<word>} has a route, or had one (its file hot-reloads: the call waits for it, see
     * {@link DirectRoutes}); {@code word} comes from the message, so only a plain word is looked up.
     */
    private boolean hasCommand(String word) {
        return routes.pick(COMMAND_PREFIX, word, null) != null;
    }

    /** word → help line, from the running routes consuming {@code direct:command-<word>}. */
    private Map<String, String> commandRoutes() {
        return commands.get().help();
    }

    /** The help reply: every command with its route description, generated from the routes that are running. */
    public Map<String, Object> help(@Variable("message") Map<String, Object> message) {
        StringBuilder md = new StringBuilder("**What I can do:**\n");
        commandRoutes().forEach((word, description) -> md.append("- `").append(word).append("`")
                .append(description.isEmpty() ? "" : ": " + description).append('\n'));
        if (!settings.fallback().isEmpty()) {
            md.append("\nAnything else: `").append(settings.fallback()).append("`.");
        }
        return answer(message, md.toString().trim());
    }

    /** The reply to a command nobody wrote: "I don't know X, try help". */
    public Map<String, Object> unknown(@Variable("message") Map<String, Object> message,
                                       @Variable("command") Map<String, Object> command) {
        String word = String.valueOf(command.get("word")).replace("`", "");
        return answer(message, settings.unknownText().replace("{command}", fit(word, 100)));
    }

    // ---- replies -------------------------------------------------------------------------------------------

    /** A markdown reply in the room of the exchange's {@code message} (or card {@code action}), in its thread if it has one. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> answer(Exchange exchange, String markdown) {
        Map<String, Object> message = exchange.getVariable("message", Map.class);
        if (message == null) {
            message = exchange.getVariable("action", Map.class);
        }
        return answer(message, markdown);
    }

    static Map<String, Object> answer(Map<String, Object> message, String markdown) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("roomId", message.get("roomId"));
        if (message.get("parentId") != null) {
            reply.put("parentId", message.get("parentId")); // a message in a thread is answered in that thread
        }
        reply.put("markdown", fit(markdown, EchoReplies.MAX_MESSAGE_BYTES));
        return reply;
    }

    /**
     * A card reply made from the template {@code templates/<template>.json}, bound to the exchange's variables
     * ({@code ${sender.displayName}}, {@code ${room.title}}, {@code ${command.args}}, {@code ${message.text}}...), in
     * the room (and thread) of the exchange's {@code message} (or card {@code action}). When no card can be made the
     * reply is the plain-text {@code bot.templates.failure-text} and the log says why (README "Card templates").
     */
    public Map<String, Object> card(Exchange exchange, String template) {
        return card(exchange, template, new LinkedHashMap<>(exchange.getVariables()));
    }

    /**
     * The same, bound to {@code data}: a map or list (e.g. {@code ${variable.stats}}), or JSON text.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> card(Exchange exchange, String template, Object data) {
        Map<String, Object> about = exchange.getVariable("message", Map.class);
        if (about == null) {
            about = exchange.getVariable("action", Map.class);
        }
        return cards.reply(about, template, data, exchange.getMessage().getHeader(EventHeaders.EVENT_KEY));
    }

    /**
     * The reply posted under {@code parent} (e.g. the card a user submitted): Webex threads are one level deep, so a
     * parent that is itself a reply gives its own parent.
     */
    public Map<String, Object> inThread(@Variable("reply") Map<String, Object> reply,
                                        @Variable("card") Map<String, Object> parent) {
        if (reply == null || parent == null) {
            return reply;
        }
        Map<String, Object> threaded = new LinkedHashMap<>(reply);
        threaded.put("parentId", parent.get("parentId") != null ? parent.get("parentId") : parent.get("id"));
        return threaded;
    }

    // ---- access rules ---------------------------------------------------------------------------------------

    /**
     * True when allow lists are set and none admits the sender: by email domain, by person (email or id), or by
     * room. No lists: everyone is allowed.
     */
    @SuppressWarnings("unchecked")
    public boolean refused(@Variable("sender") Map<String, Object> sender, @Variable("message") Map<String, Object> message,
                           @Variable("action") Map<String, Object> action) {
        if (settings.allowedDomains().isEmpty() && settings.allowedPeople().isEmpty() && settings.allowedRooms().isEmpty()) {
            return false;
        }
        Map<String, Object> about = message != null ? message : action;
        String roomId = about == null ? null : (String) about.get("roomId");
        String personId = sender == null ? null : (String) sender.get("id");
        List<String> emails = new ArrayList<>();
        if (sender != null && sender.get("emails") instanceof List<?> l) {
            l.forEach(e -> emails.add(String.valueOf(e).toLowerCase(Locale.ROOT)));
        }
        if (about != null && about.get("personEmail") != null) {
            emails.add(String.valueOf(about.get("personEmail")).toLowerCase(Locale.ROOT));
        }
        boolean allowed = (roomId != null && settings.allowedRooms().contains(roomId))
                || (personId != null && settings.allowedPeople().contains(personId))
                || emails.stream().anyMatch(e -> settings.allowedPeople().contains(e)
                        || settings.allowedDomains().contains(e.substring(e.indexOf('@') + 1)));
        return !allowed;
    }

    /**
     * A {@code bean:} step: sets {@code ${variable.refused}} to {@link #refused} of the exchange's {@code sender},
     * {@code message} and {@code action}.
     */
    @SuppressWarnings("unchecked")
    public void checkAccess(Exchange exchange) {
        exchange.setVariable("refused", refused(exchange.getVariable("sender", Map.class),
                exchange.getVariable("message", Map.class), exchange.getVariable("action", Map.class)));
    }

    /** The polite refusal, or null (no reply) when {@code bot.refusal=silent}. */
    public Map<String, Object> refusal(Exchange exchange) {
        return settings.politeRefusal() ? answer(exchange, settings.refusalText()) : null;
    }

    // ---- rooms ----------------------------------------------------------------------------------------------

    /** The greeting for the room the bot was just added to (text or Adaptive Card); the room is remembered. */
    public Map<String, Object> greeting(@Variable("event") Map<String, Object> event, @Variable("bot") Map<String, Object> bot) {
        Map<?, ?> data = (Map<?, ?>) event.get("data");
        String roomId = (String) data.get("roomId");
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("addedBy", event.get("actorId"));
        state.put("greetedAt", Instant.now().toString());
        rooms.put(roomId, state);
        String text = settings.greetingText().replace("{bot}", String.valueOf(bot.getOrDefault("displayName", "your bot")));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("roomId", roomId);
        reply.put("markdown", text);
        if (!settings.greetingCard().isEmpty()) {
            try {
                Object card = JSON.readValue(Files.readString(Path.of(settings.greetingCard())), Map.class);
                reply.put("attachments", List.of(Map.of("contentType", EchoReplies.CARD_CONTENT_TYPE, "content", card)));
            } catch (IOException e) {
                throw new UncheckedIOException("bot.greeting.card " + settings.greetingCard() + " is not readable JSON", e);
            }
        }
        return reply;
    }

    /** The bot left (or was removed from) the room: whatever it kept about the room goes. */
    public void forget(@Variable("event") Map<String, Object> event) {
        rooms.remove(String.valueOf(((Map<?, ?>) event.get("data")).get("roomId")));
    }

    /** The longest prefix within maxBytes of UTF-8, never splitting a character (Webex refuses longer messages). */
    static String fit(String s, int maxBytes) {
        if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= maxBytes) {
            return s;
        }
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (used + size > maxBytes - 3) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + "…";
    }

    /** What the bot keeps per room (roomId → addedBy, greetedAt). */
    public Map<String, Object> rooms() {
        return rooms.snapshot();
    }
}
