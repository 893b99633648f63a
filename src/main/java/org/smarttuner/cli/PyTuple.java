package org.smarttuner.cli;

import java.util.List;

/**
 * A Python tuple in Optuna's CLI records (a study's directions): a list in JSON and YAML, but
 * {@code ('MINIMIZE',)} where Optuna prints {@code str()} of it (table and value formats).
 */
record PyTuple(List<?> items) {
    PyTuple {
        items = List.copyOf(items);
    }
}
