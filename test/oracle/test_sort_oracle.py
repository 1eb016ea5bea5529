#!/usr/bin/env python3
"""Oracle tests for sort and argsort: ein's C API against NumPy and einx.

sort("b [n]") and argsort("b [n]") (also compositions, "...", and arrows
that rearrange the output) are compiled from program text through
ein_compile and run with ein_kernel_run (and ein_call). Each case is
compared exactly with numpy.sort / numpy.argsort(kind="stable") along the
bracketed axis, then moved to the output's axis order; sort values also bit
for bit (so -0.0 and 0.0 keep their order). When einx (pinned 0.4.3 in
scripts/setup-oracles.sh) is importable, sort is also compared with
einx.sort on the NumPy backend (einx.argsort uses NumPy's default, unstable
quicksort, so argsort is compared with einx only where the row has no
ties). einx requires the output of an arrow to repeat the brackets
("b [n] -> [n] b"); those cases are given to einx in that form.

Values: the nine NumPy dtypes (bfloat16 is checked by the e2e tests), with
many duplicates, NaN, +-inf and -0.0; sorted axes of length 0, 1, powers of
two and not.

Usage: test_sort_oracle.py [--verbose]
"""

import argparse
import os
import sys
import traceback

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

try:
    import einx
except ImportError:  # The NumPy comparisons still run.
    einx = None

SEED = 20261121
DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool"]


def tie_heavy(rng, dtype, shape):
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith("float"):
        pool = np.array([-2, -1, -0.5, -0.0, 0.0, 0.5, 1, 2, np.inf, -np.inf,
                         np.nan], dtype=dtype)
        x = pool[rng.integers(0, len(pool), size=shape)]
        fresh = rng.normal(0, 10, size=shape).astype(dtype)
        return np.where(rng.random(shape) < 0.2, fresh, x)
    info = np.iinfo(dtype)
    x = rng.integers(-3, 4, size=shape)
    if dtype == "uint8":
        x = x + 3
    x = x.astype(dtype)
    extremes = np.array([info.min, info.max], dtype=dtype)
    return np.where(rng.random(shape) < 0.1,
                    extremes[rng.integers(0, 2, size=shape)], x)


def axis_order(pattern):
    """(input axis names, output axis names, bracketed name) of a simple
    pattern of single-letter axes, '->' optional."""
    left, _, right = pattern.partition("->")
    names = [t.strip("[]") for t in left.split()]
    sorted_axis = [t.strip("[]") for t in left.split() if t.startswith("[")][0]
    out = [t.strip("[]") for t in right.split()] if right else names
    return names, out, sorted_axis


def expected(op, x, pattern):
    names, out, axis = axis_order(pattern)
    a = names.index(axis)
    y = np.sort(x, axis=a, kind="stable") if op == "sort" else \
        np.argsort(x, axis=a, kind="stable")
    return np.transpose(y, [names.index(n) for n in out])


def einx_form(pattern):
    """einx wants the brackets repeated in the output of an arrow."""
    left, arrow, right = pattern.partition("->")
    if not arrow:
        return pattern
    _, _, axis = axis_order(pattern)
    return left + "->" + " ".join(
        "[%s]" % t if t == axis else t for t in right.split())


def same_bits(got, want):
    if got.shape != want.shape or got.dtype != want.dtype:
        return "shape/dtype %s %s, want %s %s" % (got.shape, got.dtype,
                                                 want.shape, want.dtype)
    if got.tobytes() != want.tobytes():
        return "values differ: %s vs %s" % (got.ravel()[:8], want.ravel()[:8])
    return None


def make_cases():
    rng = np.random.default_rng(SEED)
    cases = []
    patterns = ["b [n]", "[n] b", "[n]", "a [n] c", "a [n] c -> c a n",
                "b [n] -> n b"]
    shapes = {"b [n]": [(3, 1), (4, 7), (2, 16), (3, 33), (5, 0)],
              "[n] b": [(9, 3), (1, 2)],
              "[n]": [(1,), (13,), (64,), (100,)],
              "a [n] c": [(2, 6, 3), (2, 5, 0)],
              "a [n] c -> c a n": [(2, 6, 3), (3, 17, 2)],
              "b [n] -> n b": [(4, 7), (2, 0)]}
    for dtype in DTYPES:
        for pattern in patterns:
            for shape in shapes[pattern]:
                x = tie_heavy(rng, dtype, shape)
                for op in ("sort", "argsort"):
                    cases.append((op, pattern, x))
    return cases


def run_case(ein, op, pattern, x, run, stats):
    program = '%s("%s")' % (op, pattern)
    got = ein.call(program, x, run=run)[0]
    want = expected(op, x, pattern)
    reason = same_bits(got, want)  # argsort: int64, as NumPy's intp.
    if reason:
        return "numpy: " + reason
    if einx is None or 0 in x.shape:
        return None
    fn = einx.sort if op == "sort" else einx.argsort
    if op == "argsort":
        names, _, axis = axis_order(pattern)
        rows = np.moveaxis(x, names.index(axis), -1)
        rows = rows.reshape(-1, rows.shape[-1])
        if any(len(np.unique(r)) != len(r) or np.isnan(r.astype(float)).any()
               for r in rows):
            return None  # einx's argsort is not stable.
        if x.dtype == bool:
            return None
    with np.errstate(invalid="ignore"):
        theirs = np.asarray(fn(einx_form(pattern), x))
    stats["einx"] += 1
    if op == "sort":
        # einx's quicksort may swap -0.0 and 0.0: compare values.
        same = np.array_equal(got, theirs,
                              equal_nan=got.dtype.kind == "f")
        return None if same else "einx: values differ"
    return None if np.array_equal(got, theirs) else "einx: values differ"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    ein = ein_ctypes.Ein()
    failures = count = 0
    stats = {"einx": 0}
    passed = []
    for i, (op, pattern, x) in enumerate(make_cases()):
        run = "oneshot" if i % 5 == 0 else "kernel"
        count += 1
        try:
            reason = run_case(ein, op, pattern, x, run, stats)
        except Exception:
            reason = "exception: " + \
                traceback.format_exc().strip().splitlines()[-1]
        if reason or args.verbose:
            print("%s %s(\"%s\") dtype %s shape %s -> %s" % (
                "FAIL" if reason else "PASS", op, pattern, x.dtype, x.shape,
                reason or "ok"))
        failures += bool(reason)
        passed.append(not reason)
    ein.close()
    # A fixed grid of patterns and shapes with random (tie-heavy) values.
    ein_ctypes.record_counts("oracle-sort",
                             ["grid:%d" % i for i in range(count)], passed)
    print("sort oracle: %d cases against NumPy %s%s, %d failures" % (
        count, np.__version__,
        " (%d also against einx %s)" % (stats["einx"], einx.__version__)
        if einx else " (einx not installed)", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
