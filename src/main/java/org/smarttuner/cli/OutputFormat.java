package org.smarttuner.cli;

/** Optuna's {@code -f/--format} choices for the ask/tell CLI. */
enum OutputFormat { json, table, yaml, value }
