"""PyTorch eager reference for `smart-tuner bench train`: the same Tacotron2 network in NVIDIA's module
structure (nvidia_tacotron2.py, the one the equivalence tests compare with), so the two can be timed side
by side. Teacher forcing, Adam, global grad-norm clip; full-length random batch.

    .venv/bin/python src/test/python/tacotron2_small_bench.py --threads 2 --steps 10

Prints median ms/step after warm-up, mel frames/s and peak RSS, like the Java bench.
"""
import argparse
import resource
import statistics
import time

import torch
from torch.nn import functional as F

from nvidia_tacotron2 import PRESETS, Tacotron2

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="small", choices=["small", "full"])
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--tokens", type=int, default=60)
    p.add_argument("--frames", type=int, default=200)
    p.add_argument("--symbols", type=int, default=148)
    p.add_argument("--mels", type=int, default=80)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=None)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1234)
    model = Tacotron2(PRESETS[a.preset], a.symbols, a.mels)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-6, weight_decay=1e-6)
    n_params = sum(p.numel() for p in model.parameters())
    times = []
    for i in range(a.warmup + a.steps):
        g = torch.Generator().manual_seed(i)
        text = torch.randint(1, a.symbols, (a.batch_size, a.tokens), generator=g)
        lengths = torch.full((a.batch_size,), a.tokens, dtype=torch.long)
        mels = torch.randn(a.batch_size, a.mels, a.frames, generator=g) * 0.1 - 4
        gate_t = torch.zeros(a.batch_size, a.frames); gate_t[:, -1] = 1
        t0 = time.perf_counter()
        mel, post, gate, _ = model(text, lengths, mels)
        loss = F.mse_loss(mel, mels) + F.mse_loss(post, mels) + F.binary_cross_entropy_with_logits(gate, gate_t)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ms = (time.perf_counter() - t0) * 1000
        if i >= a.warmup:
            times.append(ms)
    med = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}: preset {a.preset}, {n_params:,} parameters, {torch.get_num_threads()} threads")
    print(f"ms/step median {med:.1f} (min {min(times):.1f}, max {max(times):.1f})")
    print(f"mel frames/s {a.batch_size * a.frames / (med / 1000):.0f}")
    print(f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
