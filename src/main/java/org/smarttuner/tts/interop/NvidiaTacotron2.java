package org.smarttuner.tts.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.smarttuner.tts.model.ModelSettings;

/**
 * The one mapping between NVIDIA's Tacotron2 state_dict (github.com/NVIDIA/tacotron2, model.py) and
 * this project's parameters, used in both directions (warm start and export).
 *
 * <p>Where the layouts differ, and why ours is so (see tts/model):
 * <ul>
 * <li>Decoder LSTM cells: ours fuse the input and hidden weights into one matrix over
 *     [input, h] with one bias, and order the gates [input, forget, output | cell] so one sigmoid
 *     covers three gates; PyTorch's LSTMCell keeps {@code weight_ih}, {@code weight_hh},
 *     {@code bias_ih}, {@code bias_hh} in the order [input, forget, cell, output]. The attention
 *     LSTM's input is NVIDIA's [prenet, context]; ours splits the prenet part off (it is
 *     precomputed for all steps) and puts the context first in the recurrent part
 *     ([context, h]). Reading sums the two biases; writing puts ours in {@code bias_ih} and zeros in
 *     {@code bias_hh} (the same function).</li>
 * <li>The encoder's BiLSTM is two one-way LSTMs with PyTorch's own layout: NVIDIA's
 *     {@code _reverse} half is our backward LSTM.</li>
 * <li>Batch norm: ours {@code gamma/beta} are PyTorch's {@code weight/bias};
 *     {@code num_batches_tracked} is not used (momentum is fixed) and is written as 0.</li>
 * <li>The embedding: our symbols are NVIDIA's first 64 (pad, hyphen, punctuation, letters; no ARPAbet),
 *     with the same ids, so reading takes the file's first rows and writing pads with zero rows up
 *     to NVIDIA's 148.</li>
 * <li>{@code attention.v} is kept as (1, A, 1) here, (1, A) in NVIDIA's {@code v.linear_layer}.</li>
 * </ul>
 * Only one frame per decoder step maps: NVIDIA's gate layer has one output per step.
 */
public final class NvidiaTacotron2 {
    /** NVIDIA's symbol table: pad, punctuation, letters and the ARPAbet phonemes. */
    public static final int NVIDIA_SYMBOLS = 148;
    public static final String EMBEDDING = "embedding.weight";

    private NvidiaTacotron2() {
    }

    /** Whether a state_dict uses NVIDIA's names (rather than ours). */
    public static boolean isNvidia(Map<String, HostTensor> tensors) {
        return tensors.containsKey("decoder.attention_rnn.weight_ih") || tensors.containsKey(EMBEDDING);
    }

    /** One name of NVIDIA's, its expected shape, and the settings its sizes come from. */
    private record Expected(String name, long[] shape, String from) {
    }

    private static List<Expected> expected(ModelSettings s, int nSymbols, int nMels) {
        List<Expected> e = new ArrayList<>();
        int emb = s.symbolsEmbeddingDim();
        int enc = s.encoderEmbeddingDim();
        e.add(new Expected(EMBEDDING, new long[] {nSymbols, emb}, "model.symbols_embedding_dim"));
        for (int i = 0; i < s.encoderNConvolutions(); i++) {
            String p = "encoder.convolutions." + i;
            int in = i == 0 ? emb : enc;
            e.add(new Expected(p + ".0.conv.weight", new long[] {enc, in, s.encoderKernelSize()},
                    "model.encoder_embedding_dim, encoder_kernel_size"));
            e.add(new Expected(p + ".0.conv.bias", new long[] {enc}, "model.encoder_embedding_dim"));
            batchNorm(e, p + ".1", enc, "model.encoder_embedding_dim");
        }
        int half = enc / 2;
        for (String dir : new String[] {"", "_reverse"}) {
            e.add(new Expected("encoder.lstm.weight_ih_l0" + dir, new long[] {4L * half, enc}, "model.encoder_embedding_dim"));
            e.add(new Expected("encoder.lstm.weight_hh_l0" + dir, new long[] {4L * half, half}, "model.encoder_embedding_dim"));
            e.add(new Expected("encoder.lstm.bias_ih_l0" + dir, new long[] {4L * half}, "model.encoder_embedding_dim"));
            e.add(new Expected("encoder.lstm.bias_hh_l0" + dir, new long[] {4L * half}, "model.encoder_embedding_dim"));
        }
        int pre = s.prenetDim();
        e.add(new Expected("decoder.prenet.layers.0.linear_layer.weight", new long[] {pre, (long) nMels * s.nFramesPerStep()},
                "model.prenet_dim, data.audio.n_mels"));
        e.add(new Expected("decoder.prenet.layers.1.linear_layer.weight", new long[] {pre, pre}, "model.prenet_dim"));
        int att = s.attentionRnnDim();
        e.add(new Expected("decoder.attention_rnn.weight_ih", new long[] {4L * att, pre + enc},
                "model.attention_rnn_dim, prenet_dim, encoder_embedding_dim"));
        e.add(new Expected("decoder.attention_rnn.weight_hh", new long[] {4L * att, att}, "model.attention_rnn_dim"));
        e.add(new Expected("decoder.attention_rnn.bias_ih", new long[] {4L * att}, "model.attention_rnn_dim"));
        e.add(new Expected("decoder.attention_rnn.bias_hh", new long[] {4L * att}, "model.attention_rnn_dim"));
        int a = s.attentionDim();
        String al = "decoder.attention_layer.";
        e.add(new Expected(al + "query_layer.linear_layer.weight", new long[] {a, att},
                "model.attention_dim, attention_rnn_dim"));
        e.add(new Expected(al + "memory_layer.linear_layer.weight", new long[] {a, enc},
                "model.attention_dim, encoder_embedding_dim"));
        e.add(new Expected(al + "v.linear_layer.weight", new long[] {1, a}, "model.attention_dim"));
        e.add(new Expected(al + "location_layer.location_conv.conv.weight",
                new long[] {s.attentionLocationNFilters(), 2, s.attentionLocationKernelSize()},
                "model.attention_location_n_filters, attention_location_kernel_size"));
        e.add(new Expected(al + "location_layer.location_dense.linear_layer.weight",
                new long[] {a, s.attentionLocationNFilters()}, "model.attention_dim, attention_location_n_filters"));
        int dec = s.decoderRnnDim();
        e.add(new Expected("decoder.decoder_rnn.weight_ih", new long[] {4L * dec, att + enc},
                "model.decoder_rnn_dim, attention_rnn_dim, encoder_embedding_dim"));
        e.add(new Expected("decoder.decoder_rnn.weight_hh", new long[] {4L * dec, dec}, "model.decoder_rnn_dim"));
        e.add(new Expected("decoder.decoder_rnn.bias_ih", new long[] {4L * dec}, "model.decoder_rnn_dim"));
        e.add(new Expected("decoder.decoder_rnn.bias_hh", new long[] {4L * dec}, "model.decoder_rnn_dim"));
        e.add(new Expected("decoder.linear_projection.linear_layer.weight", new long[] {nMels, dec + enc},
                "data.audio.n_mels, model.decoder_rnn_dim, encoder_embedding_dim"));
        e.add(new Expected("decoder.linear_projection.linear_layer.bias", new long[] {nMels}, "data.audio.n_mels"));
        e.add(new Expected("decoder.gate_layer.linear_layer.weight", new long[] {1, dec + enc},
                "model.decoder_rnn_dim, encoder_embedding_dim"));
        e.add(new Expected("decoder.gate_layer.linear_layer.bias", new long[] {1}, "(one gate output)"));
        int n = s.postnetNConvolutions();
        for (int i = 0; i < n; i++) {
            String p = "postnet.convolutions." + i;
            int in = i == 0 ? nMels : s.postnetEmbeddingDim();
            int out = i == n - 1 ? nMels : s.postnetEmbeddingDim();
            e.add(new Expected(p + ".0.conv.weight", new long[] {out, in, s.postnetKernelSize()},
                    "model.postnet_embedding_dim, postnet_kernel_size, data.audio.n_mels"));
            e.add(new Expected(p + ".0.conv.bias", new long[] {out}, "model.postnet_embedding_dim"));
            batchNorm(e, p + ".1", out, "model.postnet_embedding_dim");
        }
        return e;
    }

    private static void batchNorm(List<Expected> e, String p, int c, String from) {
        for (String k : new String[] {"weight", "bias", "running_mean", "running_var"}) {
            e.add(new Expected(p + "." + k, new long[] {c}, from));
        }
    }

    /** The batch-norm counters PyTorch adds; present or not, never needed. */
    private static boolean optional(String name) {
        return name.endsWith(".num_batches_tracked");
    }

    /**
     * NVIDIA's state_dict in our names and layouts. Names in {@code ignore} are left out (the model
     * initialises them afresh); every other name must be there with its shape, and no other name
     * may be. The embedding may have more rows than ours (NVIDIA's 148): the first rows are ours.
     *
     * @throws CheckpointFormatException naming each missing, unexpected or misshapen key
     */
    public static Map<String, HostTensor> toOurs(String file, Map<String, HostTensor> theirs, ModelSettings s,
            int nSymbols, int nMels, Set<String> ignore) throws CheckpointFormatException {
        if (s.nFramesPerStep() != 1) {
            throw new CheckpointFormatException("NVIDIA's Tacotron2 has one frame per decoder step; model.n_frames_per_step "
                    + "is " + s.nFramesPerStep() + " (set it to 1 to start from " + file + ")");
        }
        List<String> problems = new ArrayList<>();
        Set<String> unknown = new TreeSet<>(theirs.keySet());
        unknown.removeIf(NvidiaTacotron2::optional);
        for (Expected e : expected(s, nSymbols, nMels)) {
            unknown.remove(e.name);
            if (ignore.contains(e.name)) {
                continue;
            }
            HostTensor t = theirs.get(e.name);
            if (t == null) {
                problems.add("missing " + e.name + " (expected shape " + shape(e.shape) + ")");
                continue;
            }
            boolean embeddingPrefix = e.name.equals(EMBEDDING) && t.rank() == 2 && t.dim(0) >= nSymbols
                    && t.dim(1) == e.shape[1];
            if (!t.sameShape(e.shape) && !embeddingPrefix) {
                problems.add(e.name + " has shape " + t.shapeText() + " but " + shape(e.shape) + " is expected (from "
                        + e.from + ")");
            }
        }
        for (String u : unknown) {
            problems.add("unexpected " + u + " " + theirs.get(u).shapeText() + " (not part of NVIDIA's Tacotron2)");
        }
        Set<String> unknownIgnored = new TreeSet<>(ignore);
        expected(s, nSymbols, nMels).forEach(e -> unknownIgnored.remove(e.name));
        for (String u : unknownIgnored) {
            problems.add("training.init_ignore names " + u + ", which NVIDIA's Tacotron2 does not have");
        }
        if (!problems.isEmpty()) {
            throw new CheckpointFormatException(file + " does not fit this model: " + String.join("; ", problems));
        }
        Map<String, HostTensor> ours = new LinkedHashMap<>();
        Get g = name -> ignore.contains(name) ? null : theirs.get(name);
        if (g.get(EMBEDDING) != null) {
            ours.put("encoder.embedding", g.get(EMBEDDING).resizeRows(nSymbols));
        }
        for (int i = 0; i < s.encoderNConvolutions(); i++) {
            convBatchNorm(ours, g, "encoder.conv" + i, "encoder.convolutions." + i);
        }
        for (String[] d : new String[][] {{"forward", ""}, {"backward", "_reverse"}}) {
            for (String k : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
                copy(ours, g, "encoder.lstm." + d[0] + "." + k, "encoder.lstm." + k + "_l0" + d[1]);
            }
        }
        copy(ours, g, "decoder.prenet0.weight", "decoder.prenet.layers.0.linear_layer.weight");
        copy(ours, g, "decoder.prenet1.weight", "decoder.prenet.layers.1.linear_layer.weight");
        int pre = s.prenetDim();
        HostTensor aih = g.get("decoder.attention_rnn.weight_ih");
        HostTensor ahh = g.get("decoder.attention_rnn.weight_hh");
        if (aih != null || ahh != null) {
            requireAll(file, "decoder.attention_rnn.weight_ih and weight_hh", aih, ahh);
            HostTensor ih = swapCellAndOutput(aih);
            ours.put("decoder.attention_rnn.weight_prenet", ih.columns(0, pre));
            ours.put("decoder.attention_rnn.weight_context_hidden",
                    HostTensor.concatColumns(ih.columns(pre, (int) ih.dim(1)), swapCellAndOutput(ahh)));
        }
        bias(ours, g, file, "decoder.attention_rnn.bias", "decoder.attention_rnn");
        HostTensor dih = g.get("decoder.decoder_rnn.weight_ih");
        HostTensor dhh = g.get("decoder.decoder_rnn.weight_hh");
        if (dih != null || dhh != null) {
            requireAll(file, "decoder.decoder_rnn.weight_ih and weight_hh", dih, dhh);
            ours.put("decoder.decoder_rnn.weight",
                    HostTensor.concatColumns(swapCellAndOutput(dih), swapCellAndOutput(dhh)));
        }
        bias(ours, g, file, "decoder.decoder_rnn.bias", "decoder.decoder_rnn");
        String al = "decoder.attention_layer.";
        copy(ours, g, "attention.query.weight", al + "query_layer.linear_layer.weight");
        copy(ours, g, "attention.memory.weight", al + "memory_layer.linear_layer.weight");
        HostTensor v = g.get(al + "v.linear_layer.weight");
        if (v != null) {
            ours.put("attention.v", v.reshape(1, v.dim(1), 1));
        }
        copy(ours, g, "attention.location.conv", al + "location_layer.location_conv.conv.weight");
        copy(ours, g, "attention.location.dense", al + "location_layer.location_dense.linear_layer.weight");
        copy(ours, g, "decoder.mel_projection.weight", "decoder.linear_projection.linear_layer.weight");
        copy(ours, g, "decoder.mel_projection.bias", "decoder.linear_projection.linear_layer.bias");
        copy(ours, g, "decoder.gate.weight", "decoder.gate_layer.linear_layer.weight");
        copy(ours, g, "decoder.gate.bias", "decoder.gate_layer.linear_layer.bias");
        for (int i = 0; i < s.postnetNConvolutions(); i++) {
            convBatchNorm(ours, g, "postnet.conv" + i, "postnet.convolutions." + i);
        }
        return ours;
    }

    private interface Get {
        HostTensor get(String name);
    }

    private static void requireAll(String file, String what, HostTensor... parts) throws CheckpointFormatException {
        for (HostTensor p : parts) {
            if (p == null) {
                throw new CheckpointFormatException(file + ": " + what + " are read together; training.init_ignore "
                        + "names only one of them");
            }
        }
    }

    private static void copy(Map<String, HostTensor> ours, Get g, String our, String theirs) {
        HostTensor t = g.get(theirs);
        if (t != null) {
            ours.put(our, t);
        }
    }

    private static void convBatchNorm(Map<String, HostTensor> ours, Get g, String our, String theirs) {
        copy(ours, g, our + ".conv.weight", theirs + ".0.conv.weight");
        copy(ours, g, our + ".conv.bias", theirs + ".0.conv.bias");
        copy(ours, g, our + ".bn.gamma", theirs + ".1.weight");
        copy(ours, g, our + ".bn.beta", theirs + ".1.bias");
        copy(ours, g, our + ".bn.running_mean", theirs + ".1.running_mean");
        copy(ours, g, our + ".bn.running_var", theirs + ".1.running_var");
    }

    private static void bias(Map<String, HostTensor> ours, Get g, String file, String our, String cell)
            throws CheckpointFormatException {
        HostTensor ih = g.get(cell + ".bias_ih");
        HostTensor hh = g.get(cell + ".bias_hh");
        if (ih != null || hh != null) {
            requireAll(file, cell + ".bias_ih and bias_hh", ih, hh);
            ours.put(our, swapCellAndOutput(ih.plus(hh)));
        }
    }

    /**
     * Swaps the third and fourth quarter of the rows: PyTorch's gate order [i, f, g, o] to ours
     * [i, f, o, g] and back (the swap is its own inverse).
     */
    static HostTensor swapCellAndOutput(HostTensor t) {
        long h = t.dim(0) / 4;
        long row = t.data().length / t.dim(0);
        float[] out = t.data().clone();
        System.arraycopy(t.data(), (int) (3 * h * row), out, (int) (2 * h * row), (int) (h * row));
        System.arraycopy(t.data(), (int) (2 * h * row), out, (int) (3 * h * row), (int) (h * row));
        return new HostTensor(t.shape(), out, false);
    }

    /**
     * Our parameters in NVIDIA's names and layouts, ready for {@code Tacotron2.load_state_dict}
     * (strict): the embedding padded to {@code symbols} rows, {@code num_batches_tracked} added.
     *
     * @param ours every weight and batch-norm statistic of our model, by our names
     */
    public static Map<String, HostTensor> toNvidia(Map<String, HostTensor> ours, ModelSettings s, int nMels,
            int symbols) throws CheckpointFormatException {
        if (s.nFramesPerStep() != 1) {
            throw new CheckpointFormatException("NVIDIA's Tacotron2 has one frame per decoder step; this model has "
                    + "n_frames_per_step " + s.nFramesPerStep() + ", which has no NVIDIA form");
        }
        return inNvidiaNames(ours, s, nMels, symbols, true);
    }

    /**
     * As {@link #toNvidia} for any {@code n_frames_per_step}: NVIDIA's names, with the mel projection
     * giving r frames and the gate r logits a step (and the prenet reading one frame). With r > 1 this is
     * not a file NVIDIA's code loads; it is the layout of the PyTorch Tacotron2 that the Ray Tune arm of
     * {@code bench peer} trains (src/test/python/ray_tune_peer.py), which the loss test compares with ours.
     */
    public static Map<String, HostTensor> toNvidiaNames(Map<String, HostTensor> ours, ModelSettings s, int nMels,
            int symbols) throws CheckpointFormatException {
        return inNvidiaNames(ours, s, nMels, symbols, s.nFramesPerStep() == 1);
    }

    private static Map<String, HostTensor> inNvidiaNames(Map<String, HostTensor> ours, ModelSettings s, int nMels,
            int symbols, boolean nvidiaShapes) throws CheckpointFormatException {
        Set<String> left = new LinkedHashSet<>(ours.keySet());
        Get g = name -> {
            HostTensor t = ours.get(name);
            if (t == null) {
                throw new IllegalArgumentException("the model has no parameter " + name);
            }
            left.remove(name);
            return t;
        };
        Map<String, HostTensor> out = new LinkedHashMap<>();
        HostTensor embedding = g.get("encoder.embedding");
        if (embedding.dim(0) > symbols) {
            throw new CheckpointFormatException("the model has " + embedding.dim(0) + " symbols, more than the "
                    + symbols + " asked for");
        }
        out.put(EMBEDDING, embedding.resizeRows(symbols));
        for (int i = 0; i < s.encoderNConvolutions(); i++) {
            convBatchNormOut(out, g, "encoder.conv" + i, "encoder.convolutions." + i);
        }
        for (String[] d : new String[][] {{"forward", ""}, {"backward", "_reverse"}}) {
            for (String k : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
                out.put("encoder.lstm." + k + "_l0" + d[1], g.get("encoder.lstm." + d[0] + "." + k));
            }
        }
        out.put("decoder.prenet.layers.0.linear_layer.weight", g.get("decoder.prenet0.weight"));
        out.put("decoder.prenet.layers.1.linear_layer.weight", g.get("decoder.prenet1.weight"));
        int enc = s.encoderEmbeddingDim();
        HostTensor ach = g.get("decoder.attention_rnn.weight_context_hidden");
        out.put("decoder.attention_rnn.weight_ih", swapCellAndOutput(HostTensor.concatColumns(
                g.get("decoder.attention_rnn.weight_prenet"), ach.columns(0, enc))));
        out.put("decoder.attention_rnn.weight_hh", swapCellAndOutput(ach.columns(enc, (int) ach.dim(1))));
        HostTensor ab = swapCellAndOutput(g.get("decoder.attention_rnn.bias"));
        out.put("decoder.attention_rnn.bias_ih", ab);
        out.put("decoder.attention_rnn.bias_hh", HostTensor.zeros(ab.shape()));
        String al = "decoder.attention_layer.";
        out.put(al + "query_layer.linear_layer.weight", g.get("attention.query.weight"));
        out.put(al + "memory_layer.linear_layer.weight", g.get("attention.memory.weight"));
        HostTensor v = g.get("attention.v");
        out.put(al + "v.linear_layer.weight", v.reshape(1, v.dim(1)));
        out.put(al + "location_layer.location_conv.conv.weight", g.get("attention.location.conv"));
        out.put(al + "location_layer.location_dense.linear_layer.weight", g.get("attention.location.dense"));
        HostTensor dw = g.get("decoder.decoder_rnn.weight");
        int split = s.attentionRnnDim() + enc;
        out.put("decoder.decoder_rnn.weight_ih", swapCellAndOutput(dw.columns(0, split)));
        out.put("decoder.decoder_rnn.weight_hh", swapCellAndOutput(dw.columns(split, (int) dw.dim(1))));
        HostTensor db = swapCellAndOutput(g.get("decoder.decoder_rnn.bias"));
        out.put("decoder.decoder_rnn.bias_ih", db);
        out.put("decoder.decoder_rnn.bias_hh", HostTensor.zeros(db.shape()));
        out.put("decoder.linear_projection.linear_layer.weight", g.get("decoder.mel_projection.weight"));
        out.put("decoder.linear_projection.linear_layer.bias", g.get("decoder.mel_projection.bias"));
        out.put("decoder.gate_layer.linear_layer.weight", g.get("decoder.gate.weight"));
        out.put("decoder.gate_layer.linear_layer.bias", g.get("decoder.gate.bias"));
        for (int i = 0; i < s.postnetNConvolutions(); i++) {
            convBatchNormOut(out, g, "postnet.conv" + i, "postnet.convolutions." + i);
        }
        if (!left.isEmpty()) {
            throw new CheckpointFormatException("the model has parameters NVIDIA's Tacotron2 has no place for: " + left);
        }
        List<String> problems = new ArrayList<>();
        for (Expected e : nvidiaShapes ? expected(s, symbols, nMels) : List.<Expected>of()) {
            HostTensor t = out.get(e.name);
            if (t == null || !t.sameShape(e.shape)) {
                problems.add(e.name + " " + (t == null ? "missing" : t.shapeText()) + ", expected " + shape(e.shape));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the export does not give NVIDIA's shapes: " + problems);
        }
        return out;
    }

    private static void convBatchNormOut(Map<String, HostTensor> out, Get g, String our, String theirs) {
        out.put(theirs + ".0.conv.weight", g.get(our + ".conv.weight"));
        out.put(theirs + ".0.conv.bias", g.get(our + ".conv.bias"));
        out.put(theirs + ".1.weight", g.get(our + ".bn.gamma"));
        out.put(theirs + ".1.bias", g.get(our + ".bn.beta"));
        out.put(theirs + ".1.running_mean", g.get(our + ".bn.running_mean"));
        out.put(theirs + ".1.running_var", g.get(our + ".bn.running_var"));
        out.put(theirs + ".1.num_batches_tracked", new HostTensor(new long[0], new float[1], true));
    }

    /**
     * The model sizes a file of NVIDIA's names was trained with, by our configuration keys, as far as
     * they can be read from its shapes (for the error when they differ from the model section).
     */
    public static Map<String, Long> sizes(Map<String, HostTensor> theirs) {
        Map<String, Long> m = new LinkedHashMap<>();
        put(m, "model.symbols_embedding_dim", theirs.get(EMBEDDING), 1);
        put(m, "model.encoder_embedding_dim", theirs.get("encoder.convolutions.0.0.conv.weight"), 0);
        put(m, "model.encoder_kernel_size", theirs.get("encoder.convolutions.0.0.conv.weight"), 2);
        long convs = theirs.keySet().stream().filter(k -> k.matches("encoder\\.convolutions\\.\\d+\\.0\\.conv\\.weight")).count();
        if (convs > 0) {
            m.put("model.encoder_n_convolutions", convs);
        }
        put(m, "model.attention_rnn_dim", theirs.get("decoder.attention_rnn.weight_hh"), 1);
        put(m, "model.attention_dim", theirs.get("decoder.attention_layer.query_layer.linear_layer.weight"), 0);
        put(m, "model.attention_location_n_filters",
                theirs.get("decoder.attention_layer.location_layer.location_conv.conv.weight"), 0);
        put(m, "model.attention_location_kernel_size",
                theirs.get("decoder.attention_layer.location_layer.location_conv.conv.weight"), 2);
        put(m, "model.decoder_rnn_dim", theirs.get("decoder.decoder_rnn.weight_hh"), 1);
        put(m, "model.prenet_dim", theirs.get("decoder.prenet.layers.1.linear_layer.weight"), 0);
        put(m, "model.postnet_embedding_dim", theirs.get("postnet.convolutions.0.0.conv.weight"), 0);
        put(m, "model.postnet_kernel_size", theirs.get("postnet.convolutions.0.0.conv.weight"), 2);
        long post = theirs.keySet().stream().filter(k -> k.matches("postnet\\.convolutions\\.\\d+\\.0\\.conv\\.weight")).count();
        if (post > 0) {
            m.put("model.postnet_n_convolutions", post);
        }
        put(m, "data.audio.n_mels", theirs.get("decoder.linear_projection.linear_layer.bias"), 0);
        return m;
    }

    /** Our settings by the same keys as {@link #sizes}. */
    public static Map<String, Long> sizes(ModelSettings s, int nMels) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("model.symbols_embedding_dim", (long) s.symbolsEmbeddingDim());
        m.put("model.encoder_embedding_dim", (long) s.encoderEmbeddingDim());
        m.put("model.encoder_kernel_size", (long) s.encoderKernelSize());
        m.put("model.encoder_n_convolutions", (long) s.encoderNConvolutions());
        m.put("model.attention_rnn_dim", (long) s.attentionRnnDim());
        m.put("model.attention_dim", (long) s.attentionDim());
        m.put("model.attention_location_n_filters", (long) s.attentionLocationNFilters());
        m.put("model.attention_location_kernel_size", (long) s.attentionLocationKernelSize());
        m.put("model.decoder_rnn_dim", (long) s.decoderRnnDim());
        m.put("model.prenet_dim", (long) s.prenetDim());
        m.put("model.postnet_embedding_dim", (long) s.postnetEmbeddingDim());
        m.put("model.postnet_kernel_size", (long) s.postnetKernelSize());
        m.put("model.postnet_n_convolutions", (long) s.postnetNConvolutions());
        m.put("data.audio.n_mels", (long) nMels);
        return m;
    }

    private static void put(Map<String, Long> m, String key, HostTensor t, int axis) {
        if (t != null && t.rank() > axis) {
            m.put(key, t.dim(axis));
        }
    }

    private static String shape(long[] s) {
        return java.util.Arrays.toString(s).replace('[', '(').replace(']', ')');
    }
}
