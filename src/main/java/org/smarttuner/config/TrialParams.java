package org.smarttuner.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * Applies a trial's sampled parameters to the base model and training settings: the search
 * space names their keys, so a trial is the base configuration with those keys replaced.
 */
final class TrialParams {
    private TrialParams() {
    }

    static <R extends Record> R apply(R base, Map<String, ?> params) {
        RecordComponent[] comps = base.getClass().getRecordComponents();
        Object[] values = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        boolean changed = false;
        try {
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
                values[i] = comps[i].getAccessor().invoke(base);
                String key = ConfigPrinter.snake(comps[i].getName());
                if (params.containsKey(key)) {
                    values[i] = convert(key, params.get(key), types[i]);
                    changed = true;
                }
            }
            if (!changed) {
                return base;
            }
            @SuppressWarnings("unchecked")
            Constructor<R> ctor = (Constructor<R>) base.getClass().getDeclaredConstructor(types);
            return ctor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot apply trial parameters to " + base.getClass().getSimpleName(), e);
        }
    }

    private static Object convert(String key, Object v, Class<?> type) {
        if (type == int.class && v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return (int) n.longValue();
        }
        if (type == long.class && v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (type == double.class && v instanceof Number n) {
            return n.doubleValue();
        }
        if (type == boolean.class && v instanceof Boolean b) {
            return b;
        }
        if (type == String.class && v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("trial parameter " + key + "=" + v + " does not fit its setting ("
                + type.getSimpleName() + ")");
    }
}
