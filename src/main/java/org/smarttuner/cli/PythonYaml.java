package org.smarttuner.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML as PyYAML's {@code yaml.safe_dump} writes it (what Optuna's CLI prints), by SnakeYAML (a
 * port of PyYAML): block style, keys sorted, PyYAML's float text ({@code 1.0e-05}, {@code .inf})
 * and PyYAML's YAML 1.1 resolver, so the same strings are quoted ({@code 'yes'},
 * {@code '0:00:01.5'}, {@code '2026-12-02 04:08:26'}).
 */
final class PythonYaml {
    private PythonYaml() {
    }

    static String write(Object value) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setAllowUnicode(false);
        o.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new PyYamlRepresenter(o), o, new PyYamlResolver())
                .dump(sorted(value));
    }

    /** safe_dump's {@code sort_keys=True}, all the way down; tuples become lists. */
    private static Object sorted(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), sorted(x)));
            return out;
        }
        if (v instanceof PyTuple t) {
            return sorted(t.items());
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return v;
    }

    private static final class PyYamlRepresenter extends Representer {
        PyYamlRepresenter(DumperOptions o) {
            super(o);
            representers.put(Double.class, data -> representScalar(Tag.FLOAT, floatText((Double) data)));
            // PyYAML leaves the style to the emitter: never a literal block, single quotes for line breaks
            representers.put(String.class, data -> {
                String s = (String) data;
                boolean lines = s.indexOf('\n') >= 0 || s.indexOf('\u0085') >= 0 || s.indexOf('\u2028') >= 0
                        || s.indexOf('\u2029') >= 0;
                return representScalar(Tag.STR, s, lines ? DumperOptions.ScalarStyle.SINGLE_QUOTED
                        : DumperOptions.ScalarStyle.PLAIN);
            });
        }

        /** PyYAML's represent_float. */
        private static String floatText(double d) {
            if (Double.isNaN(d)) {
                return ".nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? ".inf" : "-.inf";
            }
            String v = PythonText.floatRepr(d).toLowerCase(java.util.Locale.ROOT);
            return v.indexOf('.') < 0 && v.indexOf('e') >= 0 ? v.replaceFirst("e", ".0e") : v;
        }
    }

    /** PyYAML's implicit resolvers (yaml/resolver.py), which decide what a plain scalar would read back as. */
    private static final class PyYamlResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE"
                    + "|on|On|ON|off|Off|OFF)$"), "yYnNtTfFoO");
            addImplicitResolver(Tag.FLOAT, Pattern.compile("^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
                    + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                    + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"), "-+0123456789.");
            addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)"
                    + "|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"), "-+0123456789");
            addImplicitResolver(Tag.MERGE, Pattern.compile("^(?:<<)$"), "<");
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL|)$"), "~nN\0");
            addImplicitResolver(Tag.TIMESTAMP, Pattern.compile("^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
                    + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
                    + "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"), "0123456789");
            addImplicitResolver(new Tag("tag:yaml.org,2002:value"), Pattern.compile("^(?:=)$"), "=");
            addImplicitResolver(new Tag("tag:yaml.org,2002:yaml"), Pattern.compile("^(?:!|&|\\*)$"), "!&*");
        }
    }
}
