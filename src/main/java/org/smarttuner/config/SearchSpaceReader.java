package org.smarttuner.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.DistributionException;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/**
 * Reads {@code search_space}: each key names a model or training setting and says how to sample
 * it. A list is shorthand for a categorical. The type defaults to the setting's own type, and
 * the range must fit what the setting allows.
 */
final class SearchSpaceReader {
    private SearchSpaceReader() {
    }

    static Map<String, Distribution> read(ConfigReader parent, Map<String, Tunable> tunables) {
        Optional<ConfigNode> node = parent.raw("search_space");
        Source at = parent.sourceOf("search_space");
        if (node.isEmpty() || node.get() instanceof ConfigNode.Mapping m && m.entries().isEmpty()) {
            parent.error("search_space", "the search space is empty: nothing to tune",
                    "at least one parameter, e.g. learning_rate: {type: float, low: 1e-4, high: 1e-2, log: true}");
            return Map.of();
        }
        if (!(node.get() instanceof ConfigNode.Mapping)) {
            parent.error("search_space", "must be a mapping of parameter names, found " + node.get().kindName(),
                    "a mapping such as learning_rate: {type: float, low: 1e-4, high: 1e-2, log: true}");
            return Map.of();
        }
        ConfigReader r = parent.section("search_space");
        Map<String, Distribution> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : r.entries().entrySet()) {
            String name = e.getKey();
            String key = "search_space." + name;
            Tunable t = tunables.get(name);
            if (t == null) {
                String hint = Suggest.nearest(name, tunables.keySet()).map(x -> "; did you mean '" + x + "'?")
                        .orElse("");
                parent.errors().add(new ConfigError(r.keySource(name), key,
                        "'" + name + "' is not a model or training setting" + hint,
                        "a key of the model or training section: " + String.join(", ", tunables.keySet())));
                continue;
            }
            ConfigNode spec = e.getValue();
            if (spec instanceof ConfigNode.Sequence seq) {
                ConfigNode.Mapping m = new ConfigNode.Mapping(seq.source());
                m.put("choices", seq.source(), seq);
                spec = m;
            }
            if (!(spec instanceof ConfigNode.Mapping)) {
                parent.errors().add(new ConfigError(spec.source(), key,
                        "must be a mapping (type, low, high, log, step) or a list of choices, found "
                                + spec.kindName(), "{type: float, low: 1e-4, high: 1e-2, log: true} or [adam, adamw]"));
                continue;
            }
            ConfigReader pr = r.child(name, (ConfigNode.Mapping) spec);
            Distribution d = readOne(pr, t);
            pr.finish();
            if (d != null) {
                out.put(name, d);
            }
        }
        if (out.isEmpty() && parent.errors().stream().noneMatch(x -> x.key().startsWith("search_space"))) {
            parent.errors().add(new ConfigError(at, "search_space", "the search space is empty", "at least one"));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Distribution readOne(ConfigReader r, Tunable t) {
        String defaultType = switch (t.kind()) {
            case INT -> "int";
            case FLOAT -> "float";
            case CHOICE, BOOL -> "categorical";
        };
        String type = r.has("choices") && !r.has("type") ? "categorical"
                : r.choice("type", defaultType, "float", "int", "categorical");
        try {
            return switch (type) {
                case "categorical" -> categorical(r, t);
                case "int" -> numeric(r, t, true);
                default -> numeric(r, t, false);
            };
        } catch (DistributionException e) {
            r.sectionError(e.getMessage(), "a valid " + type + " distribution");
            return null;
        }
    }

    private static Distribution numeric(ConfigReader r, Tunable t, boolean integer) {
        if (t.kind() == Tunable.Kind.CHOICE || t.kind() == Tunable.Kind.BOOL
                || (t.kind() == Tunable.Kind.INT && !integer)) {
            r.error("type", "'" + (integer ? "int" : "float") + "' does not fit " + t.section() + "." + t.name()
                    + ", which takes " + t.describe(), t.kind() == Tunable.Kind.INT ? "int or categorical"
                    : "categorical");
            return null;
        }
        String what = integer ? "an integer" : "a number";
        Optional<Double> low = integer ? r.optInteger("low", Range.ANY).map(Long::doubleValue)
                : r.optNumber("low", Range.ANY);
        Optional<Double> high = integer ? r.optInteger("high", Range.ANY).map(Long::doubleValue)
                : r.optNumber("high", Range.ANY);
        boolean log = r.bool("log", false);
        Optional<Double> step = integer ? r.optInteger("step", Range.atLeast(1)).map(Long::doubleValue)
                : r.optNumber("step", Range.greaterThan(0));
        if (!r.has("low")) {
            r.error("low", "is required", what);
        }
        if (!r.has("high")) {
            r.error("high", "is required", what);
        }
        if (low.isEmpty() || high.isEmpty()) {
            return null;
        }
        boolean bad = false;
        if (low.get() >= high.get()) {
            r.error("low", "low " + Range.fmt(low.get()) + " must be below high " + Range.fmt(high.get()),
                    "low < high");
            bad = true;
        }
        if (log && low.get() <= 0) {
            r.error("log", "a log-scale range needs low > 0, got low " + low.get(), "low > 0 with log: true");
            bad = true;
        }
        if (log && step.isPresent() && (!integer || step.get() != 1)) {
            r.error("step", "step and log cannot be combined", "either log: true or a step");
            bad = true;
        }
        for (String k : new String[] {"low", "high"}) {
            double v = k.equals("low") ? low.get() : high.get();
            if (!t.range().contains(v)) {
                r.error(k, k + " " + Range.fmt(v) + " is outside what " + t.section() + "." + t.name() + " allows",
                        t.describe());
                bad = true;
            }
        }
        if (bad) {
            return null;
        }
        try {
            if (integer) {
                return new IntDistribution(low.get().longValue(), high.get().longValue(), log,
                        step.map(Double::longValue).orElse(1L));
            }
            return new FloatDistribution(low.get(), high.get(), log, step);
        } catch (DistributionException e) {
            r.error(step.isPresent() ? "step" : "low", e.getMessage(), "a step that divides high - low");
            return null;
        }
    }

    private static Distribution categorical(ConfigReader r, Tunable t) {
        Optional<ConfigNode> node = r.raw("choices");
        if (node.isEmpty() || !(node.get() instanceof ConfigNode.Sequence seq)) {
            r.error("choices", node.isEmpty() ? "is required for a categorical parameter"
                    : "must be a list, found " + node.get().kindName(), "a non-empty list such as [adam, adamw]");
            return null;
        }
        if (seq.items().isEmpty()) {
            r.error("choices", "the list of choices is empty", "a non-empty list");
            return null;
        }
        List<Object> choices = new ArrayList<>();
        boolean bad = false;
        for (ConfigNode item : seq.items()) {
            if (!(item instanceof ConfigNode.Scalar s)) {
                r.errors().add(new ConfigError(item.source(), r.path() + ".choices",
                        "a choice must be a string, number or boolean, found " + item.kindName(), t.describe()));
                bad = true;
                continue;
            }
            Object v = s.value();
            String problem = check(v, t);
            if (problem != null) {
                r.errors().add(new ConfigError(item.source(), r.path() + ".choices", problem, t.describe()));
                bad = true;
                continue;
            }
            choices.add(t.kind() == Tunable.Kind.INT ? (Object) ConfigReader.asNumber(v).longValue()
                    : t.kind() == Tunable.Kind.FLOAT ? (Object) ConfigReader.asNumber(v) : v);
        }
        if (bad) {
            return null;
        }
        return new CategoricalDistribution(choices);
    }

    private static String check(Object v, Tunable t) {
        String name = t.section() + "." + t.name();
        return switch (t.kind()) {
            case BOOL -> v instanceof Boolean ? null : "choice " + v + " is not a boolean, which " + name + " takes";
            case CHOICE -> v instanceof String s && t.choices().contains(s) ? null
                    : "choice " + v + " is not a value " + name + " accepts";
            case INT -> {
                Double d = ConfigReader.asNumber(v);
                if (d == null || d != Math.rint(d)) {
                    yield "choice " + v + " is not a whole number, which " + name + " takes";
                }
                yield t.range().contains(d) ? null : "choice " + v + " is outside what " + name + " allows";
            }
            case FLOAT -> {
                Double d = ConfigReader.asNumber(v);
                if (d == null) {
                    yield "choice " + v + " is not a number, which " + name + " takes";
                }
                yield t.range().contains(d) ? null : "choice " + v + " is outside what " + name + " allows";
            }
        };
    }
}
