package dev.wbxt.router.toolkit.cards;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The card templates of a folder ({@code bot.templates.dir}): each {@code <name>.json} is read and parsed once, when
 * the service starts and again when the file is saved (hot reload, {@link CardTemplateReload}), never per event. A
 * file that is not JSON or has an expression that does not parse is reported with the reason; a broken save keeps
 * the version loaded before, a template broken from the start is unavailable (the routes naming it answer with a
 * plain-text fallback), and nothing else stops.
 */
public class CardTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(CardTemplates.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String SUFFIX = ".json";

    /** A template as loaded: usable ({@code template}), or broken from the start ({@code problem}). */
    private record Loaded(CardTemplate template, String problem, String content) {
    }

    private final Path dir;
    private final Map<String, Loaded> templates = new ConcurrentHashMap<>();

    public CardTemplates(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Reads every template of the folder (at start). */
    public CardTemplates loadAll() {
        if (!Files.isDirectory(dir)) {
            LOG.info("No card templates folder {} (bot.templates.dir): routes that name a card template answer with "
                    + "the plain-text fallback", dir);
            return this;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                reload(file);
            }
        } catch (IOException e) {
            LOG.error("Card templates folder {} cannot be read: {}", dir, e.getMessage());
        }
        LOG.info("Card templates in {}: {} usable", dir, names());
        return this;
    }

    /** (Re)reads one file after it was saved, created or deleted. */
    public void reload(Path file) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(SUFFIX)) {
            return;
        }
        String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        if (!Files.exists(file)) {
            if (templates.remove(name) != null) {
                LOG.info("Card template {} was deleted: routes that name {} answer with the plain-text fallback",
                        fileName, name);
            }
            return;
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("Card template {} cannot be read: {}", fileName, e.getMessage());
            return;
        }
        Loaded before = templates.get(name);
        if (before != null && content.equals(before.content())) {
            return; // one save often fires several events
        }
        if (content.isBlank()) {
            LOG.info("Card template {} is empty: ignored (delete the file to remove the template)", fileName);
            return;
        }
        String problem;
        try {
            templates.put(name, new Loaded(parse(content), null, content));
            LOG.info("Card template {} {}", fileName, before == null ? "loaded" : "reloaded");
            return;
        } catch (CardTemplateException e) {
            problem = e.getMessage();
        }
        if (before != null && before.template() != null) {
            templates.put(name, new Loaded(before.template(), null, content));
            LOG.error("Card template {} was not reloaded: {}. The version loaded before stays in use; fix the file "
                    + "and save it again.", fileName, problem);
        } else {
            templates.put(name, new Loaded(null, problem, content));
            LOG.error("Card template {} cannot be used: {}. Routes that name {} answer with the plain-text fallback "
                    + "until the file is fixed.", fileName, problem, name);
        }
    }

    /** A template's text parsed: JSON (an object), every expression parsed. The message says what and where. */
    public static CardTemplate parse(String content) throws CardTemplateException {
        Object json;
        try {
            json = JSON.readValue(content, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new CardTemplateException("it is not JSON" + where + ": "
                    + e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "["));
        }
        if (!(json instanceof Map<?, ?>)) {
            throw new CardTemplateException("it is not a JSON object (an Adaptive Card template is one)");
        }
        try {
            return CardTemplate.parse(json);
        } catch (CardExpression.ParseException e) {
            throw new CardTemplateException("an expression does not parse: " + e.getMessage());
        }
    }

    /** The template of that name, or why there is none. */
    public CardTemplate get(String name) throws CardTemplateException {
        Loaded loaded = name == null ? null : templates.get(name);
        if (loaded == null) {
            throw new CardTemplateException("there is no template " + name + SUFFIX + " in " + dir);
        }
        if (loaded.template() == null) {
            throw new CardTemplateException("template " + name + SUFFIX + " is broken: " + loaded.problem());
        }
        return loaded.template();
    }

    /** Names of the usable templates. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        templates.forEach((name, loaded) -> {
            if (loaded.template() != null) {
                names.add(name);
            }
        });
        names.sort(null);
        return names;
    }
}
