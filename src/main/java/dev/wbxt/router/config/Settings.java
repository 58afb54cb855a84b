package dev.wbxt.router.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The one reader of the service's settings: a key of application.properties (or its environment variable, which
 * Camel's properties component puts first) read as the type it has. No default is written here or by a caller:
 * application.properties holds every default, so a key has one value to look up. A value of the wrong type stops the
 * start with a message that names the key and its environment variable ({@link #named}).
 */
public final class Settings {
    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    public static Settings of(CamelContext context) {
        return new Settings(context.getPropertiesComponent());
    }

    /** The value, trimmed; empty when the key is empty or absent. */
    public String text(String key) {
        return properties.resolveProperty(key).map(String::trim).orElse("");
    }

    public int number(String key) {
        return parsed(key, Integer::parseInt, "a whole number");
    }

    public long longNumber(String key) {
        return parsed(key, Long::parseLong, "a whole number");
    }

    public double decimal(String key) {
        return parsed(key, Double::parseDouble, "a number");
    }

    private <T> T parsed(String key, Function<String, T> parse, String expected) {
        String value = text(key);
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw wrong(key, "must be " + expected + ", not '" + value + "'");
        }
    }

    /** true or false, nothing else: a typo must not turn a feature off without a word. */
    public boolean flag(String key) {
        return Boolean.parseBoolean(oneOf(key, "true", "false"));
    }

    public int port(String key) {
        int port = number(key);
        if (port < 0 || port > 65535) {
            throw wrong(key, "must be a port number (0-65535), not " + port);
        }
        return port;
    }

    /** The value, which must be one of {@code allowed}. */
    public String oneOf(String key, String... allowed) {
        String value = text(key);
        if (!Arrays.asList(allowed).contains(value)) {
            throw wrong(key, "must be " + String.join(", ", Arrays.copyOf(allowed, allowed.length - 1))
                    + (allowed.length > 1 ? " or " : "") + allowed[allowed.length - 1] + ", not '" + value + "'");
        }
        return value;
    }

    /** A comma-separated list, its items trimmed, empty items left out. */
    public List<String> list(String key) {
        return Arrays.stream(text(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Every non-empty key under {@code prefix} (e.g. {@code bot.pattern.}), by the rest of its name, in name order. */
    public Map<String, String> under(String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.loadProperties(k -> k.startsWith(prefix)).stringPropertyNames())) {
            if (!text(key).isEmpty()) {
                found.put(key.substring(prefix.length()), text(key));
            }
        }
        return found;
    }

    /** A start-up error about one key: {@code server.port (SERVER_PORT) must be ...}. */
    public static IllegalArgumentException wrong(String key, String problem) {
        return new IllegalArgumentException(named(key) + " " + problem);
    }

    /** The key with the environment variable that sets it: server.port (SERVER_PORT). */
    public static String named(String key) {
        return key + " (" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + ")";
    }
}
