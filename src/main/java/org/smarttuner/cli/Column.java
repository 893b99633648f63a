package org.smarttuner.cli;

/**
 * A column of Optuna's CLI records: {@code ("params", "x")} is nested, {@code ("state", "")} is
 * not. Flattened, a nested column is named {@code params_x}.
 */
record Column(String name, String key) implements Comparable<Column> {
    static Column of(String name) {
        return new Column(name, "");
    }

    boolean nested() {
        return !key.isEmpty();
    }

    String flatName() {
        return nested() ? name + "_" + key : name;
    }

    /** Python's order of the {@code (name, key)} tuples. */
    @Override
    public int compareTo(Column o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : key.compareTo(o.key);
    }
}
