package org.smarttuner.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Optuna's CLI {@code table} and {@code value} formats ({@code _dump_table}, {@code _dump_value}):
 * cells are Python's {@code str()} of the value; a column of numbers (and empty cells) is
 * right-aligned, any other left-aligned; an empty cell is blank.
 */
final class TextTable {
    private TextTable() {
    }

    /** Space-separated values, one record a line; a missing or None value is an empty string. */
    static String values(List<Map<String, Object>> rows, List<String> header) {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String h : header) {
                Object v = r.get(h);
                cells.add(v == null ? "" : PythonText.str(v));
            }
            lines.add(String.join(" ", cells));
        }
        return String.join("\n", lines);
    }

    /** A table with {@code +---+} borders, as Optuna draws it. */
    static String table(List<Map<String, Object>> rows, List<String> header) {
        StringBuilder separator = new StringBuilder("+");
        StringBuilder head = new StringBuilder("|");
        List<StringBuilder> lines = new ArrayList<>();
        rows.forEach(r -> lines.add(new StringBuilder("|")));
        for (String h : header) {
            boolean numeric = rows.stream().map(r -> r.get(h)).allMatch(v -> v == null || numeric(v));
            int width = length(h);
            for (Map<String, Object> r : rows) {
                width = Math.max(width, length(PythonText.str(r.get(h)))); // Optuna counts None as 4 wide
            }
            separator.append("-".repeat(width + 2)).append('+');
            head.append(' ').append(pad(h, width, numeric)).append(" |");
            for (int i = 0; i < rows.size(); i++) {
                Object v = rows.get(i).get(h);
                lines.get(i).append(' ').append(v == null ? " ".repeat(width) : pad(PythonText.str(v), width, numeric))
                        .append(" |");
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(separator).append('\n').append(head).append('\n').append(separator).append('\n');
        lines.forEach(l -> out.append(l).append('\n'));
        return out.append(separator).append('\n').toString();
    }

    /** Python counts a bool as an int. */
    private static boolean numeric(Object v) {
        return v instanceof Number || v instanceof Boolean;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - length(s)));
        return right ? fill + s : s + fill;
    }
}
