package org.smarttuner.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.tts.eval.VoiceMetrics;

/** A trial's latest free-running voice metrics as user attributes, and back as a line for people. */
public final class VoiceAttributes {
    static final String EPOCH = "voice_epoch";
    static final String MCD = "val_mcd";
    static final String MCD_SL = "val_mcd_sl";
    static final String STOP_ERROR = "val_stop_error";
    static final String STOP_RATE = "val_stop_rate";
    static final String ATTENTION = "val_attention";

    private VoiceAttributes() {
    }

    static Map<String, Object> of(VoiceMetrics v, int epoch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(EPOCH, epoch);
        m.put(MCD, v.mcd());
        m.put(MCD_SL, v.mcdSl());
        m.put(STOP_ERROR, v.stopError());
        m.put(STOP_RATE, v.stopRate());
        m.put(ATTENTION, v.attention());
        return m;
    }

    /** "mcd 4.12 dB, stopped 94% (stop error 0.081), attention 0.912 at epoch 27", when the trial has them. */
    public static Optional<String> describe(FrozenTrial t) {
        Map<String, Object> a = t.userAttrs();
        if (!(a.get(MCD) instanceof Number mcd) || !(a.get(STOP_RATE) instanceof Number rate)
                || !(a.get(STOP_ERROR) instanceof Number err) || !(a.get(ATTENTION) instanceof Number att)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "mcd %.2f dB, stopped by itself %.0f%% (stop error %.3f), "
                + "attention walk %.3f at epoch %s", mcd.doubleValue(), 100 * rate.doubleValue(), err.doubleValue(),
                att.doubleValue(), a.get(EPOCH)));
    }
}
