"""PyTorch eager reference for `smart-tuner bench train` and the anchor of jobs/gpu-check.sh: the same
Tacotron2 network in NVIDIA's module structure (nvidia_tacotron2.py, the one the equivalence tests compare
with), so the two can be timed side by side. Teacher forcing, Adam, global grad-norm clip; full-length
random batch (r = 1).

    .venv/bin/python src/test/python/tacotron2_small_bench.py --threads 2 --steps 10
    python3 src/test/python/tacotron2_small_bench.py --device cuda --preset full --batch-size 64,128 \
        --tokens 110 --frames 580 --tf32 on --json anchor.json

Prints median ms/step after warm-up, mel frames/s and peak memory (RSS; on a GPU, the peak allocated by
PyTorch's caching allocator), like the Java bench; --json also writes them, one entry per batch size.
"""
import argparse
import json
import resource
import statistics
import time

import torch
from torch.nn import functional as F

from nvidia_tacotron2 import PRESETS, Tacotron2


def bench(a, batch_size, device):
    torch.manual_seed(1234)
    model = Tacotron2(PRESETS[a.preset], a.symbols, a.mels).to(device)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-6, weight_decay=1e-6)
    n_params = sum(p.numel() for p in model.parameters())
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    for i in range(a.warmup + a.steps):
        g = torch.Generator().manual_seed(i)
        text = torch.randint(1, a.symbols, (batch_size, a.tokens), generator=g).to(device)
        lengths = torch.full((batch_size,), a.tokens, dtype=torch.long).to(device)
        mels = (torch.randn(batch_size, a.mels, a.frames, generator=g) * 0.1 - 4).to(device)
        gate_t = torch.zeros(batch_size, a.frames)
        gate_t[:, -1] = 1
        gate_t = gate_t.to(device)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        t0 = time.perf_counter()
        mel, post, gate, _ = model(text, lengths, mels)
        loss = F.mse_loss(mel, mels) + F.mse_loss(post, mels) + F.binary_cross_entropy_with_logits(gate, gate_t)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        ms = (time.perf_counter() - t0) * 1000
        if i >= a.warmup:
            times.append(ms)
    med = statistics.median(times)
    out = {"preset": a.preset, "batch": batch_size, "tokens": a.tokens, "frames": a.frames, "frames_per_step": 1,
           "parameters": n_params, "ms_per_step_median": round(med, 3), "ms_per_step_min": round(min(times), 3),
           "ms_per_step_max": round(max(times), 3), "mel_frames_per_s": round(batch_size * a.frames / (med / 1000)),
           "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if device.type == "cuda":
        out["gpu_peak_allocated_mib"] = round(torch.cuda.max_memory_allocated(device) / 1048576)
        out["gpu_peak_reserved_mib"] = round(torch.cuda.max_memory_reserved(device) / 1048576)
    del model, opt
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="small", choices=["small", "full"])
    p.add_argument("--batch-size", default="8", help="one size or several, comma-separated")
    p.add_argument("--tokens", type=int, default=60)
    p.add_argument("--frames", type=int, default=200)
    p.add_argument("--symbols", type=int, default=148)
    p.add_argument("--mels", type=int, default=80)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--tf32", choices=["on", "off"], default="on",
                   help="TF32 matmuls and convolutions on Ampere+ GPUs (NVIDIA's A100 figures are TF32)")
    p.add_argument("--json", default=None, help="also write the results to this file")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32 == "on"
        torch.backends.cudnn.allow_tf32 = a.tf32 == "on"
        torch.backends.cudnn.benchmark = True
    results = [bench(a, int(b), device) for b in a.batch_size.split(",")]
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"{torch.get_num_threads()} threads"
    for r in results:
        print(f"pytorch {torch.__version__}: preset {a.preset}, {r['parameters']:,} parameters, {where}"
              + (f", TF32 {a.tf32}" if device.type == "cuda" else ""))
        print(f"batch {r['batch']}: ms/step median {r['ms_per_step_median']:.1f} (min {r['ms_per_step_min']:.1f}, "
              f"max {r['ms_per_step_max']:.1f})")
        print(f"mel frames/s {r['mel_frames_per_s']}")
        print(f"peak RSS {r['peak_rss_mib']} MiB" + (f", GPU peak allocated {r['gpu_peak_allocated_mib']} MiB"
                                                     if "gpu_peak_allocated_mib" in r else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"torch": torch.__version__, "device": where, "tf32": a.tf32 if device.type == "cuda" else None,
                       "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
