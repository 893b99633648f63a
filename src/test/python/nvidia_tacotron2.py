"""NVIDIA's Tacotron2 in PyTorch, with NVIDIA's module structure and parameter names (github.com/NVIDIA/tacotron2,
model.py and layers.py), written here from the published architecture, for the interoperability tests: a
state_dict this module accepts with load_state_dict(strict=True) is one NVIDIA's code accepts.

    python nvidia_tacotron2.py make  --preset small --out DIR [--legacy] [--seed N]
        random weights (batch-norm statistics too), saved as NVIDIA's checkpoint DIR/nvidia.pt (with an Adam
        state, as train.py saves it), DIR/nvidia.safetensors and DIR/bare.pt (a bare state_dict); a fixed
        batch and this module's teacher-forced outputs (dropout off) in DIR/io.pt
    python nvidia_tacotron2.py load  --weights FILE
        loads FILE strictly into the module its shapes give and runs it on a random batch; prints one JSON line
    python nvidia_tacotron2.py check --weights FILE --io DIR/io.pt [--tolerance 1e-4]
        loads FILE strictly (torch.load(weights_only=True) or safetensors) and compares its outputs on the
        batch with those in io.pt; prints one JSON line, exit 1 beyond the tolerance
"""
import argparse
import json
import math
import sys

import torch
from torch import nn
from torch.nn import functional as F

PRESETS = {
    "small": dict(symbols_embedding_dim=128, encoder_n_convolutions=3, encoder_kernel_size=5,
                  encoder_embedding_dim=128, attention_rnn_dim=256, attention_dim=64,
                  attention_location_n_filters=16, attention_location_kernel_size=15, decoder_rnn_dim=256,
                  prenet_dim=64, postnet_embedding_dim=128, postnet_kernel_size=5, postnet_n_convolutions=5),
    "full": dict(symbols_embedding_dim=512, encoder_n_convolutions=3, encoder_kernel_size=5,
                 encoder_embedding_dim=512, attention_rnn_dim=1024, attention_dim=128,
                 attention_location_n_filters=32, attention_location_kernel_size=31, decoder_rnn_dim=1024,
                 prenet_dim=256, postnet_embedding_dim=512, postnet_kernel_size=5, postnet_n_convolutions=5),
}


class LinearNorm(nn.Module):
    def __init__(self, i, o, bias=True, gain="linear"):
        super().__init__()
        self.linear_layer = nn.Linear(i, o, bias=bias)
        nn.init.xavier_uniform_(self.linear_layer.weight, gain=nn.init.calculate_gain(gain))

    def forward(self, x):
        return self.linear_layer(x)


class ConvNorm(nn.Module):
    def __init__(self, i, o, k=1, bias=True, gain="linear"):
        super().__init__()
        self.conv = nn.Conv1d(i, o, k, padding=(k - 1) // 2, bias=bias)
        nn.init.xavier_uniform_(self.conv.weight, gain=nn.init.calculate_gain(gain))

    def forward(self, x):
        return self.conv(x)


class LocationLayer(nn.Module):
    def __init__(self, filters, kernel, attention_dim):
        super().__init__()
        self.location_conv = ConvNorm(2, filters, kernel, bias=False)
        self.location_dense = LinearNorm(filters, attention_dim, bias=False, gain="tanh")

    def forward(self, w):
        return self.location_dense(self.location_conv(w).transpose(1, 2))


class Attention(nn.Module):
    def __init__(self, rnn_dim, embedding_dim, attention_dim, filters, kernel):
        super().__init__()
        self.query_layer = LinearNorm(rnn_dim, attention_dim, bias=False, gain="tanh")
        self.memory_layer = LinearNorm(embedding_dim, attention_dim, bias=False, gain="tanh")
        self.v = LinearNorm(attention_dim, 1, bias=False)
        self.location_layer = LocationLayer(filters, kernel, attention_dim)

    def forward(self, query, memory, processed_memory, weights_cat, mask):
        energies = self.v(torch.tanh(self.query_layer(query.unsqueeze(1)) + self.location_layer(weights_cat)
                                     + processed_memory)).squeeze(-1)
        if mask is not None:
            energies = energies.masked_fill(mask, -float("inf"))
        w = F.softmax(energies, dim=1)
        return torch.bmm(w.unsqueeze(1), memory).squeeze(1), w


class Prenet(nn.Module):
    def __init__(self, i, sizes, dropout):
        super().__init__()
        dims = [i] + sizes[:-1]
        self.layers = nn.ModuleList([LinearNorm(a, b, bias=False) for a, b in zip(dims, sizes)])
        self.dropout = dropout

    def forward(self, x):
        for layer in self.layers:
            x = F.dropout(F.relu(layer(x)), p=self.dropout, training=True)  # on at inference too, as NVIDIA's
        return x


class Postnet(nn.Module):
    def __init__(self, n_mels, h):
        super().__init__()
        n = h["postnet_n_convolutions"]
        self.convolutions = nn.ModuleList()
        for k in range(n):
            i = n_mels if k == 0 else h["postnet_embedding_dim"]
            o = n_mels if k == n - 1 else h["postnet_embedding_dim"]
            self.convolutions.append(nn.Sequential(
                ConvNorm(i, o, h["postnet_kernel_size"], gain="linear" if k == n - 1 else "tanh"),
                nn.BatchNorm1d(o)))

    def forward(self, x):
        for k, c in enumerate(self.convolutions):
            x = c(x)
            if k < len(self.convolutions) - 1:
                x = torch.tanh(x)
            x = F.dropout(x, 0.5, self.training)
        return x


class Encoder(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.convolutions = nn.ModuleList()
        for k in range(h["encoder_n_convolutions"]):
            i = h["symbols_embedding_dim"] if k == 0 else h["encoder_embedding_dim"]
            self.convolutions.append(nn.Sequential(
                ConvNorm(i, h["encoder_embedding_dim"], h["encoder_kernel_size"], gain="relu"),
                nn.BatchNorm1d(h["encoder_embedding_dim"])))
        self.lstm = nn.LSTM(h["encoder_embedding_dim"], h["encoder_embedding_dim"] // 2, 1, batch_first=True,
                            bidirectional=True)

    def forward(self, x, lengths):
        for c in self.convolutions:
            x = F.dropout(F.relu(c(x)), 0.5, self.training)
        x = nn.utils.rnn.pack_padded_sequence(x.transpose(1, 2), lengths.cpu(), batch_first=True)
        out, _ = self.lstm(x)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        return out


class Decoder(nn.Module):
    def __init__(self, n_mels, h, prenet_dropout, p_attention_dropout, p_decoder_dropout):
        super().__init__()
        self.n_mels, self.h = n_mels, h
        self.p_attention_dropout, self.p_decoder_dropout = p_attention_dropout, p_decoder_dropout
        enc = h["encoder_embedding_dim"]
        self.prenet = Prenet(n_mels, [h["prenet_dim"], h["prenet_dim"]], prenet_dropout)
        self.attention_rnn = nn.LSTMCell(h["prenet_dim"] + enc, h["attention_rnn_dim"])
        self.attention_layer = Attention(h["attention_rnn_dim"], enc, h["attention_dim"],
                                         h["attention_location_n_filters"], h["attention_location_kernel_size"])
        self.decoder_rnn = nn.LSTMCell(h["attention_rnn_dim"] + enc, h["decoder_rnn_dim"], 1)
        self.linear_projection = LinearNorm(h["decoder_rnn_dim"] + enc, n_mels)
        self.gate_layer = LinearNorm(h["decoder_rnn_dim"] + enc, 1, bias=True, gain="sigmoid")

    def forward(self, memory, mels, lengths):
        h = self.h
        b, t, _ = memory.shape
        mask = ~(torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1))
        go = memory.new_zeros(1, b, self.n_mels)
        inputs = self.prenet(torch.cat((go, mels.permute(2, 0, 1)[:-1]), dim=0))
        att_h = memory.new_zeros(b, h["attention_rnn_dim"])
        att_c = memory.new_zeros(b, h["attention_rnn_dim"])
        dec_h = memory.new_zeros(b, h["decoder_rnn_dim"])
        dec_c = memory.new_zeros(b, h["decoder_rnn_dim"])
        w = memory.new_zeros(b, t)
        w_cum = memory.new_zeros(b, t)
        ctx = memory.new_zeros(b, h["encoder_embedding_dim"])
        processed = self.attention_layer.memory_layer(memory)
        mels_out, gates, aligns = [], [], []
        for s in range(inputs.size(0)):
            att_h, att_c = self.attention_rnn(torch.cat((inputs[s], ctx), -1), (att_h, att_c))
            att_h = F.dropout(att_h, self.p_attention_dropout, self.training)
            ctx, w = self.attention_layer(att_h, memory, processed, torch.cat((w.unsqueeze(1), w_cum.unsqueeze(1)), 1),
                                          mask)
            w_cum = w_cum + w
            dec_h, dec_c = self.decoder_rnn(torch.cat((att_h, ctx), -1), (dec_h, dec_c))
            dec_h = F.dropout(dec_h, self.p_decoder_dropout, self.training)
            both = torch.cat((dec_h, ctx), dim=1)
            mels_out.append(self.linear_projection(both))
            gates.append(self.gate_layer(both))
            aligns.append(w)
        return torch.stack(mels_out, 2), torch.cat(gates, 1), torch.stack(aligns, 1)


class Tacotron2(nn.Module):
    def __init__(self, h, n_symbols=148, n_mels=80, prenet_dropout=0.5, p_attention_dropout=0.1,
                 p_decoder_dropout=0.1):
        super().__init__()
        self.embedding = nn.Embedding(n_symbols, h["symbols_embedding_dim"])
        std = math.sqrt(2.0 / (n_symbols + h["symbols_embedding_dim"]))
        self.embedding.weight.data.uniform_(-math.sqrt(3.0) * std, math.sqrt(3.0) * std)
        self.encoder = Encoder(h)
        self.decoder = Decoder(n_mels, h, prenet_dropout, p_attention_dropout, p_decoder_dropout)
        self.postnet = Postnet(n_mels, h)

    def forward(self, text, text_lengths, mels):
        memory = self.encoder(self.embedding(text).transpose(1, 2), text_lengths)
        mel, gate, alignments = self.decoder(memory, mels, text_lengths)
        return mel, mel + self.postnet(mel), gate, alignments


def sizes_of(state):
    """The preset dict from a state_dict's shapes (so `check` needs no preset)."""
    g = lambda k: state[k].shape
    return dict(symbols_embedding_dim=g("embedding.weight")[1],
                encoder_n_convolutions=sum(1 for k in state if k.endswith(".0.conv.weight") and k.startswith("encoder.")),
                encoder_kernel_size=g("encoder.convolutions.0.0.conv.weight")[2],
                encoder_embedding_dim=g("encoder.convolutions.0.0.conv.weight")[0],
                attention_rnn_dim=g("decoder.attention_rnn.weight_hh")[1],
                attention_dim=g("decoder.attention_layer.query_layer.linear_layer.weight")[0],
                attention_location_n_filters=g("decoder.attention_layer.location_layer.location_conv.conv.weight")[0],
                attention_location_kernel_size=g("decoder.attention_layer.location_layer.location_conv.conv.weight")[2],
                decoder_rnn_dim=g("decoder.decoder_rnn.weight_hh")[1], prenet_dim=g("decoder.prenet.layers.0.linear_layer.weight")[0],
                postnet_embedding_dim=g("postnet.convolutions.0.0.conv.weight")[0],
                postnet_kernel_size=g("postnet.convolutions.0.0.conv.weight")[2],
                postnet_n_convolutions=sum(1 for k in state if k.startswith("postnet.") and k.endswith(".0.conv.weight")))


def deterministic(h, n_symbols, n_mels):
    """The module with every dropout off (prenet's too), in eval mode: what the equivalence tests compare."""
    m = Tacotron2(h, n_symbols, n_mels, prenet_dropout=0.0, p_attention_dropout=0.0, p_decoder_dropout=0.0)
    return m.eval()


def make(a):
    import os
    torch.manual_seed(a.seed)
    h = PRESETS[a.preset]
    m = deterministic(h, a.symbols, a.mels)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm1d):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.3, 0.3)
                mod.running_var.uniform_(0.5, 2.0)
                mod.num_batches_tracked.fill_(17)
        for cell in (m.decoder.attention_rnn, m.decoder.decoder_rnn):
            cell.bias_hh.uniform_(-0.3, 0.3)
    g = torch.Generator().manual_seed(a.seed + 1)
    text = torch.randint(1, 64, (a.batch, a.tokens), generator=g)  # the symbols both sides share
    lengths = torch.full((a.batch,), a.tokens, dtype=torch.long)
    mels = torch.randn(a.batch, a.mels, a.frames, generator=g) * 0.5 - 2.0
    os.makedirs(a.out, exist_ok=True)
    # NVIDIA's train.py checkpoint holds an optimizer that has taken steps: take one, so the file has its tensors
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    out = m(text, lengths, mels)
    (out[0].mean() + out[2].mean()).backward()
    opt.step()
    with torch.no_grad():
        mel, post, gate, align = m(text, lengths, mels)
    ckpt = {"iteration": 1, "state_dict": m.state_dict(), "optimizer": opt.state_dict(), "learning_rate": 1e-3}
    torch.save(ckpt, os.path.join(a.out, "nvidia.pt"), _use_new_zipfile_serialization=not a.legacy)
    torch.save(m.state_dict(), os.path.join(a.out, "bare.pt"))
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in m.state_dict().items()}, os.path.join(a.out, "nvidia.safetensors"))
    torch.save({"text": text, "text_lengths": lengths, "mels": mels, "mel": mel, "mel_postnet": post, "gate": gate,
                "alignments": align}, os.path.join(a.out, "io.pt"))
    print(json.dumps({"parameters": sum(p.numel() for p in m.parameters()), "out": a.out}))


def load_weights(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file
        return load_file(path)
    obj = torch.load(path, map_location="cpu", weights_only=True)
    return obj["state_dict"] if "state_dict" in obj else obj


def check(a):
    state = load_weights(a.weights)
    io = torch.load(a.io, weights_only=True)
    n_mels = state["decoder.linear_projection.linear_layer.bias"].shape[0]
    m = deterministic(sizes_of(state), state["embedding.weight"].shape[0], n_mels)
    m.load_state_dict(state, strict=True)
    with torch.no_grad():
        got = m(io["text"], io["text_lengths"], io["mels"])
    report = {}
    for name, g in zip(["mel", "mel_postnet", "gate", "alignments"], got):
        want = io[name]
        report[name] = float((g - want).abs().max() / want.abs().max().clamp_min(1e-12))
    worst = max(report.values())
    report["ok"] = worst <= a.tolerance
    print(json.dumps(report))
    sys.exit(0 if report["ok"] else 1)


def load(a):
    state = load_weights(a.weights)
    n_mels = state["decoder.linear_projection.linear_layer.bias"].shape[0]
    m = deterministic(sizes_of(state), state["embedding.weight"].shape[0], n_mels)
    m.load_state_dict(state, strict=True)
    text = torch.randint(1, 64, (1, 9))
    with torch.no_grad():
        mel, post, gate, align = m(text, torch.tensor([9]), torch.randn(1, n_mels, 12) - 2)
    finite = all(bool(torch.isfinite(t).all()) for t in (mel, post, gate, align))
    print(json.dumps({"parameters": sum(p.numel() for p in m.parameters()), "tensors": len(state), "finite": finite,
                      "n_symbols": state["embedding.weight"].shape[0], "n_mels": n_mels}))
    sys.exit(0 if finite else 1)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make")
    mk.add_argument("--preset", default="small", choices=sorted(PRESETS))
    mk.add_argument("--out", required=True)
    mk.add_argument("--seed", type=int, default=7)
    mk.add_argument("--symbols", type=int, default=148)
    mk.add_argument("--mels", type=int, default=80)
    mk.add_argument("--batch", type=int, default=2)
    mk.add_argument("--tokens", type=int, default=17)
    mk.add_argument("--frames", type=int, default=23)
    mk.add_argument("--legacy", action="store_true", help="the pre-1.6 single-stream format")
    ld = sub.add_parser("load")
    ld.add_argument("--weights", required=True)
    ck = sub.add_parser("check")
    ck.add_argument("--weights", required=True)
    ck.add_argument("--io", required=True)
    ck.add_argument("--tolerance", type=float, default=1e-4)
    a = p.parse_args()
    torch.set_num_threads(1)
    {"make": make, "load": load, "check": check}[a.cmd](a)


if __name__ == "__main__":
    main()
