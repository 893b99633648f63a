package org.smarttuner.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.smarttuner.study.FrozenTrial;

/** Trials printed as JSON or as a table, for the ask/tell CLI. */
final class StudyJson {
    static final JsonMapper MAPPER = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private StudyJson() {
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print " + o, e);
        }
    }

    static Map<String, Object> trial(FrozenTrial t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", t.number());
        m.put("state", t.state().name());
        m.put("value", t.value().orElse(null));
        m.put("params", t.params());
        m.put("datetime_start", t.start().map(Object::toString).orElse(null));
        m.put("datetime_complete", t.complete().map(Object::toString).orElse(null));
        if (!t.intermediateValues().isEmpty()) {
            m.put("intermediate_values", t.intermediateValues());
        }
        if (!t.userAttrs().isEmpty()) {
            m.put("user_attrs", t.userAttrs());
        }
        return m;
    }

    static void table(PrintWriter out, List<FrozenTrial> trials) {
        TreeSet<String> names = new TreeSet<>();
        trials.forEach(t -> names.addAll(t.params().keySet()));
        List<String> header = new ArrayList<>(List.of("number", "state", "value"));
        names.forEach(n -> header.add("params_" + n));
        List<List<String>> rows = new ArrayList<>();
        for (FrozenTrial t : trials) {
            List<String> row = new ArrayList<>();
            row.add(String.valueOf(t.number()));
            row.add(t.state().name());
            row.add(t.value().map(v -> String.format(Locale.ROOT, "%.6g", v)).orElse(""));
            for (String n : names) {
                Object v = t.params().get(n);
                row.add(v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d)
                        : String.valueOf(v));
            }
            rows.add(row);
        }
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        printRow(out, header, w);
        for (List<String> r : rows) {
            printRow(out, r, w);
        }
        out.flush();
    }

    private static void printRow(PrintWriter out, List<String> cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            sb.append(i == 0 ? "" : " | ").append(String.format("%-" + w[i] + "s", cells.get(i)));
        }
        out.println(sb.toString().stripTrailing());
    }
}
