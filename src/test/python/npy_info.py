"""Loads .npy files with numpy and prints what numpy sees, as JSON.

Usage: npy_info.py [--values] FILE [FILE...]
Prints {FILE: {"shape": [...], "dtype": "float32", "fortran_order": false, "finite": true}, ...};
with --values also "values": the array as nested lists.
"""
import json
import sys

import numpy as np

args = sys.argv[1:]
values = "--values" in args
out = {}
for path in (a for a in args if a != "--values"):
    a = np.load(path, allow_pickle=False)
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        _, fortran, _ = np.lib.format.read_array_header_1_0(f)
    out[path] = {
        "shape": list(a.shape),
        "dtype": str(a.dtype),
        "fortran_order": bool(fortran),
        "version": list(version),
        "finite": bool(np.isfinite(a).all()),
    }
    if values:
        out[path]["values"] = a.tolist()
print(json.dumps(out))
