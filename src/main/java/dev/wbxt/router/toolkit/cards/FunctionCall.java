package dev.wbxt.router.toolkit.cards;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wbxt.router.toolkit.cards.CardExpression.Node;
import dev.wbxt.router.toolkit.cards.CardExpression.Result;
import dev.wbxt.router.toolkit.cards.CardExpression.Scope;
import dev.wbxt.router.toolkit.cards.CardExpression.Unary;

/**
 * A call of one of the subset's functions ({@link CardExpression#FUNCTIONS}: if, not, exists, empty, count, length,
 * toUpper, toLower, join), evaluated as Microsoft's SDK evaluates it; the parser has checked the name and the number
 * of arguments.
 */
final class FunctionCall extends Node {
    final String name;
    final List<Node> args;

    FunctionCall(String name, List<Node> args) {
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
                    case "toUpper" -> Result.of(v == null ? CardExpression.UNDEFINED : s.toUpperCase(Locale.ROOT));
                    default -> Result.of(v == null ? CardExpression.UNDEFINED : s.toLowerCase(Locale.ROOT));
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
