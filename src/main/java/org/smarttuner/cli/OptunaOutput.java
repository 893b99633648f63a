package org.smarttuner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Records printed as Optuna's CLI prints them ({@code _format_output} in optuna/cli.py): a record
 * maps {@link Column}s to values; nested columns become dicts (or {@code name_key} fields with
 * {@code --flatten}), and the lot is printed as JSON, YAML, a table or bare values.
 */
final class OptunaOutput {
    private OptunaOutput() {
    }

    /** A list of records (printed as a JSON/YAML list). */
    static String list(List<Map<Column, Object>> records, List<Column> columns, OutputFormat format, boolean flatten) {
        return format(records, columns, format, flatten, false);
    }

    /** One record (printed as a JSON/YAML object). */
    static String one(Map<Column, Object> record, List<Column> columns, OutputFormat format, boolean flatten) {
        return format(List.of(record), columns, format, flatten, true);
    }

    private static String format(List<Map<Column, Object>> records, List<Column> columns, OutputFormat format,
                                 boolean flatten, boolean single) {
        List<String> header = new ArrayList<>();
        List<Map<String, Object>> rows = flatten ? flat(records, columns, header) : nested(records, columns, header);
        return switch (format) {
            case value -> TextTable.values(rows, header).strip();
            case table -> TextTable.table(rows, header).strip();
            case json -> PythonJson.write(single ? rows.get(0) : rows).strip();
            case yaml -> PythonYaml.write(single ? rows.get(0) : rows).strip();
        };
    }

    private static List<Map<String, Object>> flat(List<Map<Column, Object>> records, List<Column> columns,
                                                  List<String> header) {
        for (Column c : columns) {
            if (c.nested()) {
                header.add(c.flatName());
            } else if (listValued(records, c)) {
                int n = records.stream().filter(r -> r.containsKey(c)).mapToInt(r -> items(r.get(c)).size()).max()
                        .orElse(0);
                for (int i = 0; i < n; i++) {
                    header.add(c.name() + "_" + i);
                }
            } else {
                header.add(c.name());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<Column, Object> r : records) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (Column c : columns) {
                if (!r.containsKey(c)) {
                    continue;
                }
                Object v = r.get(c);
                if (c.nested()) {
                    row.put(c.flatName(), v);
                } else if (listValued(records, c)) {
                    List<?> items = items(v);
                    for (int i = 0; i < items.size(); i++) {
                        row.put(c.name() + "_" + i, items.get(i));
                    }
                } else {
                    row.put(c.name(), v);
                }
            }
            rows.add(row);
        }
        return rows;
    }

    private static boolean listValued(List<Map<Column, Object>> records, Column c) {
        return records.stream().anyMatch(r -> r.get(c) instanceof List || r.get(c) instanceof PyTuple);
    }

    private static List<?> items(Object v) {
        return v instanceof PyTuple t ? t.items() : v instanceof List<?> l ? l : List.of();
    }

    private static List<Map<String, Object>> nested(List<Map<Column, Object>> records, List<Column> columns,
                                                    List<String> header) {
        header.addAll(columns.stream().map(Column::name).collect(Collectors.toCollection(LinkedHashSet::new)));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<Column, Object> r : records) {
            Map<String, Object> row = new LinkedHashMap<>();
            header.forEach(h -> row.put(h, new LinkedHashMap<String, Object>()));
            for (Column c : columns) {
                if (!r.containsKey(c)) {
                    continue;
                }
                if (c.nested()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> inner = (Map<String, Object>) row.get(c.name());
                    inner.put(c.key(), r.get(c));
                } else {
                    row.put(c.name(), r.get(c));
                }
            }
            rows.add(row);
        }
        return rows;
    }
}
