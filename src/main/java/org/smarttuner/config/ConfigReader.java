package org.smarttuner.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one mapping of the configuration into typed values. It never throws on a bad value: it
 * records an error (file, line, key, what is allowed), returns the default so reading goes on,
 * and the loader reports every error at once. Keys that no reader asked for are reported as
 * unknown, with the nearest valid key.
 */
public final class ConfigReader {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private final Shared shared;
    private final ConfigNode.Mapping node;
    private final String path;
    private final Source where;
    private final Set<String> known = new LinkedHashSet<>();
    private final String tunableSection;

    /** Errors and tunables shared by every reader of one configuration. */
    static final class Shared {
        final List<ConfigError> errors = new ArrayList<>();
        final Map<String, Tunable> tunables = new LinkedHashMap<>();
    }

    ConfigReader(Shared shared, ConfigNode.Mapping node, String path, Source where, String tunableSection) {
        this.shared = shared;
        this.node = node;
        this.path = path;
        this.where = where;
        this.tunableSection = tunableSection;
    }

    /** A reader over a whole tree (the root of a configuration). */
    public static ConfigReader root(ConfigNode root) {
        Shared shared = new Shared();
        if (root instanceof ConfigNode.Mapping m) {
            return new ConfigReader(shared, m, "", root.source(), null);
        }
        ConfigReader r = new ConfigReader(shared, new ConfigNode.Mapping(root.source()), "", root.source(), null);
        shared.errors.add(new ConfigError(root.source(), "", "the top level must be a mapping of sections, found "
                + root.kindName(), "study, search_space, data, model, training, execution, output"));
        return r;
    }

    public List<ConfigError> errors() {
        return shared.errors;
    }

    public Map<String, Tunable> tunables() {
        return shared.tunables;
    }

    public String path() {
        return path;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        ConfigNode n = node.get(key);
        return n != null && !(n instanceof ConfigNode.Scalar s && s.value() == null);
    }

    /** Where a key is written, or where its section is when it is absent. */
    public Source sourceOf(String key) {
        ConfigNode n = node.get(key);
        return n != null ? n.source() : where;
    }

    public void error(String key, String problem, String allowed) {
        known.add(key);
        shared.errors.add(new ConfigError(sourceOf(key), keyPath(key), problem, allowed));
    }

    /** A whole-section problem (several keys together). */
    public void sectionError(String problem, String allowed) {
        shared.errors.add(new ConfigError(where, path, problem, allowed));
    }

    /** A nested section; an absent one reads as empty, so its defaults apply. */
    public ConfigReader section(String key) {
        return section(key, tunableSection == null ? null : tunableSection);
    }

    /** A nested section whose numeric, choice and boolean keys may be tuned by the search space. */
    public ConfigReader tunableSection(String key) {
        return section(key, keyPath(key));
    }

    /** A reader over a mapping built in place of a key's own node (e.g. list shorthand expanded). */
    ConfigReader child(String key, ConfigNode.Mapping m) {
        known.add(key);
        return new ConfigReader(shared, m, keyPath(key), m.source(), tunableSection);
    }

    private ConfigReader section(String key, String tunable) {
        known.add(key);
        ConfigNode n = node.get(key);
        if (n instanceof ConfigNode.Mapping m) {
            return new ConfigReader(shared, m, keyPath(key), m.source(), tunable);
        }
        Source s = n == null ? where : n.source();
        if (n != null && !(n instanceof ConfigNode.Scalar sc && sc.value() == null)) {
            shared.errors.add(new ConfigError(s, keyPath(key), "must be a mapping, found " + n.kindName(),
                    "a mapping of keys"));
        }
        return new ConfigReader(shared, new ConfigNode.Mapping(s), keyPath(key), s, tunable);
    }

    /** The raw node of a key, for sections with free-form keys (search_space). */
    public Optional<ConfigNode> raw(String key) {
        known.add(key);
        return Optional.ofNullable(node.get(key)).filter(n -> !(n instanceof ConfigNode.Scalar s && s.value() == null));
    }

    /** Every key of this mapping with its node (for free-form mappings); all count as known. */
    public Map<String, ConfigNode> entries() {
        known.addAll(node.entries().keySet());
        return node.entries();
    }

    /** Where a dotted path below this mapping is written, or its nearest written ancestor; never records errors. */
    public Source sourceAt(String dotted) {
        ConfigNode cur = node;
        Source best = where;
        for (String part : dotted.split("\\.")) {
            if (!(cur instanceof ConfigNode.Mapping m) || m.get(part) == null) {
                return best;
            }
            cur = m.get(part);
            best = cur.source();
        }
        return best;
    }

    public Source keySource(String key) {
        return node.keySource(key);
    }

    public Source source() {
        return where;
    }

    private Optional<ConfigNode.Scalar> scalar(String key, String expected) {
        known.add(key);
        ConfigNode n = node.get(key);
        if (n == null) {
            return Optional.empty();
        }
        if (n instanceof ConfigNode.Scalar s) {
            return s.value() == null ? Optional.empty() : Optional.of(s);
        }
        error(key, "must be " + expected + ", found " + n.kindName(), expected);
        return Optional.empty();
    }

    public String string(String key, String def) {
        return optString(key).orElse(def);
    }

    public Optional<String> optString(String key) {
        return scalar(key, "a string").map(s -> String.valueOf(s.value()));
    }

    /**
     * A list of strings: a YAML sequence of scalars, or one scalar for a one-element list; an absent
     * key gives {@code def}, an empty sequence an empty list.
     */
    public List<String> stringList(String key, List<String> def) {
        known.add(key);
        ConfigNode n = node.get(key);
        if (n == null || n instanceof ConfigNode.Scalar s && s.value() == null) {
            return def;
        }
        if (n instanceof ConfigNode.Scalar s) {
            String v = String.valueOf(s.value()).trim();
            if (v.equals("[]")) {
                return List.of();
            }
            return List.of(v);
        }
        if (n instanceof ConfigNode.Sequence seq) {
            List<String> out = new java.util.ArrayList<>();
            for (ConfigNode item : seq.items()) {
                if (!(item instanceof ConfigNode.Scalar s) || s.value() == null) {
                    error(key, "must be a list of strings, found a " + item.kindName() + " in it", "a list of strings");
                    return def;
                }
                out.add(String.valueOf(s.value()));
            }
            return List.copyOf(out);
        }
        error(key, "must be a list of strings, found " + n.kindName(), "a list of strings");
        return def;
    }

    /** A required string: an absent key is an error. */
    public String requiredString(String key, String allowed) {
        Optional<String> v = optString(key);
        if (v.isEmpty() || v.get().isBlank()) {
            error(key, "is required but missing", allowed);
            return "";
        }
        return v.get();
    }

    public String choice(String key, String def, String... allowed) {
        List<String> list = Arrays.asList(allowed);
        register(key, Tunable.Kind.CHOICE, Range.ANY, list);
        Optional<String> v = optString(key);
        if (v.isEmpty()) {
            return def;
        }
        String s = v.get().trim().toLowerCase(Locale.ROOT);
        if (!list.contains(s)) {
            String hint = Suggest.nearest(s, list).map(x -> "; did you mean '" + x + "'?").orElse("");
            error(key, "'" + v.get() + "' is not a valid value" + hint, "one of " + String.join(", ", list));
            return def;
        }
        return s;
    }

    public boolean bool(String key, boolean def) {
        register(key, Tunable.Kind.BOOL, Range.ANY, List.of());
        Optional<ConfigNode.Scalar> v = scalar(key, "true or false");
        if (v.isEmpty()) {
            return def;
        }
        Object o = v.get().value();
        if (o instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(o).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("yes") || s.equals("on")) {
            return true;
        }
        if (s.equals("false") || s.equals("no") || s.equals("off")) {
            return false;
        }
        error(key, "must be true or false, got '" + o + "'", "true or false");
        return def;
    }

    public long integer(String key, long def, Range range) {
        register(key, Tunable.Kind.INT, range, List.of());
        return optInteger(key, range).orElse(def);
    }

    public Optional<Long> optInteger(String key, Range range) {
        Optional<ConfigNode.Scalar> v = scalar(key, range.describe("an integer"));
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Object o = v.get().value();
        Double d = asNumber(o);
        if (d == null || d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            error(key, "must be a whole number, got " + describeValue(o), range.describe("an integer"));
            return Optional.empty();
        }
        if (!range.contains(d)) {
            error(key, "value " + Range.fmt(d) + " is out of range", range.describe("an integer"));
            return Optional.empty();
        }
        return Optional.of(d.longValue());
    }

    public int intValue(String key, int def, Range range) {
        return (int) integer(key, def, range);
    }

    public double number(String key, double def, Range range) {
        register(key, Tunable.Kind.FLOAT, range, List.of());
        return optNumber(key, range).orElse(def);
    }

    public Optional<Double> optNumber(String key, Range range) {
        Optional<ConfigNode.Scalar> v = scalar(key, range.describe("a number"));
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Object o = v.get().value();
        Double d = asNumber(o);
        if (d == null) {
            error(key, "must be a number, got " + describeValue(o), range.describe("a number"));
            return Optional.empty();
        }
        if (!range.contains(d)) {
            error(key, "value " + o + " is out of range", range.describe("a number"));
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** Durations such as 90, "90s", "30m", "12h", "1h30m", "2d" (a bare number is seconds). */
    public Optional<Duration> optDuration(String key) {
        String allowed = "a positive duration such as 90s, 30m, 12h or 1h30m (a bare number is seconds)";
        Optional<ConfigNode.Scalar> v = scalar(key, allowed);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Object o = v.get().value();
        Optional<Duration> d = parseDuration(String.valueOf(o));
        if (d.isEmpty() || d.get().isNegative() || d.get().isZero()) {
            error(key, "'" + o + "' is not a positive duration", allowed);
            return Optional.empty();
        }
        return d;
    }

    public Duration duration(String key, Duration def) {
        return optDuration(key).orElse(def);
    }

    public static Optional<Duration> parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        Double bare = asNumber(s);
        if (bare != null) {
            return Optional.of(Duration.ofMillis(Math.round(bare * 1000)));
        }
        Matcher m = DURATION.matcher(s);
        int pos = 0;
        double ms = 0;
        while (m.find()) {
            if (m.start() != pos && !s.substring(pos, m.start()).isBlank()) {
                return Optional.empty();
            }
            double n = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> n * 86_400_000;
            };
            pos = m.end();
        }
        if (pos == 0 || !s.substring(pos).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.round(ms)));
    }

    static Double asNumber(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                String t = s.trim();
                if (t.isEmpty() || t.equalsIgnoreCase("nan") || t.toLowerCase(Locale.ROOT).contains("infinity")) {
                    return null;
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String describeValue(Object o) {
        return o instanceof String ? "'" + o + "'" : String.valueOf(o);
    }

    private void register(String key, Tunable.Kind kind, Range range, List<String> choices) {
        if (tunableSection != null) {
            shared.tunables.putIfAbsent(key, new Tunable(key, tunableSection, kind, range, List.copyOf(choices)));
        }
    }

    /** Reports the keys of this mapping that no reader asked for, each with the nearest valid key. */
    public void finish() {
        for (String k : node.entries().keySet()) {
            if (!known.contains(k)) {
                String hint = Suggest.nearest(k, known).map(x -> "; did you mean '" + x + "'?").orElse("");
                shared.errors.add(new ConfigError(node.keySource(k), keyPath(k), "unknown key" + hint,
                        known.isEmpty() ? "no keys here" : "keys " + String.join(", ", known)));
            }
        }
    }
}
