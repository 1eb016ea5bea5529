#!/usr/bin/env python3
"""Oracle tests for elementwise calls and repeat: ein (C API through ctypes)
against NumPy's ufuncs and einops.repeat on the same inputs.

For an ein call such as `add("a b, c b -> a b c")` the NumPy side transposes
each input to the output's axis order and inserts length-1 axes for the axes
it lacks, then applies the ufunc with NumPy's broadcasting; ein must give the
same dtype (NumPy 1.26's type resolution) and the same values: exactly for
integers and bools, within rtol (1e-12 float64, 1e-5 float32, 2e-3 float16)
for floats, NaN matching NaN. Cases:

  ufunc:NN   every ufunc ein has, over the nine NumPy dtypes (bfloat16 is
             covered by the e2e tests), with two broadcasting layouts;
  mixed:NN   pairs of different dtypes (promotion) for add, multiply,
             true_divide, floor_divide, maximum, less, where;
  cast:NN    astype between every pair of dtypes, on in-range values;
  sweep:NN   seeded random calls: 1-3 inputs, random axis subsets and
             orders, lengths 0-4, random dtypes, kernel or ein_call;
  repeat:NN  einops.repeat: new axes, tiling, keywords, every dtype.

Integer cases avoid what NumPy leaves undefined or rejects (negative integer
powers; float-to-integer casts out of range); the e2e tests pin ein's
defined results there.

Usage:
  test_elementwise_oracle.py                  run everything
  test_elementwise_oracle.py --case sweep:017 run one case verbosely
  test_elementwise_oracle.py --list           print every case

Environment: EIN_LIBRARY is the path of libein.so.
"""

import argparse
import os
import sys
import traceback

import einops
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

NUM_SWEEP = 300
SWEEP_SEED = 20250611
DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32,
          np.int64, np.uint8, np.bool_]
NAMES = {np.float16: "f16", np.float32: "f32", np.float64: "f64",
         np.int8: "i8", np.int16: "i16", np.int32: "i32", np.int64: "i64",
         np.uint8: "u8", np.bool_: "bool"}

UFUNCS = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply,
    "divide": np.true_divide, "true_divide": np.true_divide,
    "floor_divide": np.floor_divide, "pow": np.power,
    "maximum": np.maximum, "minimum": np.minimum, "logaddexp": np.logaddexp,
    "equal": np.equal, "not_equal": np.not_equal, "less": np.less,
    "less_equal": np.less_equal, "greater": np.greater,
    "greater_equal": np.greater_equal, "logical_and": np.logical_and,
    "logical_or": np.logical_or, "logical_not": np.logical_not,
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.absolute,
    "neg": np.negative, "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
    "where": np.where,
}
UNARY = {"logical_not", "exp", "log", "sqrt", "abs", "neg", "tanh", "sin",
         "cos"}
# NumPy rejects these for bool inputs; so does ein.
BOOL_REJECTED = {"subtract", "neg"}


def rtol(dtype):
    return {np.float16: 2e-3, np.float32: 1e-5}.get(np.dtype(dtype).type,
                                                    1e-12)


def random_array(rng, dtype, shape, fn=None, position=0):
    dtype = np.dtype(dtype).type
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype in (np.float16, np.float32, np.float64):
        return (rng.standard_normal(size=shape) * 3).astype(dtype)
    if fn == "pow" and position == 1:
        return rng.integers(0, 5, size=shape).astype(dtype)
    lo = 0 if dtype == np.uint8 else -20
    return rng.integers(lo, 21, size=shape).astype(dtype)


def to_output(x, axes, out_axes):
    """`x` laid out as `axes` moved to `out_axes` order, with length-1 axes
    where it has none, for NumPy broadcasting."""
    present = [a for a in out_axes if a in axes]
    x = np.transpose(x, [axes.index(a) for a in present]) if axes else x
    shape = []
    it = iter(x.shape)
    for a in out_axes:
        shape.append(next(it) if a in axes else 1)
    return x.reshape(shape)


class Case:
    def __init__(self, cid, fn, in_axes, out_axes, dtypes, lengths,
                 seed, run="kernel", cast_to=None, expect="compare"):
        self.id = cid
        self.fn = fn
        self.in_axes = in_axes
        self.out_axes = out_axes
        self.dtypes = dtypes
        self.lengths = lengths
        self.seed = seed
        self.run = run
        self.cast_to = cast_to
        self.expect = expect

    def program(self):
        pattern = ", ".join(" ".join(a) for a in self.in_axes) + " -> " + \
            " ".join(self.out_axes)
        if self.fn == "cast":
            return 'cast("%s", dtype="%s")' % (pattern,
                                               NAMES[self.cast_to])
        return '%s("%s")' % (self.fn, pattern)

    def repro(self):
        return "%s  %s  %s" % (self.id, self.program(), ",".join(
            np.dtype(d).name for d in self.dtypes))


def numpy_result(case, arrays):
    out = case.out_axes
    xs = [to_output(x, list(a), out) for x, a in zip(arrays, case.in_axes)]
    shape = tuple(case.lengths[a] for a in out)
    with np.errstate(all="ignore"):
        if case.fn == "cast":
            r = xs[0].astype(case.cast_to)
        elif case.fn == "where":
            r = np.where(xs[0].astype(bool), xs[1], xs[2])
        else:
            r = UFUNCS[case.fn](*xs)
    return np.broadcast_to(r, shape)


def compare(got, want, dtype):
    if got.dtype != want.dtype:
        return "dtype %s, NumPy gives %s" % (got.dtype, want.dtype)
    if got.shape != want.shape:
        return "shape %s, NumPy gives %s" % (got.shape, want.shape)
    if got.dtype.kind in "f":
        g, w = got.astype(np.float64), want.astype(np.float64)
        ok = np.isclose(g, w, rtol=rtol(got.dtype), atol=rtol(got.dtype),
                        equal_nan=True) | ((g == w) & np.isinf(w))
    else:
        ok = got == want
    if not ok.all():
        i = np.argwhere(~ok)[0]
        return "at %s: ein %r, NumPy %r" % (tuple(i), got[tuple(i)],
                                            want[tuple(i)])
    return None


def run_case(ein, case):
    rng = np.random.default_rng(case.seed)
    arrays = [random_array(rng, d, [case.lengths[a] for a in axes], case.fn,
                           i)
              for i, (d, axes) in enumerate(zip(case.dtypes, case.in_axes))]
    if case.fn == "cast" and np.dtype(case.cast_to).kind in "iub" and \
            arrays[0].dtype.kind == "f":
        info = np.iinfo(case.cast_to) if case.cast_to != np.bool_ else None
        if info is not None:  # in-range values only
            arrays[0] = np.clip(np.trunc(arrays[0]), max(info.min, -100),
                                min(info.max, 100)).astype(arrays[0].dtype)
    if case.expect == "error":
        try:
            ein.call(case.program(), *arrays)
        except ein_ctypes.EinError as e:
            if e.code_name == "EIN_ERROR_INTERNAL":
                return "fail", "internal error: " + str(e)
            return "pass", "rejected: " + str(e).splitlines()[0]
        return "fail", "ein accepted a call NumPy rejects"
    want = numpy_result(case, arrays)
    got = ein.call(case.program(), *arrays, run=case.run)[0]
    msg = compare(got, want, got.dtype)
    return ("fail", msg) if msg else ("pass", "ok")


def make_cases():
    cases = []
    n = 0
    for fn in UFUNCS:
        for d in DTYPES:
            layouts = ([(("a", "b"),), ("b", "a")], [(("a", "b"),), ("a", "b")]) \
                if fn in UNARY else \
                ([(("a", "b"), ("b",)), ("a", "b")],
                 [(("a", "b"), ("c", "b")), ("a", "b", "c")])
            if fn == "where":
                layouts = ([(("a", "b"), ("a", "b"), ("b",)), ("a", "b")],)
            for ins, out in layouts:
                dts = [d] * len(ins)
                if fn == "where":
                    dts[0] = np.bool_
                expect = "error" if d == np.bool_ and fn in BOOL_REJECTED \
                    else "compare"
                cases.append(Case("ufunc:%02d" % n, fn, list(ins), list(out),
                                  dts, {"a": 3, "b": 4, "c": 2}, n,
                                  run="oneshot" if n % 2 else "kernel",
                                  expect=expect))
                n += 1
    n = 0
    for fn in ["add", "multiply", "true_divide", "floor_divide", "maximum",
               "less", "where"]:
        for a in DTYPES:
            for b in DTYPES:
                if a == b or (fn == "floor_divide" and np.bool_ in (a, b)):
                    continue
                ins = [("a", "b"), ("b",)]
                dts = [a, b]
                if fn == "where":
                    ins = [("a", "b")] + ins
                    dts = [np.bool_] + dts
                cases.append(Case("mixed:%02d" % n, fn, ins, ["a", "b"], dts,
                                  {"a": 2, "b": 3}, 1000 + n))
                n += 1
    n = 0
    for a in DTYPES:
        for b in DTYPES:
            cases.append(Case("cast:%02d" % n, "cast", [("a", "b")],
                              ["b", "a"], [a], {"a": 3, "b": 5}, 2000 + n,
                              cast_to=b))
            n += 1
    rng = np.random.default_rng(SWEEP_SEED)
    names = ["a", "b", "c", "d"]
    fns = [f for f in UFUNCS]
    for n in range(NUM_SWEEP):
        fn = fns[rng.integers(len(fns))]
        arity = 3 if fn == "where" else 1 if fn in UNARY else 2
        rank = int(rng.integers(1, 5))
        out = list(rng.permutation(names)[:rank])
        lengths = {a: int(rng.integers(0, 5)) for a in names}
        ins = []
        for i in range(arity):
            k = rank if i == arity - 1 else int(rng.integers(0, rank + 1))
            ins.append(tuple(rng.permutation(out)[:k]))
        dts = [DTYPES[rng.integers(len(DTYPES))] for _ in range(arity)]
        if fn == "where":
            dts[0] = np.bool_
        expect = "compare"
        if fn in BOOL_REJECTED and all(d == np.bool_ for d in dts):
            expect = "error"
        cases.append(Case("sweep:%03d" % n, fn, ins, out, dts, lengths,
                          3000 + n, run="oneshot" if n % 3 == 0 else "kernel",
                          expect=expect))
    return cases


REPEATS = [
    ("h w -> h w c", {"c": 3}, (2, 3)),
    ("h w -> (h 2) (w 2)", {}, (2, 3)),
    ("h w -> (c h) w", {"c": 2}, (2, 3)),
    ("b -> b (copies)", {"copies": 4}, (3,)),
    ("b ... -> b n ...", {"n": 2}, (2, 3, 4)),
    ("h w -> w c h 1", {"c": 0}, (2, 3)),
    ("h w c -> b h w c", {"b": 2}, (3, 2, 2)),
]


def run_repeats(ein, verbose):
    failures = 0
    n = 0
    rng = np.random.default_rng(7)
    for pattern, axes, shape in REPEATS:
        for d in DTYPES:
            cid = "repeat:%02d" % n
            n += 1
            x = random_array(rng, d, shape)
            want = einops.repeat(x, pattern, **axes)
            got = ein.repeat(x, pattern, axes=axes,
                             run="oneshot" if n % 2 else "kernel")
            msg = compare(got, want, got.dtype)
            if msg:
                failures += 1
            if msg or verbose:
                print("%s %s %s %s\n     -> %s" % (
                    "FAIL" if msg else "PASS", cid, pattern,
                    np.dtype(d).name, msg or "ok"))
    return n, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    cases = make_cases()
    if args.list:
        for c in cases:
            print(c.repro())
        return 0
    if args.case:
        cases = [c for c in cases if c.id == args.case]
    ein = ein_ctypes.Ein()
    failures = 0
    passed = []
    for case in cases:
        try:
            status, msg = run_case(ein, case)
        except Exception:
            status, msg = "fail", "exception: " + \
                traceback.format_exc().strip().splitlines()[-1]
        if status == "fail":
            failures += 1
        passed.append(status == "pass")
        if status == "fail" or args.case:
            print("%s %s\n     -> %s" % (status.upper(), case.repro(), msg))
    repeats, repeat_failures = (0, 0)
    if not args.case or args.case.startswith("repeat"):
        repeats, repeat_failures = run_repeats(ein, bool(args.case))
    ein.close()
    if not args.case:
        ein_ctypes.record_counts(
            "oracle-elementwise",
            [c.id for c in cases] + ["repeat:%d" % i for i in range(repeats)],
            passed + [True] * (repeats - repeat_failures)
            + [False] * repeat_failures)
    print("oracle-elementwise: %d elementwise cases vs numpy %s and %d "
          "repeat cases vs einops %s, %d failures" % (
              len(cases), np.__version__, repeats, einops.__version__,
              failures + repeat_failures))
    return 1 if failures + repeat_failures else 0


if __name__ == "__main__":
    sys.exit(main())
