"""Reference MCD-DTW (dB) for MelCepstralDistortionTest, from numpy, scipy and librosa.

Usage: mcd_reference.py COEFFICIENTS PREDICTED REFERENCE [COEFFICIENTS PREDICTED REFERENCE ...]

Each file is a log-mel spectrogram of shape (n_mels, frames): a .npy array, or a .json nested
list. Values are read as float32, as the Java side holds them. For each triple prints one line,
"MCD PATH_LENGTH", the MCD with all the digits a double has.

Cepstra: scipy.fft.dct(type=2) over the N bands divided by 2N (the real cepstrum's scale),
coefficients 1..K (c0 dropped).
Local cost: (10 / ln 10) * sqrt(2 * sum_k (c_k - c'_k)^2). Path: librosa.sequence.dtw(C=cost)
with its default steps and weights. MCD: mean cost over the path's cells.
"""
import json
import sys

import librosa
import numpy as np
import scipy.fft


def load(path):
    if path.endswith(".npy"):
        mel = np.load(path)
    else:
        with open(path, encoding="utf-8") as f:
            mel = np.array(json.load(f), dtype=np.float32)
    if mel.ndim != 2:
        raise SystemExit(f"{path}: expected a (n_mels, frames) array, got shape {mel.shape}")
    return mel.astype(np.float32).astype(np.float64)


def cepstra(mel, k):
    n = mel.shape[0]
    return scipy.fft.dct(mel, type=2, axis=0)[1 : k + 1] / (2.0 * n)  # (k, frames)


def mcd_dtw(predicted, reference, k):
    a, b = cepstra(predicted, k), cepstra(reference, k)
    diff = a[:, :, None] - b[:, None, :]
    cost = (10.0 / np.log(10.0)) * np.sqrt(2.0 * np.sum(diff * diff, axis=0))
    _, wp = librosa.sequence.dtw(C=cost)
    return float(np.mean(cost[wp[:, 0], wp[:, 1]])), len(wp)


def main(argv):
    if not argv or len(argv) % 3 != 0:
        raise SystemExit(__doc__)
    for k, p, r in zip(argv[0::3], argv[1::3], argv[2::3]):
        mcd, length = mcd_dtw(load(p), load(r), int(k))
        print(repr(mcd), length)


if __name__ == "__main__":
    main(sys.argv[1:])
