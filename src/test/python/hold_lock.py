"""Holds the write lock of an SQLite file for a while, as an outside writer would.

Usage: hold_lock.py FILE SECONDS   (prints "locked" once it holds the lock, "released" after)
"""
import sqlite3
import sys
import time

con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE version_info SET library_version = library_version")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
print("released", flush=True)
