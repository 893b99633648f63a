"""Loads .npy files with numpy and prints what numpy sees, as JSON.

Usage: npy_info.py FILE [FILE...]
Prints {FILE: {"shape": [...], "dtype": "float32", "fortran_order": false, "finite": true}, ...}.
"""
import json
import sys

import numpy as np

out = {}
for path in sys.argv[1:]:
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
print(json.dumps(out))
