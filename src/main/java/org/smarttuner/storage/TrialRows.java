package org.smarttuner.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.DistributionException;
import org.smarttuner.study.distribution.DistributionJson;

/** Trials to and from Optuna's tables (v3.2.0.a), single objective. */
final class TrialRows {
    /** Our retry count, kept as a system attribute Optuna carries along untouched. */
    static final String ATTEMPT = "smart_tuner:attempt";
    /** SQLAlchemy's DATETIME text in SQLite: local time, microseconds. */
    private static final DateTimeFormatter WRITE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter READ = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().toFormatter();

    private TrialRows() {
    }

    static String time(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneId.systemDefault()).format(WRITE);
    }

    static Optional<Instant> time(String s) {
        if (s == null) {
            return Optional.empty();
        }
        return Optional.of(LocalDateTime.parse(s.replace('T', ' '), READ).atZone(ZoneId.systemDefault()).toInstant());
    }

    static Optional<Long> trialId(Connection c, long studyId, int number) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT trial_id FROM trials WHERE study_id = ? AND number = ?")) {
            p.setLong(1, studyId);
            p.setInt(2, number);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    static void write(Connection c, long studyId, FrozenTrial t) throws SQLException {
        Optional<Long> existing = trialId(c, studyId, t.number());
        long id;
        if (existing.isPresent()) {
            id = existing.get();
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE trials SET state = ?, datetime_start = ?, datetime_complete = ? WHERE trial_id = ?")) {
                p.setString(1, t.state().name());
                p.setString(2, t.start().map(TrialRows::time).orElse(null));
                p.setString(3, t.complete().map(TrialRows::time).orElse(null));
                p.setLong(4, id);
                p.executeUpdate();
            }
            for (String table : List.of("trial_params", "trial_values", "trial_intermediate_values",
                    "trial_user_attributes", "trial_system_attributes")) {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE trial_id = ?")) {
                    p.setLong(1, id);
                    p.executeUpdate();
                }
            }
        } else {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO trials (number, study_id, state, "
                    + "datetime_start, datetime_complete) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setInt(1, t.number());
                p.setLong(2, studyId);
                p.setString(3, t.state().name());
                p.setString(4, t.start().map(TrialRows::time).orElse(null));
                p.setString(5, t.complete().map(TrialRows::time).orElse(null));
                p.executeUpdate();
                try (ResultSet k = p.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO trial_params (trial_id, param_name, param_value, "
                + "distribution_json) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Double> e : t.internalParams().entrySet()) {
                p.setLong(1, id);
                p.setString(2, e.getKey());
                p.setDouble(3, e.getValue());
                p.setString(4, t.distributions().get(e.getKey()).toJson());
                p.addBatch();
            }
            p.executeBatch();
        }
        if (t.value().isPresent()) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO trial_values (trial_id, objective, value, "
                    + "value_type) VALUES (?, 0, ?, ?)")) {
                double v = t.value().get();
                p.setLong(1, id);
                setValue(p, 2, v);
                p.setString(3, Double.isInfinite(v) ? (v > 0 ? "INF_POS" : "INF_NEG") : "FINITE");
                p.executeUpdate();
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO trial_intermediate_values (trial_id, step, "
                + "intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<Integer, Double> e : t.intermediateValues().entrySet()) {
                double v = e.getValue();
                p.setLong(1, id);
                p.setInt(2, e.getKey());
                setValue(p, 3, v);
                p.setString(4, Double.isNaN(v) ? "NAN" : Double.isInfinite(v) ? (v > 0 ? "INF_POS" : "INF_NEG")
                        : "FINITE");
                p.addBatch();
            }
            p.executeBatch();
        }
        Map<String, Object> system = new LinkedHashMap<>(t.systemAttrs());
        if (t.attempt() > 0) {
            system.put(ATTEMPT, t.attempt());
        }
        writeAttrs(c, "trial_user_attributes", id, t.userAttrs());
        writeAttrs(c, "trial_system_attributes", id, system);
        if (t.state().isFinished()) {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM trial_heartbeats WHERE trial_id = ?")) {
                p.setLong(1, id);
                p.executeUpdate();
            }
        }
    }

    private static void setValue(PreparedStatement p, int i, double v) throws SQLException {
        if (Double.isFinite(v)) {
            p.setDouble(i, v);
        } else {
            p.setNull(i, java.sql.Types.DOUBLE);
        }
    }

    private static void writeAttrs(Connection c, String table, long id, Map<String, Object> attrs)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " (trial_id, \"key\", value_json) "
                + "VALUES (?, ?, ?)")) {
            for (Map.Entry<String, Object> e : attrs.entrySet()) {
                p.setLong(1, id);
                p.setString(2, e.getKey());
                p.setString(3, AttrJson.write(e.getValue()));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** Mutable rows of one trial while reading. */
    private static final class Rows {
        int number;
        TrialState state;
        Optional<Instant> start;
        Optional<Instant> complete;
        final Map<String, Double> params = new LinkedHashMap<>();
        final Map<String, Distribution> dists = new LinkedHashMap<>();
        Optional<Double> value = Optional.empty();
        final TreeMap<Integer, Double> intermediate = new TreeMap<>();
        final Map<String, Object> user = new LinkedHashMap<>();
        final Map<String, Object> system = new LinkedHashMap<>();
    }

    static List<FrozenTrial> read(Connection c, long studyId, String where) throws SQLException {
        Map<Long, Rows> byId = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT trial_id, number, state, datetime_start, "
                + "datetime_complete FROM trials WHERE study_id = ? ORDER BY number")) {
            p.setLong(1, studyId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    Rows t = new Rows();
                    t.number = r.getInt(2);
                    String state = r.getString(3);
                    try {
                        t.state = TrialState.valueOf(state);
                    } catch (IllegalArgumentException e) {
                        throw new StorageException(where + ": trial " + t.number + " has unknown state '" + state
                                + "'; allowed: WAITING, RUNNING, COMPLETE, PRUNED, FAIL");
                    }
                    t.start = time(r.getString(4));
                    t.complete = time(r.getString(5));
                    byId.put(r.getLong(1), t);
                }
            }
        }
        Map<String, Distribution> parsed = new HashMap<>();
        forEachRow(c, "SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trial_params p "
                + "JOIN trials t ON t.trial_id = p.trial_id WHERE t.study_id = ? ORDER BY p.param_id", studyId, r -> {
                    Rows t = byId.get(r.getLong(1));
                    String json = r.getString(4);
                    Distribution d = parsed.get(json);
                    if (d == null) {
                        try {
                            d = DistributionJson.parse(json);
                        } catch (DistributionException e) {
                            throw new StorageException(where + ": trial " + t.number + " parameter '"
                                    + r.getString(2) + "': " + e.getMessage(), e);
                        }
                        parsed.put(json, d);
                    }
                    t.params.put(r.getString(2), r.getDouble(3));
                    t.dists.put(r.getString(2), d);
                });
        forEachRow(c, "SELECT v.trial_id, v.objective, v.value, v.value_type FROM trial_values v "
                + "JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = ?", studyId, r -> {
                    Rows t = byId.get(r.getLong(1));
                    if (r.getInt(2) != 0) {
                        throw new StorageException(where + ": trial " + t.number + " has a value for objective "
                                + r.getInt(2) + "; multi-objective studies are not supported");
                    }
                    t.value = Optional.of(number(r.getDouble(3), r.wasNull(), r.getString(4)));
                });
        forEachRow(c, "SELECT v.trial_id, v.step, v.intermediate_value, v.intermediate_value_type FROM "
                + "trial_intermediate_values v JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = ?", studyId,
                r -> byId.get(r.getLong(1)).intermediate.put(r.getInt(2), number(r.getDouble(3), r.wasNull(),
                        r.getString(4))));
        forEachRow(c, "SELECT a.trial_id, a.\"key\", a.value_json FROM trial_user_attributes a JOIN trials t ON "
                + "t.trial_id = a.trial_id WHERE t.study_id = ? ORDER BY a.trial_user_attribute_id", studyId,
                r -> byId.get(r.getLong(1)).user.put(r.getString(2), AttrJson.read(r.getString(3), where)));
        forEachRow(c, "SELECT a.trial_id, a.\"key\", a.value_json FROM trial_system_attributes a JOIN trials t ON "
                + "t.trial_id = a.trial_id WHERE t.study_id = ? ORDER BY a.trial_system_attribute_id", studyId,
                r -> byId.get(r.getLong(1)).system.put(r.getString(2), AttrJson.read(r.getString(3), where)));
        List<FrozenTrial> out = new ArrayList<>(byId.size());
        for (Rows t : byId.values()) {
            int attempt = t.system.remove(ATTEMPT) instanceof Number n ? n.intValue() : 0;
            if (t.value.isPresent() && Double.isNaN(t.value.get())) {
                t.value = Optional.empty();
            }
            try {
                out.add(new FrozenTrial(t.number, t.state, t.params, t.dists, t.value, t.intermediate, t.user,
                        t.system, t.start, t.complete, attempt));
            } catch (StudyException e) {
                throw new StorageException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static double number(double v, boolean wasNull, String type) {
        return switch (type) {
            case "INF_POS" -> Double.POSITIVE_INFINITY;
            case "INF_NEG" -> Double.NEGATIVE_INFINITY;
            case "NAN" -> Double.NaN;
            default -> wasNull ? Double.NaN : v;
        };
    }

    interface RowHandler {
        void accept(ResultSet r) throws SQLException;
    }

    private static void forEachRow(Connection c, String sql, long studyId, RowHandler h) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, studyId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    h.accept(r);
                }
            }
        }
    }
}
