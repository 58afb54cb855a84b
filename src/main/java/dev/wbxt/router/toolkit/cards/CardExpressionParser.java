package dev.wbxt.router.toolkit.cards;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.wbxt.router.toolkit.cards.CardExpression.Accessor;
import dev.wbxt.router.toolkit.cards.CardExpression.Binary;
import dev.wbxt.router.toolkit.cards.CardExpression.Concat;
import dev.wbxt.router.toolkit.cards.CardExpression.Const;
import dev.wbxt.router.toolkit.cards.CardExpression.Element;
import dev.wbxt.router.toolkit.cards.CardExpression.Node;
import dev.wbxt.router.toolkit.cards.CardExpression.ParseException;
import dev.wbxt.router.toolkit.cards.CardExpression.Unary;

/**
 * Reads the text of a card template's strings into {@link CardExpression}'s tree, once, when the template is loaded:
 * the {@code ${...}} parts of a string, then each expression (a lexer and a precedence-climbing parser with the
 * SDK's precedence). What the subset leaves out is refused here, with where and why ({@code CardTemplateLoadTest}).
 */
final class CardExpressionParser {
    private CardExpressionParser() {
    }

    /**
     * A template string: null when it holds no {@code ${} (it stays as written), the expression when it is exactly
     * one non-constant expression (its value keeps its type: a number, a list...), else a {@link Concat} (a string).
     */
    static Node parseTemplateString(String text) throws ParseException {
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
                return new FunctionCall("if", List.of(cond, yes, no));
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
                        case "undefined" -> new Const(CardExpression.UNDEFINED);
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
                    int[] arity = CardExpression.FUNCTIONS.get(a.name);
                    if (arity == null) {
                        throw new ParseException("`" + src + "`: the function " + a.name + "() is not supported in card"
                                + " templates (supported: " + String.join(", ", new java.util.TreeSet<>(CardExpression.FUNCTIONS.keySet())) + ")");
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
                    node = new FunctionCall(a.name, List.copyOf(args));
                } else {
                    return node;
                }
            }
        }
    }
}
