package dev.wbxt.router.toolkit.cards;

import static dev.wbxt.router.toolkit.cards.CardExpression.UNDEFINED;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.wbxt.router.toolkit.cards.CardExpression.Concat;
import dev.wbxt.router.toolkit.cards.CardExpression.Node;
import dev.wbxt.router.toolkit.cards.CardExpression.Scope;

/**
 * An Adaptive Card template, parsed once: every string with {@code ${...}} is an expression tree, ready to be
 * expanded with data as many times as needed. {@link #expand} follows the template engine of Microsoft's JavaScript
 * SDK ({@code adaptivecards-templating} 2.3.1, {@code Template.expand}): {@code $data} rebinds the data of an object
 * and repeats it over a list ({@code $index} is the position), {@code $when} keeps an object only when it is
 * {@code true}, a list item that expands to nothing is left out, repeated items are spliced into their list, the
 * reserved keys are not written out.
 */
public final class CardTemplate {
    private static final Set<String> RESERVED = Set.of("$data", "$when", "$root", "$index", "$host", "$_acTemplateVersion");
    private final Object prepared;

    private CardTemplate(Object prepared) {
        this.prepared = prepared;
    }

    /** Parses every expression of a template (its JSON as Jackson reads it); the message says where one fails. */
    public static CardTemplate parse(Object json) throws CardExpression.ParseException {
        return new CardTemplate(prepare(json, ""));
    }

    private static Object prepare(Object node, String where) throws CardExpression.ParseException {
        if (node instanceof String s) {
            try {
                Node expression = CardExpression.parseTemplateString(s);
                return expression == null ? s : expression;
            } catch (CardExpression.ParseException e) {
                throw new CardExpression.ParseException((where.isEmpty() ? "/" : where) + ": " + e.getMessage());
            }
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(prepare(list.get(i), where + "/" + i));
            }
            return out;
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), prepare(e.getValue(), where + "/" + e.getKey()));
            }
            return out;
        }
        return node;
    }

    /**
     * The template expanded with this data as {@code $root}. A value the data does not have is written back as
     * {@code ${path}} (as the SDK does) and reported to {@code unresolved}; an expression that fails where the SDK
     * fails throws {@link CardTemplateException}. The result holds JSON values only ({@code undefined} in a list is
     * null, as JSON.stringify writes it).
     */
    public Object expand(Object root, Consumer<String> unresolved) throws CardTemplateException {
        Object result = expand(prepared, new Scope(root, UNDEFINED, UNDEFINED, unresolved));
        return json(result);
    }

    private static Object expand(Object node, Scope scope) throws CardTemplateException {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                Object expanded = expand(item, scope);
                if (expanded != null) {
                    if (expanded instanceof List<?> many) {
                        out.addAll(many);
                    } else {
                        out.add(expanded);
                    }
                }
            }
            return out;
        }
        if (node instanceof Concat concat) {
            StringBuilder s = new StringBuilder();
            for (Node part : concat.parts) {
                CardExpression.Result r;
                try {
                    r = part.eval(scope, true);
                } catch (RuntimeException e) {
                    r = CardExpression.Result.failed(String.valueOf(e.getMessage()));
                }
                Object value = r.error() != null ? "${" + part + "}" : r.value();
                if (CardExpression.UNDEFINED == value || value == null) {
                    // the SDK fails here too (value.toString() of null)
                    throw new CardTemplateException("${" + part + "} is " + Values.text(value) + " inside a string");
                }
                s.append(Values.text(value));
            }
            return s.toString();
        }
        if (node instanceof Node expression) {
            CardExpression.Result r = expression.eval(scope, true);
            if (r.error() != null) {
                throw new CardTemplateException("${" + expression + "}: " + r.error());
            }
            return r.value();
        }
        if (node instanceof Map<?, ?> map) {
            Object when = map.get("$when");
            Object dataContext = map.containsKey("$data") ? map.get("$data") : UNDEFINED;
            List<?> contexts;
            boolean repeat = false;
            if (dataContext == UNDEFINED) {
                contexts = java.util.Collections.singletonList(UNDEFINED);
            } else {
                if (dataContext instanceof Node expression) {
                    CardExpression.Result r = expression.eval(scope, true);
                    if (r.error() != null) {
                        throw new CardTemplateException("$data ${" + expression + "}: " + r.error());
                    }
                    dataContext = r.value();
                }
                if (dataContext instanceof List<?> list) {
                    contexts = list;
                    repeat = true;
                } else {
                    contexts = java.util.Collections.singletonList(dataContext);
                }
            }
            List<Object> result = new ArrayList<>();
            Scope current = scope;
            for (int i = 0; i < contexts.size(); i++) {
                Object index = repeat ? (Object) i : current.index();
                Object data = contexts.get(i) != UNDEFINED ? contexts.get(i) : current.data();
                current = new Scope(current.root(), data, index, current.unresolved());
                boolean drop = false;
                if (when instanceof Node condition) {
                    CardExpression.Result r = condition.eval(current, false);
                    drop = !(r.error() == null && Boolean.TRUE.equals(r.value()));
                } else if (Values.truthy(when)) {
                    drop = true; // a $when that is not an expression: the SDK drops the object
                }
                if (!drop) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        String key = String.valueOf(e.getKey());
                        if (!RESERVED.contains(key)) {
                            Object value = expand(e.getValue(), current);
                            if (value != UNDEFINED) {
                                out.put(key, value);
                            }
                        }
                    }
                    result.add(out);
                }
            }
            return result.isEmpty() ? null : result.size() == 1 ? result.get(0) : result;
        }
        return node;
    }

    /** JSON values only: undefined in a list is null, whole numbers are written without a fraction (as JSON.stringify). */
    private static Object json(Object value) {
        if (value == UNDEFINED) {
            return null;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return null;
            }
            return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? (Object) (long) d : (Object) d;
        }
        if (value instanceof java.math.BigDecimal b) {
            return json(b.doubleValue());
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(json(item));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() != UNDEFINED) {
                    out.put(String.valueOf(e.getKey()), json(e.getValue()));
                }
            }
            return out;
        }
        return value;
    }
}
