package dev.wbxt.router.toolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.wbxt.router.config.RouterSettings;
import dev.wbxt.router.config.Settings;
import dev.wbxt.router.toolkit.cards.CardReplies;
import dev.wbxt.router.toolkit.cards.CardTemplateReload;
import dev.wbxt.router.toolkit.cards.CardTemplates;
import dev.wbxt.router.webhooks.JsonFileStore;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** Binds the bot toolkit ({@code botKit}, {@code fileReplies}) used by {@code routes/30-bot.yaml} and the command routes; keys {@code bot.*}. */
@Configuration
public class BotToolkitConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        RouterSettings router = RouterSettings.read(context);
        Settings p = Settings.of(context);
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        p.under("bot.pattern.").forEach((command, regex) ->
                patterns.put(command.toLowerCase(Locale.ROOT), Pattern.compile(regex)));
        BotToolkit.Settings settings = new BotToolkit.Settings(
                p.text("bot.fallback"),
                p.text("bot.unknown-text"),
                lowerCase(p.list("bot.allow.email-domains")), lowerCase(p.list("bot.allow.people")),
                Set.copyOf(p.list("bot.allow.rooms")), // room ids keep their case
                p.oneOf("bot.refusal", "polite", "silent").equals("polite"),
                p.text("bot.refusal-text"),
                p.text("bot.greeting.text"),
                p.text("bot.greeting.card"),
                patterns);
        // card templates: read once here, then again only when a file is saved (with the routes' hot reload)
        CardTemplates templates = new CardTemplates(Path.of(p.text("bot.templates.dir"))).loadAll();
        if (router.reloadRoutes() && Files.isDirectory(templates.dir())) {
            context.addService(new CardTemplateReload(templates));
        }
        CardReplies cards = new CardReplies(templates, new CardReplies.Settings(p.number("bot.templates.max-card-bytes"),
                p.text("bot.templates.fallback-text"), p.text("bot.templates.failure-text")));
        context.getRegistry().bind("cardTemplates", templates);
        context.getRegistry().bind("botKit", new BotToolkit(context, settings,
                new JsonFileStore(router.dataDir().resolve("bot-rooms.json")), cards));
        context.getRegistry().bind("fileReplies", new FileReplies()); // README "Files"
    }

    private static Set<String> lowerCase(List<String> items) {
        return items.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
