package dev.wbxt.router.processing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.language.bean.BeanLanguage;
import org.apache.camel.util.StringHelper;

/**
 * Camel's bean language, bound as {@code bean-language} (the name Camel looks a language up by before its own), with
 * one fast path: the map keys of Simple's {@code ${variable.event[data][id]}}, {@code ${body[roomId]}},
 * {@code ${header.x[key]}}. For those Simple (camel-core-languages 4.18, {@code KeyedOgnlExpressionAdapter},
 * {@code bodyOgnlExpression}) asks the bean language for an expression on the value, at every evaluation, and the
 * bean language's OGNL copies the whole exchange (headers, properties, every variable) to walk the keys: the
 * biggest single cost of the YAML routes per event (measured: 12 % of the processing samples, five such lookups per
 * message). Here a chain of plain {@code [key]} on maps is a chain of {@link Map#get}; anything else (a method call,
 * {@code ?.}, a key with a {@code ${...}} in it, a value that is not a Map on the way, a missing key before the last)
 * goes to Camel's own expression, so the results and the errors are Camel's.
 */
public class MapKeysBeanLanguage extends BeanLanguage {
    /** The name Camel's language lookup tries after {@code bean} ({@code ResolverHelper}). */
    public static final String REGISTRY_NAME = "bean-language";
    /** OGNL text → its keys, or an empty list when it is not a plain key chain. The texts come from the routes. */
    private final Map<String, List<String>> parsed = new ConcurrentHashMap<>();

    @Override
    public Expression createExpression(String expression, Object[] properties) {
        if (expression == null && properties != null && properties.length == 3 && properties[0] == null
                && properties[1] instanceof Map<?, ?> && properties[2] instanceof String ognl) {
            List<String> keys = parsed.computeIfAbsent(ognl, MapKeysBeanLanguage::keys);
            if (!keys.isEmpty()) {
                return new MapKeys((Map<?, ?>) properties[1], keys, () -> super.createExpression(null, properties));
            }
        }
        return super.createExpression(expression, properties);
    }

    /** {@code [a][b]...}: the keys, as Camel's OGNL reads them (trimmed, quotes removed); else an empty list. */
    static List<String> keys(String ognl) {
        List<String> keys = new ArrayList<>(4);
        int i = 0;
        while (i < ognl.length()) {
            if (ognl.charAt(i) != '[') {
                return List.of();
            }
            int end = ognl.indexOf(']', i);
            if (end < 0) {
                return List.of();
            }
            String key = ognl.substring(i + 1, end);
            if (key.isBlank() || key.indexOf('[') >= 0 || key.indexOf('$') >= 0 || key.indexOf('(') >= 0
                    || key.indexOf('?') >= 0) {
                return List.of();
            }
            key = StringHelper.removeLeadingAndEndingQuotes(key.trim());
            if (key.isEmpty()) {
                return List.of();
            }
            keys.add(key);
            i = end + 1;
        }
        return keys.isEmpty() ? List.of() : List.copyOf(keys);
    }

    /** The walk over the maps; Camel's expression for anything the walk does not cover. */
    private static final class MapKeys implements Expression {
        private final Map<?, ?> root;
        private final List<String> keys;
        private final java.util.function.Supplier<Expression> camels;

        MapKeys(Map<?, ?> root, List<String> keys, java.util.function.Supplier<Expression> camels) {
            this.root = root;
            this.keys = keys;
            this.camels = camels;
        }

        @Override
        public void init(CamelContext context) {
        }

        @Override
        public <T> T evaluate(Exchange exchange, Class<T> type) {
            Object value = root;
            int last = keys.size() - 1;
            for (int i = 0; i <= last; i++) {
                if (!(value instanceof Map<?, ?> map)) {
                    // not a map, or null before the last key: Camel's answer (a list index, an exception...)
                    return camels.get().evaluate(exchange, type);
                }
                value = map.get(keys.get(i));
            }
            if (type == Object.class) {
                @SuppressWarnings("unchecked")
                T result = (T) value;
                return result;
            }
            return exchange.getContext().getTypeConverter().convertTo(type, exchange, value);
        }

        @Override
        public String toString() {
            return "mapKeys" + keys;
        }
    }
}
