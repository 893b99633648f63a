package org.smarttuner.tracking;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * The one way a param value becomes text, so the same value always gives the same string and a
 * resumed study never trips MLflow's "Changing param values is not allowed": 7, 7L, 7.0 and 7.0f are
 * all {@code "7"}; other numbers use the shortest decimal that reads back to the same double, in
 * Python's style ({@code 0.001}, {@code 1e-05}, {@code 1.5e+20}); booleans are {@code true}/{@code false};
 * text is kept as it is.
 */
public final class ParamFormat {

    /** Integral doubles up to here print as integers; past 2^53 not every integer is a double. */
    private static final double EXACT_INTEGER_LIMIT = 9_007_199_254_740_992d;

    private ParamFormat() {
    }

    public static String format(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("param value must not be null");
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Float f) {
            // Through its own decimal form: 0.1f is "0.1", not 0.10000000149011612.
            return formatDouble(Double.parseDouble(Float.toString(f)));
        }
        if (value instanceof BigDecimal d) {
            return formatDouble(d.doubleValue());
        }
        if (value instanceof Number n) {
            return formatDouble(n.doubleValue());
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return value.toString();
    }

    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < EXACT_INTEGER_LIMIT) {
            return Long.toString((long) d);
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            return bd.toPlainString();
        }
        String digits = bd.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (bd.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        sb.append(String.format(Locale.ROOT, "%02d", Math.abs(exponent)));
        return sb.toString();
    }
}
