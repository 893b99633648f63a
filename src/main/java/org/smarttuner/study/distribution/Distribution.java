package org.smarttuner.study.distribution;

/**
 * A parameter's domain. Values have an internal representation as in Optuna: a double for
 * float and int parameters, the choice's index for categoricals. That keeps the SQLite
 * mirror byte-compatible with Optuna's {@code trial_params.param_value}.
 */
public sealed interface Distribution permits FloatDistribution, IntDistribution, CategoricalDistribution {

    /** The internal (float) representation of an external value. */
    double toInternal(Object external);

    /** The external value (Double, Long, or the categorical choice) of an internal value. */
    Object toExternal(double internal);

    /** True when the internal value lies in the domain (inside the bounds, on the step grid). */
    boolean contains(double internal);

    /** True when the domain has exactly one value. */
    boolean isSingle();

    /** Optuna's {@code distribution_json}, byte for byte in Optuna's key order. */
    String toJson();
}
