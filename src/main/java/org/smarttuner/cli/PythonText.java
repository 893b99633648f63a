package org.smarttuner.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Values as Python prints them, for output that must match Optuna's CLI byte for byte where a
 * script may read it: {@code str()} of floats, None, booleans, lists, tuples and dicts, a
 * {@code datetime} in Optuna's CLI format and a {@code timedelta}.
 */
final class PythonText {
    /** Optuna's {@code _DATETIME_FORMAT}, "%Y-%m-%d %H:%M:%S" (no fraction of a second). */
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private PythonText() {
    }

    /** Python's {@code str(value)}. */
    static String str(Object value) {
        return value instanceof String s ? s : repr(value);
    }

    /** Python's {@code repr(value)} for the JSON-like values of a record. */
    static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            return floatRepr(((Number) value).doubleValue());
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof String s) {
            return stringRepr(s);
        }
        if (value instanceof PyTuple t) {
            return t.items().size() == 1 ? "(" + repr(t.items().get(0)) + ",)" : join("(", t.items(), ")");
        }
        if (value instanceof List<?> l) {
            return join("[", l, "]");
        }
        if (value instanceof Map<?, ?> m) {
            StringJoiner j = new StringJoiner(", ", "{", "}");
            m.forEach((k, v) -> j.add(repr(k) + ": " + repr(v)));
            return j.toString();
        }
        return stringRepr(value.toString());
    }

    private static String join(String open, List<?> items, String close) {
        StringJoiner j = new StringJoiner(", ", open, close);
        items.forEach(v -> j.add(repr(v)));
        return j.toString();
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back to the same double, in
     * fixed notation for decimal exponents -4 to 16 and as {@code 1e-05}, {@code 1.5e+16} beyond.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal shortest = exact;
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal b = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (b.doubleValue() == d) {
                shortest = b;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int point = digits.length() - shortest.scale(); // value = 0.<digits> x 10^point
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (point <= -4 || point > 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = point - 1;
            sb.append(exp < 0 ? "e-" : "e+").append(Math.abs(exp) < 10 ? "0" : "").append(Math.abs(exp));
        } else if (point <= 0) {
            sb.append("0.").append("0".repeat(-point)).append(digits);
        } else if (point >= digits.length()) {
            sb.append(digits).append("0".repeat(point - digits.length())).append(".0");
        } else {
            sb.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
        return sb.toString();
    }

    /** Python's {@code repr(str)}: single quotes unless the text has one and no double quote. */
    static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                sb.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || printable(c)) {
                sb.appendCodePoint(c);
            } else if (c <= 0xff) {
                sb.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.append(String.format("\\U%08x", c));
            }
        });
        return sb.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one character: not a control, format, separator or unassigned one. */
    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** A stored time as Optuna's CLI prints a {@code datetime}: local time, to the second. */
    static String datetime(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneId.systemDefault()).format(DATETIME);
    }

    /** Python's {@code str(timedelta)}: {@code 0:00:01.234567}, {@code 0:00:02}, {@code 1 day, 2:03:04}. */
    static String timedelta(Duration d) {
        long micros = Math.floorDiv(d.getNano(), 1000) + d.getSeconds() * 1_000_000L;
        long days = Math.floorDiv(micros, 86_400_000_000L);
        long rest = Math.floorMod(micros, 86_400_000_000L);
        long seconds = rest / 1_000_000L;
        long fraction = rest % 1_000_000L;
        StringBuilder sb = new StringBuilder();
        if (days != 0) {
            sb.append(days).append(Math.abs(days) == 1 ? " day, " : " days, ");
        }
        sb.append(seconds / 3600).append(String.format(":%02d:%02d", seconds / 60 % 60, seconds % 60));
        if (fraction != 0) {
            sb.append(String.format(".%06d", fraction));
        }
        return sb.toString();
    }
}
