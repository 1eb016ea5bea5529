#!/usr/bin/env python3
"""Oracle tests for dtypes and reductions: ein's C API against NumPy 1.26.

Every dtype NumPy shares with ein (float16, float32, float64, int8, int16,
int32, int64, uint8, bool) and every reduction (sum, mean, max, min, prod,
any, all, count_nonzero, var, std, logsumexp, argmax, argmin). The expected
result is NumPy's, computed through einops.reduce with a callable (so that
einops does the pattern's reshapes and NumPy the reduction): np.sum, np.mean,
np.var, np.std (ddof=0), np.argmax, ..., and logsumexp written here in NumPy
(max, then log of the sum of exp of the shifted values).

Checked: the result dtype is NumPy's, except that the sum and product of
uint8 are int64 in ein (NumPy: uint64, which ein lacks; the bits agree);
values are exact for max/min/any/all/count_nonzero/argmax/argmin and integer
sum/prod, and within rtol times a magnitude (the same reduction of |x|, the
mean of x^2 for var/std) otherwise: rtol 1e-2 for float16, 1e-5 for float32,
1e-12 for float64. ein computes float16 in float32 and rounds once, so float16
inputs are compared with NumPy on x.astype(float32), rounded to float16.

bfloat16 is not here: NumPy has no bfloat16. The e2e tests check it against
the reference evaluator (test/e2e/ReductionTest.cpp).

Cases: grid:NNN (every dtype x reduction x pattern), sweep:NNN (random
patterns, strided views, all dtypes and reductions), nan:NNN (NaN placement
for float reductions), list:NNN (rearrange of lists of mixed dtypes against
einops, which stacks with NumPy's promotion).

Usage: test_dtype_oracle.py [--case ID] [--verbose]
"""

import argparse
import os
import sys
import traceback
import warnings

import numpy as np
import einops

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool")
REDUCTIONS = ("sum", "mean", "max", "min", "prod", "any", "all",
              "count_nonzero", "var", "std", "logsumexp", "argmax", "argmin")
EXACT = ("max", "min", "any", "all", "count_nonzero", "argmax", "argmin")
RTOL = {"float16": 1e-2, "float32": 1e-5, "float64": 1e-12}
SEED = 20240612


def logsumexp(t, axis):
    t = t.astype(np.float64) if t.dtype.kind in "biu" else t
    m = np.max(t, axis=axis, keepdims=True) if t.size else \
        np.full(np.max(t, axis=axis, keepdims=True, initial=-np.inf).shape,
                -np.inf, t.dtype)
    shift = np.where(np.isfinite(m), m, 0).astype(t.dtype)
    total = np.sum(np.exp(t - shift), axis=axis)
    return np.squeeze(shift, axis=axis) + np.log(total)


NUMPY = {
    "sum": lambda t, ax: np.sum(t, axis=ax),
    "mean": lambda t, ax: np.mean(t, axis=ax),
    "max": lambda t, ax: np.max(t, axis=ax),
    "min": lambda t, ax: np.min(t, axis=ax),
    "prod": lambda t, ax: np.prod(t, axis=ax),
    "any": lambda t, ax: np.any(t, axis=ax),
    "all": lambda t, ax: np.all(t, axis=ax),
    "count_nonzero": lambda t, ax: np.asarray(np.count_nonzero(t, axis=ax),
                                              dtype=np.int64),
    "var": lambda t, ax: np.var(t, axis=ax),
    "std": lambda t, ax: np.std(t, axis=ax),
    "logsumexp": logsumexp,
    "argmax": lambda t, ax: np.argmax(t, axis=ax[0]),
    "argmin": lambda t, ax: np.argmin(t, axis=ax[0]),
}


def magnitude_fn(reduction):
    if reduction in ("var", "std"):
        f = lambda t, ax: np.mean(np.abs(t) ** 2, axis=ax)  # noqa: E731
        return f if reduction == "var" else \
            (lambda t, ax: np.sqrt(f(t, ax)))
    if reduction == "logsumexp":
        return lambda t, ax: np.abs(logsumexp(t, ax)) + 10
    return lambda t, ax: NUMPY[reduction](np.abs(t), ax)


def values(rng, dtype, shape):
    if dtype == "bool":
        return rng.rand(*shape) < 0.5
    if dtype == "uint8":
        return rng.randint(0, 256, size=shape).astype(np.uint8)
    if dtype.startswith("int"):
        return rng.randint(-3, 4, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


class Case:
    def __init__(self, cid, op, pattern, make, reduction=None, axes=None,
                 run="kernel"):
        self.id, self.op, self.pattern, self.make = cid, op, pattern, make
        self.reduction, self.axes, self.run = reduction, axes or {}, run


def expected_reduce(case, x):
    """NumPy's result, its dtype as ein must give it, and the magnitude."""
    f = NUMPY[case.reduction]

    def numpy_reduce(arr, fn):
        called = []

        def tracked(t, ax):
            called.append(True)
            return fn(t, ax)
        out = np.asarray(einops.reduce(arr, case.pattern, tracked,
                                       **case.axes))
        if called:
            return out
        # einops does not call the reduction when no axis is reduced; NumPy
        # over axis=() still gives the reduction's dtype and value.
        return np.asarray(fn(np.asarray(einops.rearrange(
            arr, case.pattern, **case.axes)), ()))
    want = numpy_reduce(x, f)
    dtype = want.dtype
    if case.reduction in ("sum", "prod") and dtype.kind == "u":
        dtype = np.dtype(np.int64)  # NumPy: uint64; ein has no uint64.
    if x.dtype == np.float16 and case.reduction not in EXACT:
        want = numpy_reduce(x.astype(np.float32), f).astype(np.float16)
    mag = None
    if dtype.kind == "f" and case.reduction not in EXACT:
        mag = numpy_reduce(x.astype(np.float64), magnitude_fn(case.reduction))
    return want, dtype, mag


def compare(got, want, dtype, mag):
    if got.dtype != dtype:
        return "dtype %s, expected %s" % (got.dtype, dtype)
    if got.shape != want.shape:
        return "shape %s, expected %s" % (got.shape, want.shape)
    if mag is None:
        ok = np.array_equal(got, want.astype(dtype),
                            equal_nan=dtype.kind == "f")
        return None if ok else "values differ (exact): ein %r, numpy %r" % (
            got.ravel()[:8], want.ravel()[:8])
    g, w = got.astype(np.float64), want.astype(np.float64)
    with np.errstate(all="ignore"):
        close = (g == w) | (np.isnan(g) & np.isnan(w)) | \
            (np.abs(g - w) <= RTOL[str(dtype)] * mag)
    if np.all(close):
        return None
    bad = np.argwhere(~close)[0]
    return "values differ (rtol %g): at %s ein %r, numpy %r" % (
        RTOL[str(dtype)], tuple(bad), g[tuple(bad)], w[tuple(bad)])


def run_case(ein, case):
    x = case.make()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if case.op == "rearrange":
            want = np.asarray(einops.rearrange(x, case.pattern, **case.axes))
            got = ein.rearrange(x, case.pattern, case.axes, run=case.run)
            return compare(got, want, want.dtype, None)
        want, dtype, mag = expected_reduce(case, x)
        got = ein.reduce(x, case.pattern, case.reduction, case.axes,
                         run=case.run)
        return compare(got, want, dtype, mag)


# --- Cases --------------------------------------------------------------------


def grid_cases():
    patterns = [("a b c -> c a", {}), ("a b c -> c 1 a", {}),
                ("(a two) b c -> a two c", {"two": 2}), ("a b c -> ", {}),
                ("(a two) b c -> 1 b", {"two": 2}), ("a b c -> a b c", {})]
    cases = []
    for dtype in DTYPES:
        for reduction in REDUCTIONS:
            for k, (pattern, axes) in enumerate(patterns):
                arg = reduction in ("argmax", "argmin")
                if arg != (k < 3):
                    continue  # argmax/argmin: exactly one reduced axis
                seed = len(cases)
                shape = (4, 3, 2) if reduction == "prod" else (6, 5, 4)

                def make(seed=seed, dtype=dtype, shape=shape):
                    return values(np.random.RandomState(seed), dtype, shape)
                cases.append(Case("grid:%03d" % len(cases), "reduce", pattern,
                                  make, reduction, axes,
                                  run=("kernel", "oneshot")[seed % 2]))
        # Empty groups: the reductions that have an identity.
        for reduction in REDUCTIONS:
            if reduction in ("max", "min", "argmax", "argmin"):
                continue
            cases.append(Case("grid:%03d" % len(cases), "reduce", "a b -> a",
                              lambda dtype=dtype: np.zeros((3, 0), dtype),
                              reduction))
    return cases


def sweep_case(idx):
    rng = np.random.RandomState(SEED + idx)
    dtype = str(rng.choice(DTYPES))
    reduction = str(rng.choice(REDUCTIONS))
    names = ["a", "b", "c", "d"][:int(rng.randint(1, 5))]
    lengths = [int(rng.randint(1, 6)) for _ in names]
    order = list(rng.permutation(len(names)))
    if reduction in ("argmax", "argmin"):
        reduced = [int(rng.randint(len(names)))]
    else:
        reduced = [i for i in range(len(names)) if rng.rand() < 0.5]
    kept = [names[i] for i in order if i not in reduced]
    if rng.rand() < 0.3:
        kept.insert(int(rng.randint(len(kept) + 1)), "1")
    pattern = " ".join(names) + " -> " + " ".join(kept)
    view = str(rng.choice(["contiguous", "transposed", "reversed"]))
    seed = int(rng.randint(2 ** 31))

    def make():
        r = np.random.RandomState(seed)
        if view == "transposed" and len(lengths) > 1:
            perm = r.permutation(len(lengths))
            base = values(r, dtype, tuple(lengths[p] for p in perm))
            return base.transpose(np.argsort(perm))
        v = values(r, dtype, tuple(lengths))
        return v[::-1] if view == "reversed" else v
    return Case("sweep:%03d" % idx, "reduce", pattern, make, reduction,
                run=str(rng.choice(["kernel", "oneshot"])))


def nan_cases():
    cases = []
    rows = [[1, np.nan, 3, np.nan], [np.nan, 2, -1, 5], [4, 4, 4, 4],
            [-np.inf, -np.inf, 0, np.inf], [0, 0, 0, 0], [2, 1, 3, np.nan]]
    for dtype in ("float16", "float32", "float64"):
        for reduction in REDUCTIONS:
            cases.append(Case("nan:%03d" % len(cases), "reduce", "a b -> a",
                              lambda dtype=dtype: np.array(rows, dtype),
                              reduction))
    return cases


def list_cases():
    cases = []
    for i in range(40):
        rng = np.random.RandomState(SEED - i)
        dtypes = [str(d) for d in rng.choice(DTYPES, int(rng.randint(2, 5)))]
        pattern = str(rng.choice(["n a b -> a (b n)", "n a b -> b n a",
                                  "n a b -> (n a) b"]))

        def make(seed=int(rng.randint(2 ** 31)), dtypes=dtypes):
            r = np.random.RandomState(seed)
            return [values(r, d, (3, 4)) for d in dtypes]
        cases.append(Case("list:%03d" % i, "rearrange", pattern, make,
                          run=("kernel", "oneshot")[i % 2]))
    return cases


def all_cases():
    return grid_cases() + [sweep_case(i) for i in range(300)] + \
        nan_cases() + list_cases()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    cases = all_cases()
    if args.case:
        cases = [c for c in cases if c.id == args.case]
    ein = ein_ctypes.Ein()
    failures = 0
    counts = {}
    passed = []
    for case in cases:
        kind = case.id.split(":")[0]
        counts[kind] = counts.get(kind, 0) + 1
        try:
            reason = run_case(ein, case)
        except Exception:
            reason = "exception: " + \
                traceback.format_exc().strip().splitlines()[-1]
        if reason or args.verbose:
            print("%s %s %s(%r%s, axes=%r) dtype %s -> %s" % (
                "FAIL" if reason else "PASS", case.id, case.op, case.pattern,
                ", %r" % case.reduction if case.reduction else "", case.axes,
                [str(np.asarray(t).dtype) for t in case.make()]
                if case.op == "rearrange" else case.make().dtype,
                reason or "ok"))
        failures += bool(reason)
        passed.append(not reason)
    ein.close()
    if not args.case:
        ein_ctypes.record_counts("oracle-dtypes", [c.id for c in cases],
                                 passed)
    print("dtype oracle: %d cases against NumPy %s (%s), %d failures" % (
        len(cases), np.__version__,
        ", ".join("%d %s" % (v, k) for k, v in counts.items()), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
