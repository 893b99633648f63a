package org.smarttuner.study.distribution;

/** Numbers and strings written the way Python's json.dumps writes them, so Optuna reads our JSON back unchanged. */
public final class Json {
    private Json() {
    }

    /** Python's repr of a float: 0.001, 1e-05, 100.0, 1e+20. */
    public static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return (d == 0 && 1 / d < 0 ? "-" : "") + (long) d + ".0";
        }
        double a = Math.abs(d);
        if (a >= 1e-4 && a < 1e16) {
            String s = Double.toString(d);
            if (s.contains("E")) {
                s = new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();
            }
            return s;
        }
        // Scientific notation as Python: shortest digits, exponent with sign and at least two digits.
        String s = Double.toString(d); // e.g. 1.0E-5
        int e = s.indexOf('E');
        String mant = s.substring(0, e);
        int exp = Integer.parseInt(s.substring(e + 1));
        if (mant.endsWith(".0")) {
            mant = mant.substring(0, mant.length() - 2);
        }
        String expStr = String.format("%02d", Math.abs(exp));
        return mant + "e" + (exp < 0 ? "-" : "+") + expStr;
    }

    public static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
