"""Holds a lock on an SQLite file, as an outside writer would, until a line comes on stdin.

Usage: hold_lock_until.py FILE immediate|exclusive
  immediate: an open write transaction (in WAL mode readers go on, writers wait)
  exclusive: in rollback-journal mode (Optuna's default) readers wait too
Prints "locked" once it holds the lock, "released" after.
"""
import sqlite3
import sys

con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("BEGIN " + {"immediate": "IMMEDIATE", "exclusive": "EXCLUSIVE"}[sys.argv[2]])
print("locked", flush=True)
sys.stdin.readline()
con.execute("COMMIT")
print("released", flush=True)
