/**
 * Free-running voice metrics: what a trial sounds like when it synthesizes on its own, not
 * how well it predicts the next frame under teacher forcing. Pure Java (no DJL, no Spark) so that
 * they are cheap to test and the same on executor and driver.
 *
 * <ul>
 *   <li>{@link org.smarttuner.tts.eval.MelCepstralDistortion}: MCD-DTW in dB against the
 *       recording, checked against numpy/scipy/librosa.</li>
 *   <li>{@link org.smarttuner.tts.eval.StopError}: how far from the recording's length the gate
 *       stopped (1 when it never did).</li>
 *   <li>{@link org.smarttuner.tts.eval.AttentionWalk}: whether attention walks through the text
 *       once, in order, to the end.</li>
 *   <li>{@link org.smarttuner.tts.eval.VoiceMetrics}: their means over an epoch's utterances, or
 *       {@code NONE} when the epoch did not synthesize.</li>
 * </ul>
 */
package org.smarttuner.tts.eval;
