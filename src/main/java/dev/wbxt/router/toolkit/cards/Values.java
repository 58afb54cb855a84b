package dev.wbxt.router.toolkit.cards;

import static dev.wbxt.router.toolkit.cards.CardExpression.UNDEFINED;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON values (Jackson's maps, lists, strings, numbers, booleans, null, and {@link CardExpression#UNDEFINED}) read
 * the way JavaScript and {@code adaptive-expressions} read them: truthiness, {@code toString}, number formatting,
 * equality, and property access (case-insensitive, as the SDK's memory is).
 */
final class Values {
    private static final String[] SPECIAL = {"$root", "$data", "$index"};
    private static final java.util.regex.Pattern SEPARATORS = java.util.regex.Pattern.compile("[.\\[\\]]+");

    private Values() {
    }

    static boolean isNull(Object v) {
        return v == null || v == UNDEFINED;
    }

    static boolean isNumber(Object v) {
        return v instanceof Number n && !Double.isNaN(n.doubleValue());
    }

    static double number(Object v) {
        return ((Number) v).doubleValue();
    }

    static boolean isInteger(Object v) {
        return isNumber(v) && !Double.isInfinite(number(v)) && number(v) == Math.rint(number(v));
    }

    /** The SDK's isLogicTrue: a boolean is itself, null and undefined are false, anything else is true. */
    static boolean isLogicTrue(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        return !isNull(v);
    }

    /** JavaScript's truthiness. */
    static boolean truthy(Object v) {
        if (isNull(v) || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0 && !Double.isNaN(n.doubleValue());
        }
        return !(v instanceof String s) || !s.isEmpty();
    }

    /** JavaScript's parseInt of the value's text: the leading integer, or null (NaN). */
    static Integer parseIntPrefix(Object v) {
        if (!(v instanceof String) && !(v instanceof Number)) {
            return null;
        }
        String s = text(v).trim();
        int i = 0;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        if (i == digits) {
            return null;
        }
        try {
            return Integer.parseInt(s.substring(0, i));
        } catch (NumberFormatException e) {
            return null; // beyond int: no list is that long
        }
    }

    /** JavaScript's String(value) / value.toString(). */
    static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v == null) {
            return "null";
        }
        if (v == UNDEFINED) {
            return "undefined";
        }
        if (v instanceof Number n) {
            return number(n);
        }
        if (v instanceof List<?> l) {
            return join(l, ",");
        }
        if (v instanceof Map<?, ?>) {
            return "[object Object]";
        }
        return String.valueOf(v);
    }

    /** Array.prototype.join: null and undefined items are empty. */
    static String join(List<?> items, String separator) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            s.append(i > 0 ? separator : "").append(isNull(item) ? "" : text(item));
        }
        return s.toString();
    }

    /** Number.prototype.toString: 3, 1.5, 0.30000000000000004, 1e+21, 1e-7. */
    static String number(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return n.toString();
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (abs >= 1e-6 && abs < 1e21) {
            return exact.toPlainString();
        }
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.abs(exponent);
    }

    /** JavaScript's string comparison (UTF-16 code units), which String.compareTo is. */
    static int compareUtf16(String a, String b) {
        return a.compareTo(b);
    }

    /** The SDK's commonEquals: null equals undefined, numbers within epsilon, lists and objects deeply. */
    static boolean commonEquals(Object a, Object b) {
        if (isNull(a) || isNull(b)) {
            return isNull(a) && isNull(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!commonEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (isNumber(a) && isNumber(b)) {
            return Math.abs(number(a) - number(b)) < Math.ulp(1.0);
        }
        return a.equals(b);
    }

    /** lodash's isEqual inside objects: exact, numbers by value. */
    private static boolean deepEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof List<?> || a instanceof Map<?, ?>) {
            return commonEquals(a, b) && (a instanceof List<?>) == (b instanceof List<?>);
        }
        return a == null ? b == null : a.equals(b);
    }

    // ---- paths ------------------------------------------------------------------------------------------------

    /**
     * A path as the SDK's template memory reads it: a path that does not start with {@code $} is under
     * {@code $data}; {@code $root}, {@code $data} and {@code $index} are the scope's.
     */
    static Object resolve(CardExpression.Scope scope, List<String> memoryParts) {
        if (memoryParts.isEmpty()) {
            return UNDEFINED;
        }
        Iterator<String> parts = memoryParts.iterator();
        String first = parts.next();
        Object current = UNDEFINED;
        String lower = first.toLowerCase(Locale.ROOT);
        for (String special : SPECIAL) {
            if (special.equals(lower)) {
                current = switch (special) {
                    case "$root" -> scope.root();
                    case "$data" -> scope.dataOrRoot();
                    default -> scope.index();
                };
                break;
            }
        }
        while (parts.hasNext() && current != UNDEFINED) {
            current = step(current, parts.next());
        }
        return parts.hasNext() ? UNDEFINED : current;
    }

    /** The parts of a path as the template memory reads it (under {@code $data} unless it starts with {@code $}). */
    static List<String> memoryParts(String path) {
        if (path.isEmpty()) {
            return List.of();
        }
        return parts(path.charAt(0) != '$' ? "$data." + path : path);
    }

    /** A path under a value (the result of a function call, {@code if(a, b, c).name}). */
    static Object walk(Object value, String path) {
        if (isNull(value) || path.isEmpty()) {
            return UNDEFINED;
        }
        Object current = value;
        for (String part : parts(path)) {
            current = step(current, part);
            if (current == UNDEFINED) {
                return UNDEFINED;
            }
        }
        return current;
    }

    private static List<String> parts(String path) {
        return java.util.Arrays.stream(SEPARATORS.split(path)).filter(p -> !p.isEmpty())
                .map(p -> p.length() >= 2 && (p.startsWith("'") && p.endsWith("'") || p.startsWith("\"") && p.endsWith("\""))
                        ? p.substring(1, p.length() - 1) : p)
                .toList();
    }

    private static Object step(Object current, String part) {
        Integer index = parseIntPrefix(part);
        if (index != null && current instanceof List<?> list) {
            return index >= 0 && index < list.size() ? list.get(index) : UNDEFINED;
        }
        return property(current, part);
    }

    /** The SDK's accessProperty: nothing under a falsy value; the first key equal to the name ignoring case. */
    static Object property(Object instance, String name) {
        if (!truthy(instance)) {
            return UNDEFINED;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (instance instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (String.valueOf(e.getKey()).toLowerCase(Locale.ROOT).equals(lower)) {
                    return e.getValue();
                }
            }
            return UNDEFINED;
        }
        if (instance instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (String.valueOf(i).equals(lower)) {
                    return list.get(i);
                }
            }
            return UNDEFINED;
        }
        if (instance instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                if (String.valueOf(i).equals(lower)) {
                    return String.valueOf(s.charAt(i));
                }
            }
        }
        return UNDEFINED;
    }
}
