"""Prints how Python and PyYAML write the values in a JSON input file, for PythonFormatsTest.

Usage: python_formats.py INPUT.json
INPUT: {"floats": ["0x1.8p1", ...] (Java's hex), "micros": [n, ...], "strings": [...], "nested": any}
Output (JSON, ASCII): repr of each float, str(timedelta) of each micros, repr of each string,
str(nested), json.dumps(doc), yaml.safe_dump(doc), where doc = {"fNN": float, "sNN": string, "nested": nested}.
"""
import datetime
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    given = json.load(f)
floats = [float.fromhex(h) for h in given["floats"]]
doc = {"f%04d" % i: v for i, v in enumerate(floats)}
doc.update({"s%04d" % i: s for i, s in enumerate(given["strings"])})
doc["nested"] = given["nested"]
print(json.dumps({
    "repr": [repr(v) for v in floats],
    "timedelta": [str(datetime.timedelta(microseconds=n)) for n in given["micros"]],
    "string_repr": [repr(s) for s in given["strings"]],
    "nested_str": str(given["nested"]),
    "json": json.dumps(doc),
    "yaml": yaml.safe_dump(doc),
}))
