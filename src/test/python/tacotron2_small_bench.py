"""PyTorch eager reference for `smart-tuner bench train`: the same Tacotron2 network, written the way
NVIDIA's reference (github.com/NVIDIA/tacotron2, model.py) writes it, so the two can be timed side by
side. Teacher forcing, Adam, global grad-norm clip; full-length random batch.

    .venv/bin/python src/test/python/tacotron2_small_bench.py --threads 2 --steps 10

Prints median ms/step after warm-up, mel frames/s and peak RSS, like the Java bench.
"""
import argparse
import math
import resource
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F

SMALL = dict(emb=128, enc_convs=3, enc_kernel=5, enc_dim=128, att_rnn=256, att_dim=64, loc_filters=16,
             loc_kernel=15, dec_rnn=256, prenet=64, post_dim=128, post_kernel=5, post_convs=5)
FULL = dict(emb=512, enc_convs=3, enc_kernel=5, enc_dim=512, att_rnn=1024, att_dim=128, loc_filters=32,
            loc_kernel=31, dec_rnn=1024, prenet=256, post_dim=512, post_kernel=5, post_convs=5)


class LinearNorm(nn.Linear):
    def __init__(self, i, o, bias=True, gain="linear"):
        super().__init__(i, o, bias=bias)
        nn.init.xavier_uniform_(self.weight, gain=nn.init.calculate_gain(gain))


class ConvNorm(nn.Conv1d):
    def __init__(self, i, o, k=1, bias=True, gain="linear"):
        super().__init__(i, o, k, padding=(k - 1) // 2, bias=bias)
        nn.init.xavier_uniform_(self.weight, gain=nn.init.calculate_gain(gain))


class Attention(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.query_layer = LinearNorm(h["att_rnn"], h["att_dim"], bias=False, gain="tanh")
        self.memory_layer = LinearNorm(h["enc_dim"], h["att_dim"], bias=False, gain="tanh")
        self.v = LinearNorm(h["att_dim"], 1, bias=False)
        self.location_conv = ConvNorm(2, h["loc_filters"], h["loc_kernel"], bias=False)
        self.location_dense = LinearNorm(h["loc_filters"], h["att_dim"], bias=False, gain="tanh")

    def forward(self, q, memory, processed_memory, cat_weights, mask):
        pq = self.query_layer(q.unsqueeze(1))
        loc = self.location_dense(self.location_conv(cat_weights).transpose(1, 2))
        energies = self.v(torch.tanh(pq + loc + processed_memory)).squeeze(-1)
        energies = energies.masked_fill(mask, -float("inf"))
        w = F.softmax(energies, dim=1)
        return torch.bmm(w.unsqueeze(1), memory).squeeze(1), w


class Tacotron2(nn.Module):
    def __init__(self, h, n_symbols, n_mels):
        super().__init__()
        self.h, self.n_mels = h, n_mels
        self.embedding = nn.Embedding(n_symbols, h["emb"])
        std = math.sqrt(2.0 / (n_symbols + h["emb"]))
        self.embedding.weight.data.uniform_(-math.sqrt(3.0) * std, math.sqrt(3.0) * std)
        convs, i = [], h["emb"]
        for _ in range(h["enc_convs"]):
            convs.append(nn.Sequential(ConvNorm(i, h["enc_dim"], h["enc_kernel"], gain="relu"),
                                       nn.BatchNorm1d(h["enc_dim"])))
            i = h["enc_dim"]
        self.enc_convs = nn.ModuleList(convs)
        self.lstm = nn.LSTM(h["enc_dim"], h["enc_dim"] // 2, 1, batch_first=True, bidirectional=True)
        self.prenet = nn.ModuleList([LinearNorm(n_mels, h["prenet"], bias=False),
                                     LinearNorm(h["prenet"], h["prenet"], bias=False)])
        self.attention_rnn = nn.LSTMCell(h["prenet"] + h["enc_dim"], h["att_rnn"])
        self.attention = Attention(h)
        self.decoder_rnn = nn.LSTMCell(h["att_rnn"] + h["enc_dim"], h["dec_rnn"])
        self.proj = LinearNorm(h["dec_rnn"] + h["enc_dim"], n_mels)
        self.gate = LinearNorm(h["dec_rnn"] + h["enc_dim"], 1, gain="sigmoid")
        post = []
        for k in range(h["post_convs"]):
            i = n_mels if k == 0 else h["post_dim"]
            o = n_mels if k == h["post_convs"] - 1 else h["post_dim"]
            post.append(nn.Sequential(ConvNorm(i, o, h["post_kernel"], gain="linear" if o == n_mels else "tanh"),
                                      nn.BatchNorm1d(o)))
        self.postnet = nn.ModuleList(post)

    def encode(self, text, lengths):
        x = self.embedding(text).transpose(1, 2)
        for c in self.enc_convs:
            x = F.dropout(F.relu(c(x)), 0.5, self.training)
        x = x.transpose(1, 2)
        x = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True)
        out, _ = self.lstm(x)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        return out

    def forward(self, text, lengths, mels):
        h = self.h
        memory = self.encode(text, lengths)
        b, t, _ = memory.shape
        mask = ~(torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1))
        go = memory.new_zeros(1, b, self.n_mels)
        dec_in = torch.cat((go, mels.permute(2, 0, 1)[:-1]), dim=0)
        for layer in self.prenet:
            dec_in = F.dropout(F.relu(layer(dec_in)), 0.5, True)
        att_h = memory.new_zeros(b, h["att_rnn"]); att_c = memory.new_zeros(b, h["att_rnn"])
        dec_h = memory.new_zeros(b, h["dec_rnn"]); dec_c = memory.new_zeros(b, h["dec_rnn"])
        w = memory.new_zeros(b, t); w_cum = memory.new_zeros(b, t)
        ctx = memory.new_zeros(b, h["enc_dim"])
        processed = self.attention.memory_layer(memory)
        mel_out, gate_out, aligns = [], [], []
        for s in range(dec_in.size(0)):
            att_h, att_c = self.attention_rnn(torch.cat((dec_in[s], ctx), -1), (att_h, att_c))
            att_h = F.dropout(att_h, 0.1, self.training)
            cat_w = torch.cat((w.unsqueeze(1), w_cum.unsqueeze(1)), dim=1)
            ctx, w = self.attention(att_h, memory, processed, cat_w, mask)
            w_cum = w_cum + w
            dec_h, dec_c = self.decoder_rnn(torch.cat((att_h, ctx), -1), (dec_h, dec_c))
            dec_h = F.dropout(dec_h, 0.1, self.training)
            dhc = torch.cat((dec_h, ctx), dim=1)
            mel_out.append(self.proj(dhc)); gate_out.append(self.gate(dhc)); aligns.append(w)
        mel = torch.stack(mel_out, 2)
        gate = torch.cat(gate_out, 1)
        x = mel
        for k, c in enumerate(self.postnet):
            x = c(x)
            if k < len(self.postnet) - 1:
                x = torch.tanh(x)
            x = F.dropout(x, 0.5, self.training)
        return mel, mel + x, gate, torch.stack(aligns, 1)


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
    model = Tacotron2(SMALL if a.preset == "small" else FULL, a.symbols, a.mels)
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
