package org.smarttuner.cli;

/** Output of the ask/tell CLI commands (Optuna's -f/--format). */
enum OutputFormat { json, table }
