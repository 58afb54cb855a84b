package dev.wbxt.router.toolkit;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.wbxt.router.RouterSettings;
import dev.wbxt.router.webhooks.JsonFileStore;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.spi.PropertiesComponent;

/** Binds the bot toolkit ({@code botKit}) used by {@code routes/30-bot.yaml} and the command routes; keys {@code bot.*}. */
@Configuration
public class BotToolkitConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        RouterSettings router = RouterSettings.read(context);
        PropertiesComponent p = context.getPropertiesComponent();
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        p.loadPropertiesAsMap().forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith("bot.pattern.") && !String.valueOf(v).isBlank()) {
                patterns.put(key.substring("bot.pattern.".length()).toLowerCase(Locale.ROOT), Pattern.compile(String.valueOf(v).trim()));
            }
        });
        String refusal = text(p, "bot.refusal", "polite");
        if (!refusal.equals("polite") && !refusal.equals("silent")) {
            throw new IllegalArgumentException("bot.refusal (BOT_REFUSAL) must be polite or silent, not '" + refusal + "'");
        }
        BotToolkit.Settings settings = new BotToolkit.Settings(
                text(p, "bot.fallback", ""),
                text(p, "bot.unknown-text", "I don't know `{command}`. Try **help**."),
                set(p, "bot.allow.email-domains"), set(p, "bot.allow.people"), set(p, "bot.allow.rooms"),
                refusal.equals("polite"),
                text(p, "bot.refusal-text", "Sorry, I am not allowed to help you here."),
                text(p, "bot.greeting.text", "Hello, I am {bot}. Say **help** to see what I can do."),
                text(p, "bot.greeting.card", ""),
                patterns);
        context.getRegistry().bind("botKit", new BotToolkit(context, settings,
                new JsonFileStore(router.dataDir().resolve("bot-rooms.json"))));
    }

    private static String text(PropertiesComponent p, String key, String dflt) {
        return p.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(dflt);
    }

    /** A comma-separated list, lower case (room ids keep their case). */
    private static Set<String> set(PropertiesComponent p, String key) {
        String v = text(p, key, "");
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> key.endsWith("rooms") ? s : s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
