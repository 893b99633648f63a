package org.smarttuner.config;

import java.util.List;

/**
 * A model or training key that a search space may tune, with the type and range the base
 * configuration allows for it. The search space is checked against these, so a typo or an
 * impossible range fails before any trial runs.
 */
public record Tunable(String name, String section, Kind kind, Range range, List<String> choices) {

    public enum Kind { INT, FLOAT, CHOICE, BOOL }

    public String describe() {
        return switch (kind) {
            case INT -> range.describe("an integer");
            case FLOAT -> range.describe("a number");
            case CHOICE -> "one of " + choices;
            case BOOL -> "true or false";
        };
    }
}
