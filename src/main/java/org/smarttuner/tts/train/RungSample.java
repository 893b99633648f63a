package org.smarttuner.tts.train;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;
import org.smarttuner.tts.audio.MelFrames;

/**
 * What a segment's last epoch looked like on the first validation utterance, for people to look at:
 * the teacher-forced alignment, and, spoken from the text alone, the free-running alignment and
 * postnet mel (from the free-running validation every segment end runs anyway, so it costs nothing
 * to keep). Small: a few hundred decoder steps by the text's tokens, and the mel of one utterance.
 *
 * @param epoch          the epoch (1-based, completed epochs) it was taken at
 * @param alignment      teacher-forced alignment [decoder step][token]
 * @param freeAlignment  free-running alignment [decoder step][token]; null when free-running did not run
 * @param freeMel        free-running postnet log-mel (frames by n_mels); null when free-running did not run
 */
public record RungSample(int epoch, float[][] alignment, float[][] freeAlignment, float[] freeMel, int nMels,
                         int frames) implements Serializable {
    private static final long serialVersionUID = 1L;

    public RungSample {
        Objects.requireNonNull(alignment, "alignment");
        if (epoch < 1) {
            throw new IllegalArgumentException("a rung sample is taken after an epoch (>= 1), got " + epoch);
        }
    }

    static RungSample of(int epoch, float[][] alignment, FreeRunValidation.Result free) {
        MelFrames mel = free.sampleMel();
        return new RungSample(epoch, alignment, free.sampleAlignment(), mel == null ? null : mel.mel(),
                mel == null ? 0 : mel.nMels(), mel == null ? 0 : mel.frames());
    }

    /** The free-running postnet mel, when the epoch ran free-running validation. */
    public Optional<MelFrames> spoken() {
        return freeMel == null || frames == 0 ? Optional.empty() : Optional.of(new MelFrames(freeMel, nMels, frames));
    }
}
