"""The Ray Tune arm of `smart-tuner bench peer`: the same study as Smart Tuner's, run with Ray Tune's
Tuner, ASHAScheduler and OptunaSearch (TPE), training NVIDIA's Tacotron2 in PyTorch (nvidia_tacotron2.py,
with n_frames_per_step frames a decoder step) on the mel features Smart Tuner computed.

    python ray_tune_peer.py run --data DIR --seed N --budget-seconds S --metric NAME --stop-at VALUE
                                --out FILE --dir DIR [--threads T]
        DIR holds what `smart-tuner bench peer` exports: {train,val}_{text,text_lengths,mel,mel_lengths}.npy
        and config.json (the resolved configuration, with "dataset": n_symbols, n_mels). Writes FILE (JSON):
        the clock's start, every epoch every trial reported (with the driver's time of receipt) and the trials.
    python ray_tune_peer.py loss --data DIR --weights FILE [--guided-attention-weight W] [--gate-positive-weight G]
        Smart Tuner's training loss terms on the first validation batch (sorted by length, as Smart Tuner cuts
        it), every dropout off and batch norm on its running statistics; the weights a state_dict with NVIDIA's
        names. Prints one JSON line. What the equivalence test compares with Smart Tuner's own loss.

What is the same as Smart Tuner's trainer, on purpose (the comparison is of tuners, not of two recipes):
the model sizes and dropouts of the configuration, teacher forcing with the last frame of the previous step
as the prenet's input, the loss (mel and postnet MSE over real frames only, the stop gate's weighted binary
cross-entropy over each utterance's decoder steps with a step labelled "stop" as a whole, guided attention
with each utterance's own lengths), Adam with PyTorch's update, weight decay and eps, the global-norm clip,
the learning-rate schedule, the bucketed batches (shuffle, buckets of 8 batches sorted by length, batches
shuffled), the validation split, the teacher-forced validation loss (mel + postnet + unweighted gate), and
free-running validation (prenet dropout on, the gate threshold, each utterance allowed free_run_max_length
times its recording, the postnet over each utterance's own frames, MCD-DTW over cepstra 1..mcd_coefficients
with librosa's DTW, times the speech-length penalty for val_mcd_sl). What is Ray's own: the scheduler, the
search algorithm, trial processes, reporting and checkpointing (a checkpoint every epoch, as Smart Tuner
writes one per one-epoch segment).
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nvidia_tacotron2 as nv  # noqa: E402

BUCKET_BATCHES = 8  # Smart Tuner's BatchLoader.BUCKET_BATCHES
VOICE_METRICS = ("val_mcd", "val_mcd_sl", "val_stop_error", "val_stop_rate")


# --------------------------------------------------------------------------------------------- data
class Split:
    """One split as exported: padded arrays and lengths, in the exporter's item order."""

    def __init__(self, folder, prefix):
        def load(name):
            path = os.path.join(folder, f"{prefix}_{name}.npy")
            if not os.path.exists(path):
                raise SystemExit(f"{path}: missing (run `smart-tuner bench peer`, which exports the features)")
            return np.load(path)

        self.text = load("text")
        self.text_lengths = load("text_lengths")
        self.mel = load("mel")
        self.mel_lengths = load("mel_lengths")
        n = len(self.text)
        if not (len(self.text_lengths) == len(self.mel) == len(self.mel_lengths) == n) or n == 0:
            raise SystemExit(f"{folder}: the {prefix} arrays disagree on the number of utterances or are empty")

    def __len__(self):
        return len(self.text)

    def by_length(self, items):
        # ties by position, as Smart Tuner's BatchLoader.byLength
        return sorted(items, key=lambda i: (int(self.mel_lengths[i]), i))


def epoch_plan(split, batch_size, rng):
    """Smart Tuner's bucketed plan: shuffle, buckets of 8 batches sorted by length, cut, shuffle the batches."""
    order = list(rng.permutation(len(split)))
    bucket = batch_size * BUCKET_BATCHES
    batches = []
    for start in range(0, len(order), bucket):
        items = split.by_length(order[start:start + bucket])
        batches += [items[k:k + batch_size] for k in range(0, len(items), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def sorted_plan(split, batch_size):
    items = split.by_length(range(len(split)))
    return [items[k:k + batch_size] for k in range(0, len(items), batch_size)]


def make_batch(split, items, r):
    """As Smart Tuner's BatchAssembler: frames padded to a multiple of r; the gate says "stop" on every frame
    of the step holding the last real frame and after it; the gate mask covers each utterance's steps."""
    b = len(items)
    tl = split.text_lengths[items].astype(np.int64)
    ml = split.mel_lengths[items].astype(np.int64)
    t_max, f_max = int(tl.max()), int(ml.max())
    frames = (f_max + r - 1) // r * r
    n_mels = split.mel.shape[1]
    text = np.zeros((b, t_max), np.int64)
    mel = np.zeros((b, n_mels, frames), np.float32)
    gate = np.zeros((b, frames), np.float32)
    mel_mask = np.zeros((b, frames), np.float32)
    gate_mask = np.zeros((b, frames), np.float32)
    for i, k in enumerate(items):
        t, f = int(tl[i]), int(ml[i])
        text[i, :t] = split.text[k, :t]
        mel[i, :, :f] = split.mel[k, :, :f]
        last_step = (f - 1) // r * r
        gate[i, last_step:] = 1
        mel_mask[i, :f] = 1
        gate_mask[i, :min(last_step + r, frames)] = 1
    return dict(text=torch.from_numpy(text), text_lengths=torch.from_numpy(tl), mel=torch.from_numpy(mel),
                mel_lengths=torch.from_numpy(ml), gate=torch.from_numpy(gate), mel_mask=torch.from_numpy(mel_mask),
                gate_mask=torch.from_numpy(gate_mask))


# --------------------------------------------------------------------------------------------- model
class PeerTacotron2(nn.Module):
    """NVIDIA's modules and parameter names, with r frames per decoder step (the mel projection gives r frames
    and the gate r logits a step; the prenet reads the last frame of the previous step) and padded text masked
    in the encoder (zeroed after the embedding and after every convolution, as Smart Tuner's encoder does)."""

    def __init__(self, h, n_symbols, n_mels, r, prenet_dropout, p_attention_dropout, p_decoder_dropout,
                 encoder_dropout=0.5, postnet_dropout=0.5):
        super().__init__()
        self.r, self.n_mels = r, n_mels
        self.encoder_dropout, self.postnet_dropout = encoder_dropout, postnet_dropout
        self.embedding = nn.Embedding(n_symbols, h["symbols_embedding_dim"])
        std = math.sqrt(2.0 / (n_symbols + h["symbols_embedding_dim"]))
        self.embedding.weight.data.uniform_(-math.sqrt(3.0) * std, math.sqrt(3.0) * std)
        self.encoder = nv.Encoder(h)
        self.decoder = nv.Decoder(n_mels, h, prenet_dropout, p_attention_dropout, p_decoder_dropout)
        both = h["decoder_rnn_dim"] + h["encoder_embedding_dim"]
        self.decoder.linear_projection = nv.LinearNorm(both, n_mels * r)
        self.decoder.gate_layer = nv.LinearNorm(both, r, bias=True, gain="sigmoid")
        self.postnet = nv.Postnet(n_mels, h)

    def encode(self, text, lengths):
        mask = (torch.arange(text.size(1)).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(1).float()
        x = self.embedding(text).transpose(1, 2) * mask
        for c in self.encoder.convolutions:
            x = F.dropout(F.relu(c(x)), self.encoder_dropout, self.training) * mask
        x = nn.utils.rnn.pack_padded_sequence(x.transpose(1, 2), lengths.cpu(), batch_first=True,
                                              enforce_sorted=False)
        out, _ = self.encoder.lstm(x)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=text.size(1))
        return out

    def postnet_out(self, mel):
        x = mel
        convs = self.postnet.convolutions
        for k, c in enumerate(convs):
            x = c(x)
            if k < len(convs) - 1:
                x = torch.tanh(x)
            x = F.dropout(x, self.postnet_dropout, self.training)
        return mel + x

    def _start(self, memory, lengths):
        d, h = self.decoder, self.decoder.h
        b, t, _ = memory.shape
        z = memory.new_zeros
        state = dict(att_h=z(b, h["attention_rnn_dim"]), att_c=z(b, h["attention_rnn_dim"]),
                     dec_h=z(b, h["decoder_rnn_dim"]), dec_c=z(b, h["decoder_rnn_dim"]), w=z(b, t), w_cum=z(b, t),
                     ctx=z(b, h["encoder_embedding_dim"]))
        mask = ~(torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1))
        return state, mask, d.attention_layer.memory_layer(memory)

    def _step(self, s, x, memory, processed, mask):
        d = self.decoder
        s["att_h"], s["att_c"] = d.attention_rnn(torch.cat((x, s["ctx"]), -1), (s["att_h"], s["att_c"]))
        s["att_h"] = F.dropout(s["att_h"], d.p_attention_dropout, self.training)
        s["ctx"], s["w"] = d.attention_layer(s["att_h"], memory, processed,
                                             torch.cat((s["w"].unsqueeze(1), s["w_cum"].unsqueeze(1)), 1), mask)
        s["w_cum"] = s["w_cum"] + s["w"]
        s["dec_h"], s["dec_c"] = d.decoder_rnn(torch.cat((s["att_h"], s["ctx"]), -1), (s["dec_h"], s["dec_c"]))
        s["dec_h"] = F.dropout(s["dec_h"], d.p_decoder_dropout, self.training)
        both = torch.cat((s["dec_h"], s["ctx"]), dim=1)
        return d.linear_projection(both), d.gate_layer(both)

    def forward(self, text, text_lengths, mels):
        """Teacher forcing: mel (B, n_mels, F), postnet mel, gate logits (B, F), alignments (B, F / r, T)."""
        r, n = self.r, self.n_mels
        memory = self.encode(text, text_lengths)
        b, _, frames = mels.shape
        steps = frames // r
        grouped = mels.transpose(1, 2).reshape(b, steps, r * n)
        previous = grouped[:, :-1, (r - 1) * n:]
        inputs = self.decoder.prenet(torch.cat((mels.new_zeros(b, 1, n), previous), 1).transpose(0, 1))
        s, mask, processed = self._start(memory, text_lengths)
        mel_out, gates, aligns = [], [], []
        for k in range(steps):
            m, g = self._step(s, inputs[k], memory, processed, mask)
            mel_out.append(m)
            gates.append(g)
            aligns.append(s["w"])
        mel = torch.stack(mel_out, 1).reshape(b, frames, n).transpose(1, 2)
        gate = torch.stack(gates, 1).reshape(b, frames)
        return mel, self.postnet_out(mel), gate, torch.stack(aligns, 1)

    @torch.no_grad()
    def infer(self, text, text_lengths, max_steps, threshold):
        """Free running, batched as Smart Tuner's: row i stops at the first step with any of its r gate
        probabilities above the threshold, or after max_steps[i]; returns per row (postnet mel cut at its end
        (n_mels, frames), stopped, steps)."""
        r, n = self.r, self.n_mels
        memory = self.encode(text, text_lengths)
        b = memory.size(0)
        s, mask, processed = self._start(memory, text_lengths)
        frame = memory.new_zeros(b, n)
        mels, steps, stopped = [], [0] * b, [False] * b
        open_rows, k = b, 0
        while k < max(max_steps) and open_rows > 0:
            m, g = self._step(s, self.decoder.prenet(frame), memory, processed, mask)
            mels.append(m)
            frame = m[:, (r - 1) * n:]
            p = torch.sigmoid(g).max(1).values
            for i in range(b):
                if steps[i]:
                    continue
                if p[i] > threshold:
                    stopped[i], steps[i] = True, k + 1
                    open_rows -= 1
                elif k + 1 >= max_steps[i]:
                    steps[i] = k + 1
                    open_rows -= 1
            k += 1
        mel = torch.stack(mels, 1).reshape(b, k * r, n).transpose(1, 2)
        keep = (torch.arange(k * r).unsqueeze(0) < torch.tensor(steps).unsqueeze(1) * r).unsqueeze(1).float()
        post = self.postnet_out(mel * keep)
        return [(post[i, :, :steps[i] * r].numpy(), stopped[i], steps[i]) for i in range(b)]


# --------------------------------------------------------------------------------------------- loss
def guided_attention(align, text_lengths, mel_lengths, r, sigma):
    b, steps, t = align.shape
    n = text_lengths.double().view(b, 1, 1)
    s = torch.minimum(torch.full_like(mel_lengths, steps), (mel_lengths + r - 1) // r).double().view(b, 1, 1)
    k = torch.arange(t, dtype=torch.float64).view(1, 1, t)
    j = torch.arange(steps, dtype=torch.float64).view(1, steps, 1)
    d = k / n - j / s
    inside = ((k < n) & (j < s)).double()
    w = ((1 - torch.exp(-(d * d) / (2 * sigma * sigma))) * inside).float()
    count = max(1, int((n.view(b) * s.view(b)).sum()))
    return (align * w).sum() / count


def loss_terms(out, batch, r, ga_weight, ga_sigma, gate_weight):
    mel, post, gate, align = out
    mask3 = batch["mel_mask"].unsqueeze(1)
    denom = batch["mel_mask"].sum() * mel.size(1)
    mel_l = ((mel - batch["mel"]) ** 2 * mask3).sum() / denom
    post_l = ((post - batch["mel"]) ** 2 * mask3).sum() / denom
    z, gm = batch["gate"], batch["gate_mask"]
    gate_l = ((gate_weight * z * F.softplus(-gate) + (1 - z) * F.softplus(gate)) * gm).sum() / gm.sum()
    total = mel_l + post_l + gate_l
    ga = guided_attention(align, batch["text_lengths"], batch["mel_lengths"], r, ga_sigma) if ga_weight > 0 \
        else torch.zeros(())
    return dict(total=total + ga_weight * ga, mel=mel_l, postnet=post_l, gate=gate_l, guided=ga)


def mcd_dtw(generated, reference, k):
    import mcd_reference  # librosa's DTW; the same definition as Smart Tuner's, checked by its MCD test
    return mcd_reference.mcd_dtw(generated.astype(np.float64), reference.astype(np.float64), k)[0]


# --------------------------------------------------------------------------------------------- training
def lr_at(t, epoch, step):
    base = t["learning_rate"]
    if t["lr_schedule"] == "constant":
        return base
    if t["lr_schedule"] == "step":
        return base * t["lr_decay_rate"] ** (epoch // t["lr_decay_epochs"])
    w = t["warmup_steps"]
    return base * min(step / w, math.sqrt(w / step))


def settings(config, params):
    """The configuration's model and training sections with a trial's parameters put where they belong."""
    model, training = dict(config["model"]), dict(config["training"])
    for name, value in params.items():
        if name in training:
            training[name] = value
        elif name in model:
            model[name] = value
        else:
            raise SystemExit(f"search_space.{name}: not a model or training setting this trainer knows")
    if training["optimizer"] != "adam":
        raise SystemExit(f"training.optimizer {training['optimizer']}: this peer trainer runs adam only")
    return model, training


def build(config, model_s, seed):
    torch.manual_seed(seed)
    h = {k: model_s[k] for k in nv.PRESETS["small"]}
    ds = config["dataset"]
    return PeerTacotron2(h, ds["n_symbols"], ds["n_mels"], model_s["n_frames_per_step"], model_s["prenet_dropout"],
                         model_s["p_attention_dropout"], model_s["p_decoder_dropout"], model_s["encoder_dropout"],
                         model_s["postnet_dropout"])


def validate(model, val, t, r):
    model.eval()
    sums, n = dict(val_loss=0.0, val_mel_loss=0.0, val_gate_loss=0.0), 0
    with torch.no_grad():
        for items in sorted_plan(val, t["batch_size"]):
            batch = make_batch(val, items, r)
            terms = loss_terms(model(batch["text"], batch["text_lengths"], batch["mel"]), batch, r, 0.0, 1.0, 1.0)
            b = len(items)
            sums["val_loss"] += float(terms["mel"] + terms["postnet"] + terms["gate"]) * b
            sums["val_mel_loss"] += float(terms["mel"]) * b
            sums["val_gate_loss"] += float(terms["gate"]) * b
            n += b
    return {k: v / n for k, v in sums.items()}


def free_run(model, val, t, m, r):
    model.eval()
    wanted = t["free_run_utterances"] or len(val)
    rows = []
    for items in sorted_plan(val, t["batch_size"]):
        if len(rows) >= wanted:
            break
        batch = make_batch(val, items, r)
        limits = [max(1, math.ceil(t["free_run_max_length"] * int(f) / r)) for f in batch["mel_lengths"]]
        spoken = model.infer(batch["text"], batch["text_lengths"], limits, m["gate_threshold"])
        for (mel, stopped, _), k in zip(spoken, items):
            if len(rows) >= wanted:
                break
            ref_frames = int(val.mel_lengths[k])
            ref = val.mel[k, :, :ref_frames]
            mcd = mcd_dtw(mel, ref, t["mcd_coefficients"])
            g = mel.shape[1]
            penalty = max(g, ref_frames) / min(g, ref_frames)
            stop_error = min(1.0, abs(g - ref_frames) / ref_frames) if stopped else 1.0
            rows.append((mcd, mcd * penalty, stop_error, 1.0 if stopped else 0.0))
    means = np.mean(np.array(rows), axis=0)
    return dict(zip(VOICE_METRICS, (float(v) for v in means)))


def train_trial(params, config, data_dir, threads):
    """Ray's function trainable: one trial, reporting every epoch with a checkpoint, resuming from one."""
    from ray import tune
    torch.set_num_threads(threads)
    model_s, t = settings(config, params)
    r = model_s["n_frames_per_step"]
    train, val = Split(data_dir, "train"), Split(data_dir, "val")
    model = build(config, model_s, t["seed"])
    opt = torch.optim.Adam(model.parameters(), lr=t["learning_rate"], betas=(t["adam_beta1"], t["adam_beta2"]),
                           eps=t["adam_epsilon"], weight_decay=t["weight_decay"])
    start_epoch, step = 0, 0
    restored = tune.get_checkpoint()
    if restored:
        with restored.as_directory() as d:
            state = torch.load(os.path.join(d, "trial.pt"), weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        start_epoch, step = state["epoch"], state["step"]
    for epoch in range(start_epoch, t["epochs"]):
        t0 = time.time()
        torch.manual_seed(t["seed"] * 1_000_003 + epoch)
        rng = np.random.default_rng([t["seed"], epoch])
        model.train()
        loss_sum, n = 0.0, 0
        for items in epoch_plan(train, t["batch_size"], rng):
            step += 1
            lr = lr_at(t, epoch, step)
            for g in opt.param_groups:
                g["lr"] = lr
            batch = make_batch(train, items, r)
            terms = loss_terms(model(batch["text"], batch["text_lengths"], batch["mel"]), batch, r,
                               t["guided_attention_weight"], t["guided_attention_sigma"], t["gate_positive_weight"])
            opt.zero_grad(set_to_none=True)
            terms["total"].backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), t["grad_clip_norm"])
            if torch.isfinite(norm):
                opt.step()
            loss_sum += terms["total"].item() * len(items)
            n += len(items)
        train_seconds = time.time() - t0
        metrics = dict(epoch=epoch + 1, train_loss=loss_sum / n, train_seconds=train_seconds)
        metrics.update(validate(model, val, t, r))
        every = t["free_run_every"]
        if every > 0 and (epoch + 1) % every == 0 or epoch + 1 == t["epochs"]:
            metrics.update(free_run(model, val, t, model_s, r))
        else:
            metrics.update({k: None for k in VOICE_METRICS})
        metrics["seconds"] = time.time() - t0
        with tempfile.TemporaryDirectory() as d:
            torch.save(dict(model=model.state_dict(), optimizer=opt.state_dict(), epoch=epoch + 1, step=step),
                       os.path.join(d, "trial.pt"))
            tune.report({k: (float("nan") if v is None else v) for k, v in metrics.items()},
                        checkpoint=tune.Checkpoint.from_directory(d))
        if not math.isfinite(metrics["val_loss"]):
            return


def search_space(config):
    import optuna.distributions as od
    space = {}
    for name, d in config["search_space"].items():
        if d["type"] == "float":
            space[name] = od.FloatDistribution(d["low"], d["high"], log=d.get("log", False), step=d.get("step"))
        elif d["type"] == "int":
            space[name] = od.IntDistribution(d["low"], d["high"], log=d.get("log", False), step=d.get("step", 1))
        elif d["type"] == "categorical":
            space[name] = od.CategoricalDistribution(d["choices"])
        else:
            raise SystemExit(f"search_space.{name}: type {d['type']} has no Optuna distribution here")
    return space


def run(a):
    t_init = time.time()
    import optuna
    import ray
    from ray import tune
    from ray.tune import Callback, Stopper
    from ray.tune.schedulers import ASHAScheduler
    from ray.tune.search.optuna import OptunaSearch

    with open(os.path.join(a.data, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    study, pruner, sampler = config["study"], config["study"]["pruner"], config["study"]["sampler"]
    if pruner["type"] not in ("asha", "successive_halving"):
        raise SystemExit(f"study.pruner.type {pruner['type']}: the Ray arm runs ASHA; give the study an asha pruner")
    if sampler["type"] != "tpe":
        raise SystemExit(f"study.sampler.type {sampler['type']}: the Ray arm runs OptunaSearch with TPE")
    mode = "max" if study["direction"] == "maximize" else "min"
    epochs = config["training"]["epochs"]
    os.makedirs(a.dir, exist_ok=True)
    # One trial at a time on the whole CPU budget, as Smart Tuner's parallelism 1 on local[T].
    ray.init(num_cpus=a.threads, include_dashboard=False, log_to_driver=False, configure_logging=False,
             _temp_dir=os.path.join(tempfile.gettempdir(), f"ray-peer-{os.getpid()}"))
    init_seconds = time.time() - t_init

    epochs_seen, seen = [], {}

    class Record(Callback):
        def on_trial_start(self, iteration, trials, trial, **info):
            seen.setdefault(trial.trial_id, dict(trial=trial.trial_id, params=dict(trial.config), status="RUNNING",
                                                   epochs=0, started=time.time()))

        def on_trial_result(self, iteration, trials, trial, result, **info):
            row = dict(trial=trial.trial_id, ts=time.time())
            for k in ("epoch", "seconds", "train_seconds", "train_loss", "val_loss", "val_mel_loss",
                      "val_gate_loss") + VOICE_METRICS:
                v = result.get(k)
                row[k] = None if v is None or (isinstance(v, float) and math.isnan(v)) else v
            epochs_seen.append(row)
            seen[trial.trial_id]["epochs"] = row["epoch"]

        def on_trial_complete(self, iteration, trials, trial, **info):
            seen[trial.trial_id]["status"] = "TERMINATED"

        def on_trial_error(self, iteration, trials, trial, **info):
            seen[trial.trial_id]["status"] = "ERROR"

    class Target(Stopper):
        """Ends the experiment once an epoch reaches --stop-at (as Smart Tuner's study stops at its target)."""
        reached = False

        def __call__(self, trial_id, result):
            v = result.get(a.metric)
            if v is not None and not math.isnan(v) and (v <= a.stop_at if mode == "min" else v >= a.stop_at):
                Target.reached = True
            return False

        def stop_all(self):
            return Target.reached

    tpe = optuna.samplers.TPESampler(seed=a.seed, n_startup_trials=sampler["n_startup_trials"],
                                     n_ei_candidates=sampler["n_ei_candidates"],
                                     multivariate=sampler["multivariate"])
    search = OptunaSearch(space=search_space(config), metric=a.metric, mode=mode, sampler=tpe)
    asha = ASHAScheduler(time_attr="training_iteration", max_t=epochs, grace_period=pruner["min_resource"],
                         reduction_factor=pruner["reduction_factor"], brackets=1)
    trainable = tune.with_resources(
        tune.with_parameters(train_trial, config=config, data_dir=os.path.abspath(a.data), threads=a.threads),
        {"cpu": a.threads})
    tuner = tune.Tuner(
        trainable,
        tune_config=tune.TuneConfig(metric=a.metric, mode=mode, search_alg=search, scheduler=asha,
                                    num_samples=1_000_000, max_concurrent_trials=1, time_budget_s=a.budget_seconds),
        run_config=tune.RunConfig(name="study", storage_path=os.path.abspath(os.path.join(a.dir, "ray_results")),
                                  stop=Target(), callbacks=[Record()], verbose=0,
                                  checkpoint_config=tune.CheckpointConfig(num_to_keep=1)))
    start = time.time()
    tuner.fit()
    end = time.time()
    order = sorted(seen.values(), key=lambda tr: tr["started"])
    for tr in order:
        tr["pruned"] = tr["status"] == "TERMINATED" and tr["epochs"] < epochs and not any(
            e["trial"] == tr["trial"] and e.get(a.metric) is not None
            and (e[a.metric] <= a.stop_at if mode == "min" else e[a.metric] >= a.stop_at) for e in epochs_seen) \
            and tr["epochs"] in asha_rungs(pruner["min_resource"], pruner["reduction_factor"], epochs)
        del tr["started"]
    result = dict(arm="ray-tune", seed=a.seed, ray_version=ray.__version__, torch_version=torch.__version__,
                  optuna_version=optuna.__version__, threads=a.threads, start=start, init_seconds=init_seconds,
                  end=end, trials=order, epochs=epochs_seen)
    ray.shutdown()
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    os.replace(tmp, a.out)
    print(json.dumps(dict(out=a.out, trials=len(order), epochs=len(epochs_seen), wall=round(end - start, 1))))


def asha_rungs(grace, rf, max_t):
    rungs, k = [], grace
    while k < max_t:
        rungs.append(k)
        k *= rf
    return rungs


def loss(a):
    with open(os.path.join(a.data, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model_s, t = settings(config, {})
    r = model_s["n_frames_per_step"]
    state = nv.load_weights(a.weights)
    ds = config["dataset"]
    model = PeerTacotron2(nv.sizes_of(state), ds["n_symbols"], ds["n_mels"], r, 0.0, 0.0, 0.0, 0.0, 0.0)
    model.load_state_dict(state, strict=True)
    model.eval()
    val = Split(a.data, "val")
    batch = make_batch(val, sorted_plan(val, t["batch_size"])[0], r)
    with torch.no_grad():
        terms = loss_terms(model(batch["text"], batch["text_lengths"], batch["mel"]), batch, r,
                           a.guided_attention_weight, t["guided_attention_sigma"], a.gate_positive_weight)
    print(json.dumps({k: float(v) for k, v in terms.items()}))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    rn = sub.add_parser("run")
    rn.add_argument("--data", required=True)
    rn.add_argument("--seed", type=int, required=True)
    rn.add_argument("--budget-seconds", type=float, required=True)
    rn.add_argument("--metric", required=True)
    rn.add_argument("--stop-at", type=float, required=True)
    rn.add_argument("--out", required=True)
    rn.add_argument("--dir", required=True)
    rn.add_argument("--threads", type=int, default=os.cpu_count())
    ls = sub.add_parser("loss")
    ls.add_argument("--data", required=True)
    ls.add_argument("--weights", required=True)
    ls.add_argument("--guided-attention-weight", type=float, default=1.0)
    ls.add_argument("--gate-positive-weight", type=float, default=5.0)
    a = p.parse_args()
    if a.cmd == "run":
        if a.metric not in ("val_loss", "val_mel_loss", "val_gate_loss", "train_loss") + VOICE_METRICS:
            raise SystemExit(f"--metric {a.metric}: this trainer reports val_loss, val_mel_loss, val_gate_loss, "
                             f"train_loss, {', '.join(VOICE_METRICS)}")
        if not a.budget_seconds > 0 or a.threads < 1:
            raise SystemExit("--budget-seconds must be > 0 and --threads >= 1")
        run(a)
    else:
        torch.set_num_threads(1)
        loss(a)


if __name__ == "__main__":
    main()
