package dev.wbxt.router.toolkit.cards;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    public abstract static sealed class Node permits Const, Accessor, Element, Unary, Binary, Call, Concat {
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

    static final class Call extends Node {
        final String name;
        final List<Node> args;

        Call(String name, List<Node> args) {
            this.name = name;
            this.args = args;
        }

        @Override
        Result eval(Scope scope, boolean substitute) {
            switch (name) {
                case "if": {
                    Result c = args.get(0).eval(scope, false);
                    return (c.error() == null && Values.isLogicTrue(c.value()) ? args.get(1) : args.get(2)).eval(scope, substitute);
                }
                case "not":
                    return new Unary(args.get(0)).eval(scope, substitute);
                case "exists": {
                    Result r = args.get(0).eval(scope, false);
                    return Result.of(r.error() == null && !Values.isNull(r.value()));
                }
                case "empty": {
                    Result r = args.get(0).eval(scope, false);
                    Object v = r.value();
                    if (r.error() != null) {
                        return Result.of(false);
                    }
                    if (Values.isNull(v)) {
                        return Result.of(true);
                    }
                    if (v instanceof String s) {
                        return Result.of(s.isEmpty());
                    }
                    if (v instanceof List<?> l) {
                        return Result.of(l.isEmpty());
                    }
                    if (v instanceof Map<?, ?> m) {
                        return Result.of(m.isEmpty());
                    }
                    return Result.of(false);
                }
                case "count": {
                    Result r = args.get(0).eval(scope, substitute);
                    if (r.error() != null) {
                        return r;
                    }
                    Object v = r.value();
                    if (v instanceof String s) {
                        return Result.of((double) s.length());
                    }
                    if (v instanceof List<?> l) {
                        return Result.of((double) l.size());
                    }
                    if (v instanceof Map<?, ?> m) {
                        return Result.of((double) m.size());
                    }
                    return Result.failed(args.get(0) + " must be a string, list, map or object.");
                }
                case "length", "toUpper", "toLower": {
                    Result r = args.get(0).eval(scope, substitute);
                    if (r.error() != null) {
                        return r;
                    }
                    Object v = r.value();
                    if (!(v instanceof String) && !Values.isNull(v)) {
                        return Result.failed(args.get(0) + " is neither a string nor a null object.");
                    }
                    String s = v instanceof String str ? str : "";
                    return switch (name) {
                        case "length" -> Result.of((double) s.length());
                        // the SDK answers undefined for null, "" for undefined
                        case "toUpper" -> Result.of(v == null ? UNDEFINED : s.toUpperCase(Locale.ROOT));
                        default -> Result.of(v == null ? UNDEFINED : s.toLowerCase(Locale.ROOT));
                    };
                }
                default: { // join
                    List<Object> values = new ArrayList<>();
                    for (Node arg : args) {
                        Result r = arg.eval(scope, substitute);
                        if (r.error() != null) {
                            return r;
                        }
                        values.add(r.value());
                    }
                    if (!(values.get(0) instanceof List<?> list)) {
                        return Result.failed(args.get(0) + " evaluates to " + Values.text(values.get(0)) + " which is not a list.");
                    }
                    String sep = Values.text(values.get(1));
                    if (values.size() == 2) {
                        return Result.of(Values.join(list, sep));
                    }
                    String lastSep = Values.text(values.get(2));
                    if (list.size() < 3) {
                        return Result.of(Values.join(list, lastSep));
                    }
                    return Result.of(Values.join(list.subList(0, list.size() - 1), sep) + lastSep
                            + Values.join(list.subList(list.size() - 1, list.size()), sep));
                }
            }
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(name).append('(');
            for (int i = 0; i < args.size(); i++) {
                s.append(i > 0 ? ", " : "").append(args.get(i));
            }
            return s.append(')').toString();
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

    // ---- parsing ----------------------------------------------------------------------------------------------

    /**
     * A template string: null when it holds no {@code ${} (it stays as written), the expression when it is exactly
     * one non-constant expression (its value keeps its type: a number, a list...), else a {@link Concat} (a string).
     */
    public static Node parseTemplateString(String text) throws ParseException {
        if (!text.contains("${")) {
            return null;
        }
        List<Node> parts = new ArrayList<>();
        parts.add(new Const(""));
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '`' || text.charAt(i + 1) == '$')) {
                flush(plain, parts);
                parts.add(new Const(String.valueOf(text.charAt(i + 1))));
                i += 2;
            } else if (c == '`') {
                throw new ParseException("a backtick (`) in a string with ${...} must be written \\` (as Microsoft's SDK reads it)");
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = templateEnd(text, i + 2);
                if (end < 0) {
                    plain.append(c);
                    i++;
                } else {
                    flush(plain, parts);
                    parts.add(parse(text.substring(i + 2, end).trim()));
                    i = end + 1;
                }
            } else {
                plain.append(c);
                i++;
            }
        }
        flush(plain, parts);
        if (parts.size() == 2 && !(parts.get(1) instanceof Const)) {
            return parts.get(1);
        }
        return new Concat(parts);
    }

    private static void flush(StringBuilder plain, List<Node> parts) {
        if (plain.length() > 0) {
            parts.add(new Const(plain.toString()));
            plain.setLength(0);
        }
    }

    /** Where the {@code ${...}} that starts before {@code from} ends (its '}'), or -1 when it does not close. */
    private static int templateEnd(String text, int from) throws ParseException {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '}') {
                return i > from ? i : -1; // "${}" is text
            }
            if (c == '\'' || c == '"') {
                int close = i + 1;
                while (close < text.length() && text.charAt(close) != c) {
                    close += text.charAt(close) == '\\' ? 2 : 1;
                }
                if (close >= text.length()) {
                    return -1;
                }
                i = close + 1;
            } else if (c == '{') {
                throw new ParseException("object literals ({...}) are not supported in ${...}");
            } else if (c == '\r' || c == '\n' || c == '`') {
                return -1;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Parses one expression (the text between {@code ${} and {@code }}). */
    static Node parse(String expression) throws ParseException {
        if (expression.isEmpty()) {
            return new Const("");
        }
        Parser p = new Parser(expression);
        Node n = p.ternary();
        if (p.peek().kind != Kind.END) {
            throw p.error("unexpected '" + p.peek().text + "'");
        }
        return n;
    }

    private enum Kind { NUMBER, STRING, IDENT, OP, END }

    private record Token(Kind kind, String text, int at) {
    }

    private static final Set<String> UNSUPPORTED_OPS = Set.of("/", "%", "^", "&", "??", "=>", "{", "}");

    private static final class Parser {
        private final String src;
        private final List<Token> tokens = new ArrayList<>();
        private int pos;

        Parser(String src) throws ParseException {
            this.src = src;
            lex();
        }

        private void lex() throws ParseException {
            int i = 0;
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == ' ' || c == '\t' || c == '\ufeff' || c == '\u00a0' || c == '\n' || c == '\r') {
                    i++;
                } else if (c >= '0' && c <= '9') {
                    int start = i;
                    while (i < src.length() && Character.isDigit(src.charAt(i))) {
                        i++;
                    }
                    if (i + 1 < src.length() && src.charAt(i) == '.' && Character.isDigit(src.charAt(i + 1))) {
                        i++;
                        while (i < src.length() && Character.isDigit(src.charAt(i))) {
                            i++;
                        }
                    }
                    tokens.add(new Token(Kind.NUMBER, src.substring(start, i), start));
                } else if (c == '\'' || c == '"') {
                    int start = i++;
                    StringBuilder s = new StringBuilder();
                    while (i < src.length() && src.charAt(i) != c) {
                        char d = src.charAt(i);
                        if (d == '\\' && i + 1 < src.length()) {
                            char e = src.charAt(i + 1);
                            switch (e) {
                                case 'n' -> s.append('\n');
                                case 'r' -> s.append('\r');
                                case 't' -> s.append('\t');
                                case '\\' -> s.append('\\');
                                default -> {
                                    if (e == c) {
                                        s.append(c);
                                    } else {
                                        s.append(d).append(e);
                                    }
                                }
                            }
                            i += 2;
                        } else {
                            s.append(d);
                            i++;
                        }
                    }
                    if (i >= src.length()) {
                        throw new ParseException("`" + src + "`: a string that is not closed (at " + start + ")");
                    }
                    i++;
                    tokens.add(new Token(Kind.STRING, s.toString(), start));
                } else if (c < 128 && Character.isLetter(c) || c == '_' || c == '#' || c == '@' || c == '$') {
                    int start = i++;
                    if (c == '@' && i < src.length() && src.charAt(i) == '@') {
                        i++;
                    }
                    while (i < src.length() && (src.charAt(i) < 128 && Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                        i++;
                    }
                    tokens.add(new Token(Kind.IDENT, src.substring(start, i), start));
                } else {
                    String two = i + 1 < src.length() ? src.substring(i, i + 2) : "";
                    String op = switch (two) {
                        case "==", "!=", "<=", ">=", "&&", "||", "??", "=>" -> two;
                        case "<>" -> "!=";
                        default -> String.valueOf(c);
                    };
                    if (op.length() == 1 && "+-!*/%^&<>()[].,{}:?".indexOf(c) < 0) {
                        throw new ParseException("`" + src + "`: unexpected character '" + c + "' at " + i);
                    }
                    tokens.add(new Token(Kind.OP, op, i));
                    i += op.length();
                }
            }
            tokens.add(new Token(Kind.END, "end of the expression", src.length()));
        }

        Token peek() {
            return tokens.get(pos);
        }

        private boolean at(String op) {
            Token t = peek();
            return t.kind == Kind.OP && t.text.equals(op);
        }

        private void expect(String op) throws ParseException {
            if (!at(op)) {
                throw error("expected '" + op + "' but found '" + peek().text + "'");
            }
            pos++;
        }

        ParseException error(String what) {
            Token t = peek();
            if (t.kind == Kind.OP && UNSUPPORTED_OPS.contains(t.text)) {
                return new ParseException("`" + src + "`: '" + t.text + "' is not supported in card templates (see the"
                        + " README's table of constructs)");
            }
            if (t.kind == Kind.END) {
                return new ParseException("`" + src + "`: the expression ends too early");
            }
            return new ParseException("`" + src + "`: " + what + " at " + t.at);
        }

        Node ternary() throws ParseException {
            Node cond = binary(0);
            if (at("?")) {
                pos++;
                Node yes = ternary();
                expect(":");
                Node no = ternary();
                return new Call("if", List.of(cond, yes, no));
            }
            return cond;
        }

        /** Levels from loosest to tightest, as the SDK's grammar orders them. */
        private static final List<Set<String>> LEVELS = List.of(Set.of("||"), Set.of("&&"),
                Set.of("<", "<=", ">", ">="), Set.of("==", "!="), Set.of("+", "-"), Set.of("*"));

        Node binary(int level) throws ParseException {
            if (level == LEVELS.size()) {
                return unary();
            }
            Node left = binary(level + 1);
            while (peek().kind == Kind.OP && LEVELS.get(level).contains(peek().text)) {
                String op = tokens.get(pos++).text;
                left = new Binary(op, left, binary(level + 1));
            }
            if (peek().kind == Kind.OP && UNSUPPORTED_OPS.contains(peek().text)) {
                throw error("");
            }
            return left;
        }

        Node unary() throws ParseException {
            if (at("!")) {
                pos++;
                return new Unary(unary());
            }
            if (at("-") || at("+")) {
                String op = tokens.get(pos++).text;
                return new Binary(op, new Const(0.0), unary());
            }
            return postfix(primary());
        }

        Node primary() throws ParseException {
            Token t = peek();
            switch (t.kind) {
                case NUMBER -> {
                    pos++;
                    return new Const(Double.parseDouble(t.text));
                }
                case STRING -> {
                    pos++;
                    return new Const(t.text);
                }
                case IDENT -> {
                    pos++;
                    return switch (t.text) {
                        case "true" -> new Const(true);
                        case "false" -> new Const(false);
                        case "null" -> new Const(null);
                        case "undefined" -> new Const(UNDEFINED);
                        default -> new Accessor(t.text, null);
                    };
                }
                default -> {
                    if (at("(")) {
                        pos++;
                        Node inner = ternary();
                        expect(")");
                        return inner;
                    }
                    if (at("[")) {
                        throw new ParseException("`" + src + "`: list literals ([...]) are not supported in card templates");
                    }
                    throw error("unexpected '" + t.text + "'");
                }
            }
        }

        Node postfix(Node node) throws ParseException {
            while (true) {
                if (at(".")) {
                    pos++;
                    Token name = peek();
                    if (name.kind != Kind.IDENT) {
                        throw error("a name must follow '.'");
                    }
                    pos++;
                    node = new Accessor(name.text, node);
                } else if (at("[")) {
                    pos++;
                    Node index = ternary();
                    expect("]");
                    node = new Element(node, index);
                } else if (at("(")) {
                    if (!(node instanceof Accessor a) || a.instance != null) {
                        throw error("only a function name can be called");
                    }
                    int[] arity = FUNCTIONS.get(a.name);
                    if (arity == null) {
                        throw new ParseException("`" + src + "`: the function " + a.name + "() is not supported in card"
                                + " templates (supported: " + String.join(", ", new java.util.TreeSet<>(FUNCTIONS.keySet())) + ")");
                    }
                    pos++;
                    List<Node> args = new ArrayList<>();
                    if (!at(")")) {
                        args.add(ternary());
                        while (at(",")) {
                            pos++;
                            args.add(ternary());
                        }
                    }
                    expect(")");
                    if (args.size() < arity[0] || args.size() > arity[1]) {
                        throw new ParseException("`" + src + "`: " + a.name + "() takes " + (arity[0] == arity[1]
                                ? arity[0] : arity[0] + " or " + arity[1]) + " arguments, not " + args.size());
                    }
                    node = new Call(a.name, List.copyOf(args));
                } else {
                    return node;
                }
            }
        }
    }
}
