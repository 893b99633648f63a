package org.smarttuner.config;

import java.util.List;
import java.util.function.Function;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in string values, from the environment. {@code
 * $${...}} stays literal. An unset variable without a default is an error at its position.
 */
final class Interpolation {
    private Interpolation() {
    }

    static ConfigNode apply(ConfigNode node, Function<String, String> env, List<ConfigError> errors) {
        if (node instanceof ConfigNode.Scalar s) {
            if (s.value() instanceof String str && str.contains("${")) {
                return new ConfigNode.Scalar(substitute(str, s.source(), env, errors), s.source());
            }
            return s;
        }
        if (node instanceof ConfigNode.Sequence seq) {
            return new ConfigNode.Sequence(seq.items().stream().map(i -> apply(i, env, errors)).toList(),
                    seq.source());
        }
        ConfigNode.Mapping m = (ConfigNode.Mapping) node;
        ConfigNode.Mapping out = new ConfigNode.Mapping(m.source());
        m.entries().forEach((k, v) -> out.put(k, m.keySource(k), apply(v, env, errors)));
        return out;
    }

    static String substitute(String s, Source source, Function<String, String> env, List<ConfigError> errors) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (!s.startsWith("${", i)) {
                out.append(s.charAt(i++));
                continue;
            }
            int end = s.indexOf('}', i);
            if (end < 0) {
                errors.add(new ConfigError(source, "", "unclosed '${' in '" + s + "'", "${NAME} or ${NAME:-default}"));
                return s;
            }
            String expr = s.substring(i + 2, end);
            int dflt = expr.indexOf(":-");
            String name = dflt < 0 ? expr : expr.substring(0, dflt);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                errors.add(new ConfigError(source, "", "'" + name + "' is not an environment variable name",
                        "${NAME} or ${NAME:-default} with NAME of letters, digits and _"));
                return s;
            }
            String value = env.apply(name);
            if (value == null || (dflt >= 0 && value.isEmpty())) {
                if (dflt < 0) {
                    errors.add(new ConfigError(source, "", "environment variable " + name + " is not set",
                            "set " + name + ", or write ${" + name + ":-default}"));
                    return s;
                }
                value = expr.substring(dflt + 2);
            }
            out.append(value);
            i = end + 1;
        }
        return out.toString();
    }
}
