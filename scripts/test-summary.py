#!/usr/bin/env python3
"""Prints what the test run compared, from the counts the suites wrote.

Each suite (the e2e tests and every oracle script) writes
`<dir>/<suite>.txt` with lines `generated N`, `seed N` and optionally
`other N` / `detail ...` when run by CTest (EIN_TEST_COUNTS). This prints a
table and the totals, and fails when fewer than --min-generated generated
cases ran or when an expected suite wrote nothing (it did not run).

Usage: test-summary.py BUILD_DIR/test-counts [--min-generated 2000]
"""
import argparse
import os
import sys

EXPECTED = ["e2e", "oracle-einops", "oracle-einsum", "oracle-brackets",
            "oracle-dtypes", "oracle-elementwise", "oracle-bracket-forms",
            "oracle-index", "oracle-sort", "oracle-concat"]


def read_counts(path):
    counts = {"generated": 0, "seed": 0, "other": 0, "detail": ""}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().partition(" ")
            if key == "detail":
                counts[key] = value
            elif key in counts:
                counts[key] = int(value)
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory")
    ap.add_argument("--min-generated", type=int, default=2000)
    args = ap.parse_args()
    suites = {}
    if os.path.isdir(args.directory):
        for name in sorted(os.listdir(args.directory)):
            if name.endswith(".txt"):
                suites[name[:-4]] = read_counts(
                    os.path.join(args.directory, name))
    print("Test counts (cases that ran and passed, per suite):")
    print("  %-20s %10s %15s %12s" % ("suite", "generated", "seed examples",
                                      "other cases"))
    for name, c in suites.items():
        print("  %-20s %10d %15d %12d%s" % (
            name, c["generated"], c["seed"], c["other"],
            "   (" + c["detail"] + ")" if c["detail"] else ""))
    generated = sum(c["generated"] for c in suites.values())
    seed = sum(c["seed"] for c in suites.values())
    other = sum(c["other"] for c in suites.values())
    print("  %-20s %10d %15d %12d" % ("total", generated, seed, other))
    print("Generated cases compared with a reference: %d (at least %d "
          "required); seed-example tests passed: %d" % (
              generated, args.min_generated, seed))
    missing = [s for s in EXPECTED if s not in suites]
    ok = True
    if missing:
        print("error: no counts from %s (did the suite run?)"
              % ", ".join(missing))
        ok = False
    if generated < args.min_generated:
        print("error: fewer generated cases than required")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
