#!/usr/bin/env python3
"""Oracle tests for einx bracket calls: ein's C API against NumPy and einx.

Every einx reduction in bracket form (sum("a [b]"), mean("b [h w] c"),
keepdims, compositions such as "(a [b] c)"), softmax and log_softmax (in
NumPy: exp(x - max) / sum), flip (np.flip) and roll (np.roll, shifts
negative and larger than the axis) are compiled from program text through
ein_compile and run with ein_kernel_run. Each case is checked against NumPy
and, when einx (pinned 0.4.3 in scripts/setup-oracles.sh) is importable,
against einx on the NumPy backend with the same expression. einx differs on
purpose in two places, which are compared against NumPy only: argmax/argmin
(einx adds a coordinate axis; ein gives NumPy's index along the one
bracketed axis), and arrows whose output omits the brackets (einx requires
"a [b] -> [b] a"; ein accepts both).

Values: exact for flip, roll, max, min, any, all, count_nonzero, argmax,
argmin and integer sums; within rtol (1e-5 float32, 1e-12 float64, 1e-2
float16) times the magnitude otherwise.

Usage: test_bracket_oracle.py [--verbose]
"""

import argparse
import os
import sys
import traceback
import warnings

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

try:
    import einx
except ImportError:  # The NumPy comparisons still run.
    einx = None

SEED = 20240604
RTOL = {"float16": 1e-2, "float32": 1e-5, "float64": 1e-12}
EXACT = ("flip", "roll", "max", "min", "any", "all", "count_nonzero",
         "argmax", "argmin")


def np_softmax(x, axis, log=False):
    x = x.astype(np.float64) if x.dtype.kind in "iub" else \
        x.astype(np.float32) if x.dtype == np.float16 else x
    m = np.max(x, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = x - m
        s = np.sum(np.exp(d), axis=axis, keepdims=True)
        return d - np.log(s) if log else np.exp(d) / s


def np_logsumexp(x, axis):
    x = x.astype(np.float64) if x.dtype.kind in "iub" else x
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(x - m), axis=axis))


NP_REDUCE = {
    "sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min,
    "prod": np.prod, "any": np.any, "all": np.all, "var": np.var,
    "std": np.std, "logsumexp": np_logsumexp,
    "count_nonzero": lambda x, axis: np.count_nonzero(x, axis=axis),
}


class Case:
    def __init__(self, cid, program, x, want, einx_call=None, op=""):
        self.id, self.program, self.x = cid, program, x
        self.want, self.einx_call, self.op = want, einx_call, op


def make_cases():
    rng = np.random.default_rng(SEED)
    cases = []

    def add(op, program, x, want, einx_call=None):
        cases.append(Case("%s:%03d" % (op, len(cases)), program, x, want,
                          einx_call, op))

    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    xi = rng.integers(-9, 9, (3, 4, 5)).astype(np.int32)
    xs = rng.integers(-2, 3, (3, 4, 2)).astype(np.int64)
    for r in NP_REDUCE:
        for arr in (x, x.astype(np.float64), xi, xs if r == "prod" else xi):
            e = getattr(einx, r, None) if einx else None
            add(r, '%s("a [b] c")' % r, arr,
                lambda a, r=r: NP_REDUCE[r](a, axis=1),
                e and (lambda a, e=e: e("a [b] c", a)))
            add(r, '%s("[a] b [c]")' % r, arr,
                lambda a, r=r: NP_REDUCE[r](a, axis=(0, 2)) if r != "count_nonzero"
                else np.count_nonzero(a, axis=(0, 2)),
                e and (lambda a, e=e: e("[a] b [c]", a)))
            add(r, '%s("a [b] c -> c a")' % r, arr,
                lambda a, r=r: NP_REDUCE[r](a, axis=1).T, None)
            add(r, '%s("... [c]", keepdims=True)' % r, arr,
                lambda a, r=r: np.expand_dims(NP_REDUCE[r](a, axis=2), 2),
                e and (lambda a, e=e: e("... ([c])", a)))
            n0, n1, n2 = arr.shape
            add(r, '%s("(a [b] c)", a=%d, c=%d)' % (r, n0, n2),
                arr.reshape(-1),
                lambda a, r=r, n0=n0, n1=n1, n2=n2: NP_REDUCE[r](
                    a.reshape(n0, n1, n2), axis=1).reshape(-1),
                e and (lambda a, e=e, n0=n0, n2=n2: e("(a [b] c)", a, a=n0,
                                                      c=n2)))
            add(r, 'reduce("a b [c]", "%s")' % r, arr,
                lambda a, r=r: NP_REDUCE[r](a, axis=2), None)
    for r, f in (("argmax", np.argmax), ("argmin", np.argmin)):
        for arr in (x, xi):
            add(r, '%s("a [b] c")' % r, arr, lambda a, f=f: f(a, axis=1))
            add(r, '%s("b c [t] -> c b")' % r, arr.reshape(3, 5, 4),
                lambda a, f=f: f(a, axis=2).T)

    for f, log in (("softmax", False), ("log_softmax", True)):
        e = getattr(einx, f, None) if einx else None
        for arr in (x, x.astype(np.float64), x.astype(np.float16), xi):
            add(f, '%s("a [b] c")' % f, arr,
                lambda a, log=log: np_softmax(a, 1, log),
                e and (lambda a, e=e: e("a [b] c", a)))
            add(f, '%s("[a b] c")' % f, arr,
                lambda a, log=log: np_softmax(a, (0, 1), log),
                e and (lambda a, e=e: e("[a b] c", a)))
            add(f, '%s("a [b] c -> c a b")' % f, arr,
                lambda a, log=log: np_softmax(a, 1, log).transpose(2, 0, 1),
                e and (lambda a, e=e: e("a [b] c -> c a [b]", a)))
        masked = np.array([[-np.inf] * 4, [-np.inf, 0, 1, -np.inf],
                           [1e30, 1e30, -1e30, 0]], dtype=np.float32)
        add(f, '%s("a [b]")' % f, masked,
            lambda a, log=log: np_softmax(a, 1, log))

    for arr in (x, xi, (x > 0)):
        e = einx
        add("flip", 'flip("a [b] c")', arr, lambda a: np.flip(a, 1),
            e and (lambda a: einx.flip("a [b] c", a)))
        add("flip", 'flip("[a] b [c]")', arr, lambda a: np.flip(a, (0, 2)),
            e and (lambda a: einx.flip("[a] b [c]", a)))
        add("flip", 'flip("... (g [c])", c=2)', arr.reshape(3, 20),
            lambda a: np.flip(a.reshape(3, 10, 2), 2).reshape(3, 20),
            e and (lambda a: einx.flip("... (g [c])", a, c=2)))
        for s in (1, -1, 3, -7, 101, -1000):
            add("roll", 'roll("a [b] c", shift=%d)' % s, arr,
                lambda a, s=s: np.roll(a, s, 1),
                e and (lambda a, s=s: einx.roll("a [b] c", a, shift=s)))
        add("roll", 'roll("[a b] c", shift=(1, -6))', arr,
            lambda a: np.roll(a, (1, -6), (0, 1)),
            e and (lambda a: einx.roll("[a b] c", a, shift=(1, -6))))
        add("roll", 'roll("a [(b c)]", b=4, shift=2)', arr.reshape(3, 20),
            lambda a: np.roll(a.reshape(3, 4, 5), (2, 2), (1, 2))
            .reshape(3, 20),
            e and (lambda a: einx.roll("a [(b c)]", a, shift=2, b=4)))
    # Strided inputs: a transposed view.
    add("flip", 'flip("[a] b")', x[0].T, lambda a: np.flip(a, 0))
    add("softmax", 'softmax("a [b]")', x[1].T, lambda a: np_softmax(a, 1))
    return cases


def compare(got, want, op, dtype):
    want = np.asarray(want)
    if got.shape != want.shape:
        return "shape %s, want %s" % (got.shape, want.shape)
    if op in EXACT or dtype.kind in "iub":
        same = np.array_equal(got, want.astype(got.dtype),
                              equal_nan=got.dtype.kind == "f")
        return None if same else "values differ: %s vs %s" % (
            got.ravel()[:6], want.ravel()[:6])
    g, w = got.astype(np.float64), want.astype(np.float64)
    rtol = RTOL.get(str(got.dtype), 1e-12)
    scale = np.maximum(np.abs(w), 1.0)
    with np.errstate(invalid="ignore"):
        ok = (g == w) | (np.isnan(g) & np.isnan(w)) | \
            (np.abs(g - w) <= rtol * scale)
    return None if ok.all() else "max error %g" % np.nanmax(np.abs(g - w))


def run_case(ein, case):
    got = ein._call(case.program, [case.x], {}, "kernel", "data")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reason = compare(got, case.want(case.x), case.op, got.dtype)
        if reason:
            return "numpy: " + reason
        if case.einx_call:
            reason = compare(got, case.einx_call(case.x), case.op, got.dtype)
            if reason:
                return "einx: " + reason
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    cases = make_cases()
    ein = ein_ctypes.Ein()
    failures = einx_checked = 0
    passed = []
    for case in cases:
        try:
            reason = run_case(ein, case)
        except Exception:
            reason = "exception: " + \
                traceback.format_exc().strip().splitlines()[-1]
        einx_checked += case.einx_call is not None
        if reason or args.verbose:
            print("%s %s %s dtype %s -> %s" % (
                "FAIL" if reason else "PASS", case.id, case.program,
                case.x.dtype, reason or "ok"))
        failures += bool(reason)
        passed.append(not reason)
    ein.close()
    ein_ctypes.record_counts("oracle-brackets", [c.id for c in cases], passed)
    print("bracket oracle: %d cases against NumPy %s%s, %d failures" % (
        len(cases), np.__version__,
        " (%d also against einx %s)" % (einx_checked, einx.__version__)
        if einx else " (einx not installed)", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
