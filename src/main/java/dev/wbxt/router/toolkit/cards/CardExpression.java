package dev.wbxt.router.toolkit.cards;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The subset of Adaptive Expressions (the language of {@code ${...}} in Adaptive Card templates) that card templates
 * may use, read and evaluated as Microsoft's JavaScript SDK ({@code adaptivecards-templating} 2.3.1 on
 * {@code adaptive-expressions} 4.23.3) does: the same precedence, the same paths (case-insensitive property names,
 * {@code [index]}), the same treatment of a missing value (written back as {@code ${path}} where the SDK does) and
 * the same errors. What the subset leaves out is refused when the template is loaded, with the reason. Each
 * construct is checked against the SDK's output by {@code CardTemplateConformanceTest}.
 * <p>
 * An expression is parsed once (when its template is loaded) into a tree of {@link Node}s; evaluating it reads the
 * data and allocates only the result.
 */
public final class CardExpression {
    /** JavaScript's {@code undefined}: a path that leads nowhere (JSON's null is Java's null). */
    public static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };

    /** The functions of the subset, with their number of arguments (min, max). */
    static final Map<String, int[]> FUNCTIONS = Map.of(
            "if", new int[] {3, 3}, "not", new int[] {1, 1}, "exists", new int[] {1, 1}, "empty", new int[] {1, 1},
            "count", new int[] {1, 1}, "length", new int[] {1, 1}, "toUpper", new int[] {1, 1},
            "toLower", new int[] {1, 1}, "join", new int[] {2, 3});

    private CardExpression() {
    }

    // ---- evaluation context ----------------------------------------------------------------------------------

    /** What {@code $root}, {@code $data} and {@code $index} are where an expression is evaluated. */
    public record Scope(Object root, Object data, Object index, Consumer<String> unresolved) {
        /** {@code $data} as the SDK reads it: the bound data, else {@code $root}. */
        Object dataOrRoot() {
            return data != UNDEFINED ? data : root;
        }
    }

    /** A value, or why there is none (the SDK's {@code {value, error}}). */
    record Result(Object value, String error) {
        static Result of(Object value) {
            return new Result(value, null);
        }

        static Result failed(String error) {
            return new Result(UNDEFINED, error);
        }
    }

    /** Thrown when an expression does not parse or uses what the subset leaves out. */
    public static final class ParseException extends Exception {
        ParseException(String message) {
            super(message);
        }
    }

    // ---- the tree ---------------------------------------------------------------------------------------------

    /** A parsed expression. {@code substitute}: a missing value is written back as {@code ${path}}. */
    public abstract static sealed class Node permits Const, Accessor, Element, Unary, Binary, FunctionCall, Concat {
        abstract Result eval(Scope scope, boolean substitute);
    }

    static final class Const extends Node {
        final Object value;

        Const(Object value) {
            this.value = value;
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            return Result.of(value);
        }

        @Override
        public String toString() {
            return value instanceof String s ? "'" + s + "'" : Values.text(value);
        }
    }

    /** {@code name} or {@code instance.name}: read as one path, as the SDK's Accessor does. */
    static final class Accessor extends Node {
        private static final java.util.regex.Pattern TRAILING_DOTS = java.util.regex.Pattern.compile("\\.*$");
        final String name;
        final Node instance;

        /** A chain of names only ({@code a.b.c}): its path and the memory's parts, worked out once. */
        final String fixedPath;
        final List<String> fixedParts;

        Accessor(String name, Node instance) {
            this.name = name;
            this.instance = instance;
            Accessor parent = instance instanceof Accessor a ? a : null;
            if (instance == null) {
                fixedPath = name;
            } else {
                fixedPath = parent != null && parent.fixedPath != null ? parent.fixedPath + "." + name : null;
            }
            fixedParts = fixedPath == null ? null : Values.memoryParts(fixedPath);
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            if (fixedPath != null) {
                return found(Values.resolve(scope, fixedParts), fixedPath, scope, substitute);
            }
            StringBuilder path = new StringBuilder();
            Node left = this;
            while (left != null) {
                if (left instanceof Accessor a) {
                    path.insert(0, a.name + ".");
                    left = a.instance;
                } else if (left instanceof Element e) {
                    Result index = e.index.eval(scope, substitute);
                    if (index.error() != null) {
                        return index;
                    }
                    Object v = index.value();
                    if (Values.parseIntPrefix(v) != null) {
                        path.insert(0, "[" + Values.text(v) + "].");
                    } else if (v instanceof String s) {
                        path.insert(0, "['" + s + "'].");
                    } else {
                        return Result.failed(e.index + " doesn't return an int or string");
                    }
                    left = e.instance;
                } else {
                    break;
                }
            }
            String p = TRAILING_DOTS.matcher(path).replaceAll("").replace(".[", "[");
            Object value;
            if (left == null) {
                value = Values.resolve(scope, Values.memoryParts(p));
            } else {
                Result base = left.eval(scope, substitute);
                if (base.error() != null) {
                    return base;
                }
                value = Values.walk(base.value(), p);
            }
            return found(value, p, scope, substitute);
        }

        private static Result found(Object value, String p, Scope scope, boolean substitute) {
            if (value == UNDEFINED && substitute) {
                if (scope.unresolved() != null) {
                    scope.unresolved().accept(p);
                }
                return Result.of("${" + p + "}");
            }
            return Result.of(value);
        }

        @Override
        public String toString() {
            return instance == null ? name : instance + "." + name;
        }
    }

    /** {@code instance[index]} as the last step of an expression (inside a path, {@link Accessor} reads it). */
    static final class Element extends Node {
        final Node instance;
        final Node index;

        Element(Node instance, Node index) {
            this.instance = instance;
            this.index = index;
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            Result inst = instance.eval(scope, substitute);
            if (inst.error() != null) {
                return inst;
            }
            Result idx = index.eval(scope, false);
            if (idx.error() != null) {
                return idx;
            }
            Object i = idx.value();
            if (Values.isInteger(i)) {
                Object target = inst.value();
                if (target == null || target == UNDEFINED) {
                    return Result.of(UNDEFINED);
                }
                long n = ((Number) i).longValue();
                if (target instanceof List<?> list) {
                    return n >= 0 && n < list.size() ? Result.of(list.get((int) n))
                            : Result.failed(Values.text(i) + " is out of range for " + Values.text(target));
                }
                return Result.failed(Values.text(target) + " is not a collection.");
            }
            if (i instanceof String s) {
                return Result.of(Values.property(inst.value(), s));
            }
            return Result.failed("Could not coerce " + index + " to an int or string.");
        }

        @Override
        public String toString() {
            return instance + "[" + index + "]";
        }
    }

    static final class Unary extends Node {
        final Node operand;

        Unary(Node operand) {
            this.operand = operand;
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            Result r = operand.eval(scope, false);
            return Result.of(r.error() != null || !Values.isLogicTrue(r.value()));
        }

        @Override
        public String toString() {
            return "!(" + operand + ")";
        }
    }

    static final class Binary extends Node {
        final String op;
        final Node left;
        final Node right;

        Binary(String op, Node left, Node right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            switch (op) {
                case "&&": {
                    for (Node child : List.of(left, right)) {
                        Result r = child.eval(scope, false);
                        if (r.error() != null || !Values.isLogicTrue(r.value())) {
                            return Result.of(false);
                        }
                    }
                    return Result.of(true);
                }
                case "||": {
                    Object last = false;
                    for (Node child : List.of(left, right)) {
                        Result r = child.eval(scope, false);
                        if (r.error() == null) {
                            if (Values.isLogicTrue(r.value())) {
                                return Result.of(true);
                            }
                            last = r.value();
                        }
                    }
                    return Result.of(last);
                }
                case "==", "!=": {
                    Result a = left.eval(scope, false);
                    Result b = right.eval(scope, false);
                    if (a.error() != null || b.error() != null) {
                        return Result.of(false);
                    }
                    boolean equal = Values.commonEquals(a.value(), b.value());
                    return Result.of(op.equals("==") == equal);
                }
                case "<", "<=", ">", ">=": {
                    Result a = left.eval(scope, false);
                    Result b = right.eval(scope, false);
                    if (a.error() != null || b.error() != null || Values.isNull(a.value()) || Values.isNull(b.value())) {
                        return Result.of(false);
                    }
                    int c;
                    if (Values.isNumber(a.value()) && Values.isNumber(b.value())) {
                        c = Double.compare(Values.number(a.value()), Values.number(b.value()));
                    } else if (a.value() instanceof String x && b.value() instanceof String y) {
                        c = Values.compareUtf16(x, y);
                    } else {
                        return Result.failed(Values.text(a.value()) + " and " + Values.text(b.value()) + " must be comparable.");
                    }
                    return Result.of(switch (op) {
                        case "<" -> c < 0;
                        case "<=" -> c <= 0;
                        case ">" -> c > 0;
                        default -> c >= 0;
                    });
                }
                case "+": {
                    Result a = left.eval(scope, substitute);
                    if (a.error() != null) {
                        return a;
                    }
                    Result b = right.eval(scope, substitute);
                    if (b.error() != null) {
                        return b;
                    }
                    for (Object[] v : new Object[][] {{a.value(), left}, {b.value(), right}}) {
                        if (!Values.isNumber(v[0]) && !(v[0] instanceof String)) {
                            return Result.failed(v[1] + " is neither a number nor string");
                        }
                    }
                    if (Values.isNumber(a.value()) && Values.isNumber(b.value())) {
                        return Result.of(Values.number(a.value()) + Values.number(b.value()));
                    }
                    return Result.of(Values.text(a.value()) + Values.text(b.value()));
                }
                default: { // "-", "*"
                    Result a = left.eval(scope, substitute);
                    if (a.error() != null) {
                        return a;
                    }
                    if (!Values.isNumber(a.value())) {
                        return Result.failed(left + " is not a number.");
                    }
                    Result b = right.eval(scope, substitute);
                    if (b.error() != null) {
                        return b;
                    }
                    if (!Values.isNumber(b.value())) {
                        return Result.failed(right + " is not a number.");
                    }
                    double x = Values.number(a.value());
                    double y = Values.number(b.value());
                    return Result.of(op.equals("-") ? x - y : x * y);
                }
            }
        }

        @Override
        public String toString() {
            return "(" + left + " " + op + " " + right + ")";
        }
    }

    /**
     * A string with text around its expressions ({@code "Hello ${name}!"}): always a string. The template engine
     * evaluates each part itself (as the SDK does), so that a part that fails is written back as {@code ${...}}.
     */
    public static final class Concat extends Node {
        final List<Node> parts;

        Concat(List<Node> parts) {
            this.parts = parts;
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            StringBuilder s = new StringBuilder();
            for (Node part : parts) {
                Result r = part.eval(scope, substitute);
                if (r.error() != null) {
                    return r;
                }
                s.append(Values.text(r.value()));
            }
            return Result.of(s.toString());
        }
    }

    /**
     * A template string: null when it holds no {@code ${} (it stays as written), the expression when it is exactly
     * one non-constant expression (its value keeps its type: a number, a list...), else a {@link Concat} (a string).
     * The reading is {@link CardExpressionParser}'s.
     */
    public static Node parseTemplateString(String text) throws ParseException {
        return CardExpressionParser.parseTemplateString(text);
    }
}
