package org.smarttuner.cli.bench;

import java.util.Locale;
import java.util.Optional;

/**
 * How many times longer the slower arm took to a target than the faster one. When only the faster
 * arm reached it, the slower arm's whole run is a lower bound of its time, so the ratio is one
 * too ({@code > 2.10x}); when the faster arm did not reach it there is no ratio.
 *
 * @param value      slow / fast, or the lower bound; empty when there is none
 * @param lowerBound whether {@code value} is a lower bound
 * @param text       as printed: "1.85x", "> 2.10x (random never reached it)", "n/a (not reached by ...)"
 */
public record Ratio(Optional<Double> value, boolean lowerBound, String text) {

    /**
     * slow / fast.
     *
     * @param slowTotal the slow arm's whole run, used when it did not reach the target
     * @param fastName  the faster arm as the "not reached by" note names it
     * @param slowName  the slower arm as the lower bound's note names it
     */
    public static Ratio of(Optional<Double> slow, Optional<Double> fast, double slowTotal, String fastName,
            String slowName) {
        if (fast.isEmpty()) {
            return new Ratio(Optional.empty(), false, "n/a (not reached by " + fastName + ")");
        }
        if (slow.isEmpty()) {
            double bound = slowTotal / fast.get();
            return new Ratio(Optional.of(bound), true,
                    String.format(Locale.ROOT, "> %.2fx (%s never reached it)", bound, slowName));
        }
        double r = slow.get() / fast.get();
        return new Ratio(Optional.of(r), false, String.format(Locale.ROOT, "%.2fx", r));
    }
}
