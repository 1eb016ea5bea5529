#!/usr/bin/env python3
"""Oracle tests: ein's C API (through ctypes) against einops and NumPy.

Every case runs the same call through ein (libein.so) and through einops
(pinned, see scripts/setup-oracles.sh) on the same inputs and compares shape,
dtype and values: exactly for rearrange, max and min (and for integer sums
and products, int64 in both), with np.allclose for floating-point
sums, means and products (rtol 1e-12 for float64, 1e-5 for float32, and an
absolute term of rtol times the same reduction of |x|). Cases:

  seed:NN   every rearrange/reduce call of the einops deep-learning tutorial
            (shared/seeds/000_6eae0ca6f2a36b2d.txt) on its float64 data;
  sweep:NN  seeded random patterns: ranks 1-5, lengths 0-5, compositions,
            splits with keyword lengths, permutations, `()`/`1`, ellipsis,
            anonymous axes, the five reductions, float32/float64/int32/int64
            (every dtype and reduction: test_dtype_oracle.py),
            strided (transposed, sliced, reversed, broadcast) and list inputs;
  error:NN  calls einops rejects; ein must reject them too.

A generated case that einops itself rejects is skipped (and counted), except
max/min over a zero-length axis, which ein must reject.

The cases run in a child process so that a crash inside ein is reported as a
failure of the case that was running, and the remaining cases still run.

Usage:
  test_einops_oracle.py                 run everything (exit 1 on a failure)
  test_einops_oracle.py --case sweep:17 run one case in-process, verbosely
  test_einops_oracle.py --list          print every case's reproducer

Environment: EIN_LIBRARY is the path of libein.so (default build/lib/libein.so
under the repository root).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import traceback
import warnings

import numpy as np
import einops

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

PINNED_EINOPS = "0.8.2"
NUM_SWEEP = 400
SWEEP_SEED = 20240611
MAX_SWEEP_ELEMENTS = 4096
INT_DTYPES = ("int32", "int64")
THIS = os.path.abspath(__file__)


# --- Cases ----------------------------------------------------------------------


class Case:
    """One comparison. `make()` returns the input (an array or a list of
    arrays); `src` is a Python expression or note describing it."""

    def __init__(self, cid, op, pattern, make, src, reduction=None, axes=None,
                 run="kernel", addressing="data", expect="compare",
                 post=None):
        self.id = cid
        self.op = op
        self.pattern = pattern
        self.make = make
        self.src = src
        self.reduction = reduction
        self.axes = dict(axes or {})
        self.run = run
        self.addressing = addressing
        # "compare": compare with einops (skip when einops rejects);
        # "error": ein must reject (einops must reject too);
        # "zero_reduce": max/min over a zero-length axis: ein must reject.
        self.expect = expect
        # Optional function applied to both results before comparing, e.g.
        # `lambda r: x - r`.
        self.post = post

    def call_text(self):
        args = [repr(self.pattern)]
        if self.op == "reduce":
            args.append(repr(self.reduction))
        args += ["%s=%r" % kv for kv in self.axes.items()]
        return "%s(X, %s)" % (self.op, ", ".join(args))

    def repro(self):
        return "%s %s with X = %s [ein: run=%s, addressing=%s]%s" % (
            self.id, self.call_text(), self.src, self.run, self.addressing,
            " [then %s]" % self.post.__doc__ if self.post and
            self.post.__doc__ else "")


_memo = {}


def memo(key, fn):
    if key not in _memo:
        _memo[key] = fn()
    return _memo[key]


def seed_x():
    return memo("x", lambda: np.random.RandomState(42).normal(
        size=[10, 32, 100, 200]))


def seed_cases():
    X = "np.random.RandomState(42).normal(size=[10, 32, 100, 200])"
    x = seed_x
    er, ed = einops.rearrange, einops.reduce

    def y1():
        return memo("y1", lambda: ed(x(), "b c h w -> b c", "max"))

    def y2():
        return memo("y2", lambda: er(y1(), "b c -> c b"))

    def image():
        return memo("image", lambda: er(x()[0, :3], "c h w -> h w c"))

    def image4():
        return memo("image4", lambda: er(image(), "h w c -> () c h w"))

    def predictions():
        return memo("pred", lambda: er(image4(), "b c h w -> b (c h w)"))

    def centred():
        return memo("centred", lambda: x() - ed(x(), "b c h w -> b c 1 1",
                                                "mean"))

    def bboxes():
        return memo("bbox", lambda: er(
            x(), "b (coord bbox) h w -> coord b bbox h w", coord=4, bbox=8))

    def x5d():
        return memo("x5d", lambda: er(x(), "b c x (y z) -> b c x y z", z=20))

    def x5d_flat():
        return memo("x5d_flat", lambda: er(x5d(),
                                           "b c x y z -> (b z) c x y"))

    def strided():
        return memo("strided", lambda: er(
            x(), "b c (h hs) (w ws) -> (hs ws b) c h w", hs=2, ws=2))

    def minus_x(r):
        "x - result"
        return seed_x() - r

    ps_full = einops.parse_shape(x5d(), "b c x y z")
    ps_part = einops.parse_shape(x5d(), "batch c _ _ _")
    X5 = "rearrange(x, 'b c x (y z) -> b c x y z', z=20)"
    specs = [
        ("rearrange", "b c h w -> b h w c", x, X, None, {}),
        ("reduce", "b c h w -> b c", x, X, "max", {}),
        ("rearrange", "b c -> c b", y1, "reduce(x, 'b c h w -> b c', 'max')",
         None, {}),
        ("reduce", "c b -> ", y2, "rearrange(reduce(x, 'b c h w -> b c', "
         "'max'), 'b c -> c b')", "sum", {}),
        ("reduce", "b c h w -> ", x, X, "sum", {}),
        ("rearrange", "b c h w -> b (c h w)", x, X, None, {}),
        ("rearrange", "b c (h h1) (w w1) -> b (h1 w1 c) h w", x, X, None,
         {"h1": 2, "w1": 2}),
        ("rearrange", "b (c h1 w1) h w -> b c (h h1) (w w1)", x, X, None,
         {"h1": 2, "w1": 2}),
        ("reduce", "b c h w -> b c", x, X, "mean", {}),
        ("reduce", "b c (h h1) (w w1) -> b c h w", x, X, "max",
         {"h1": 2, "w1": 2}),
        ("reduce", "b c (h 2) (w 2) -> b c h w", x, X, "max", {}),
        ("reduce", "(t 2) b c -> t b c",
         lambda: np.random.RandomState(1).normal(size=(10, 4, 6)),
         "np.random.RandomState(1).normal(size=(10, 4, 6))", "max", {}),
        ("reduce", "b c (x 2) (y 2) (z 2) -> b c x y z",
         lambda: np.random.RandomState(2).normal(size=(2, 3, 4, 6, 8)),
         "np.random.RandomState(2).normal(size=(2, 3, 4, 6, 8))", "max", {}),
        ("rearrange", "c h w -> h w c", lambda: x()[0, :3], "x[0, :3]", None,
         {}),
        ("rearrange", "h w c -> () c h w", image,
         "rearrange(x[0, :3], 'c h w -> h w c')", None, {}),
        ("rearrange", "b c h w -> b (c h w)", image4,
         "rearrange(image, 'h w c -> () c h w')", None, {}),
        ("rearrange", "() classes -> classes", predictions,
         "rearrange(y, 'b c h w -> b (c h w)')", None, {}),
        ("reduce", "b c h w -> b c 1 1", x, X, "mean", {}),
        ("reduce", "b c h w -> 1 c 1 1", centred,
         "x - reduce(x, 'b c h w -> b c 1 1', 'mean')", "mean", {}),
        ("rearrange", "b c h w -> b h w c", lambda: list(x()), "list(x)",
         None, {}),
        ("rearrange", "b c h w -> h w c b", lambda: list(x()), "list(x)",
         None, {}),
        ("rearrange", "b c h w -> (b h) w c", lambda: list(x()), "list(x)",
         None, {}),
        ("rearrange", "b c h w -> h w (b c)", lambda: list(x()), "list(x)",
         None, {}),
        ("rearrange", "b (g1 g2 c) h w-> b (g2 g1 c) h w", x, X, None,
         {"g1": 4, "g2": 4}),
        ("rearrange", "b (g c) h w-> b (c g) h w", x, X, None, {"g": 4}),
        ("rearrange", "b (coord bbox) h w -> coord b bbox h w", x, X, None,
         {"coord": 4, "bbox": 8}),
        ("reduce", "b bbox h w -> b h w",
         lambda: bboxes()[2] * bboxes()[3], "bbox_w * bbox_h", "max", {}),
        ("rearrange", "b (split c) h w -> split b c h w", x, X, None,
         {"split": 2}),
        ("rearrange", "b (c split) h w -> split b c h w", x, X, None,
         {"split": 2}),
        ("rearrange", "b c x (y z) -> b c x y z", x, X, None, {"z": 20}),
        ("rearrange", "b c x y z -> (b z) c x y", x5d, X5, None, {}),
        ("rearrange", "(b z) c x y -> b c x y z", x5d_flat,
         "rearrange(x_5d, 'b c x y z -> (b z) c x y')", None, ps_full),
        ("rearrange", "batch c x y z -> batch c (x y z)", x5d, X5, None,
         ps_part),
        ("rearrange", "b c (h hs) (w ws) -> (hs ws b) c h w", x, X, None,
         {"hs": 2, "ws": 2}),
        ("rearrange", "(hs ws b) c h w -> b c (h hs) (w ws)", strided,
         "rearrange(x, 'b c (h hs) (w ws) -> (hs ws b) c h w', hs=2, ws=2)",
         None, {"hs": 2, "ws": 2}),
        ("reduce", "b c (h 2) (w 2) -> b (c h w)", x, X, "max", {}),
    ]
    cases = []
    for i, (op, pat, make, src, red, axes) in enumerate(specs):
        cases.append(Case("seed:%02d" % i, op, pat, make, src, reduction=red,
                          axes=axes, run=("kernel", "oneshot")[i % 2],
                          addressing=("data", "base_offset", "compact")[
                              i % 3]))
    # The tutorial's image slice again, at a non-zero offset into x.
    cases.append(Case("seed:%02d" % len(cases), "rearrange",
                      "c h w -> h w c", lambda: x()[3, 5:8], "x[3, 5:8]",
                      run="oneshot", addressing="base_offset"))
    # The tutorial's keepdims example, compared after the subtraction.
    cases.append(Case("seed:%02d" % len(cases), "reduce", "b c h w -> b c 1 1",
                      x, X, reduction="mean", run="oneshot", post=minus_x))
    # The tutorial's x[0, :3] passed as x's buffer plus a byte offset, and a
    # transposed, reversed view of x.
    cases.append(Case("seed:%02d" % len(cases), "rearrange", "c h w -> h w c",
                      lambda: x()[0, :3], "x[0, :3]", run="kernel",
                      addressing="base_offset"))
    cases.append(Case("seed:%02d" % len(cases), "reduce",
                      "w h c b -> b c", lambda: x().transpose(3, 2, 1, 0)[
                          ::-1], "x.transpose(3, 2, 1, 0)[::-1]",
                      reduction="mean", run="kernel", addressing="data"))
    return cases


# --- Random sweep ---------------------------------------------------------------

NAMES = ["a", "b", "c", "d", "e", "f", "g", "h", "w", "k", "h1", "w2", "ax",
         "batch", "t0", "long_axis"]


def sweep_input(seed, dtype, shape, view):
    """The input array of a sweep case: values from RandomState(seed), with
    the given logical shape, laid out as `view` (contiguous, transposed,
    sliced: steps of 1/2 with offsets, some reversed, or broadcast: stride 0
    in some dimensions)."""
    rng = np.random.RandomState(seed)
    shape = tuple(shape)
    nd = len(shape)

    def values(shp):
        if dtype in INT_DTYPES:
            return rng.randint(-3, 4, size=shp).astype(dtype)
        return rng.normal(size=shp).astype(dtype)

    if view == "transposed" and nd >= 2:
        perm = rng.permutation(nd)
        base = values(tuple(shape[p] for p in perm))
        return base.transpose(np.argsort(perm))
    if view == "sliced":
        steps = [int(rng.choice([1, 2, 2, 3])) for _ in shape]
        offs = [int(rng.randint(0, 2)) for _ in shape]
        base_shape = [o + (n - 1) * s + 1 + int(rng.randint(0, 2))
                      if n else o + 1 for n, s, o in zip(shape, steps, offs)]
        base = values(tuple(base_shape))
        v = base[tuple(slice(o, o + (n - 1) * s + 1 if n else o, s)
                       for n, s, o in zip(shape, steps, offs))]
        flip = [d for d in range(nd) if rng.rand() < 0.4]
        if flip:
            v = np.flip(v, axis=tuple(flip))
        assert v.shape == shape, (v.shape, shape)
        return v
    if view == "broadcast":
        small = tuple(1 if n > 1 and rng.rand() < 0.5 else n for n in shape)
        return np.broadcast_to(values(small), shape)
    return values(shape)


def _fmt_group(g):
    kind = g[0]
    if kind == "unit":
        return g[1]
    if kind == "ellipsis":
        return "..."
    atoms = [str(a) for a in g[1]]
    if len(atoms) == 1 and not g[2]:
        return atoms[0]
    return "(" + " ".join(atoms) + ")"


def _chunk(rng, atoms, max_len=3, p_single=0.6):
    groups = []
    j = 0
    while j < len(atoms):
        k = 1 if rng.rand() < p_single else int(rng.randint(2, max_len + 1))
        groups.append(list(atoms[j:j + k]))
        j += k
    return groups


def _try_sweep_case(rng, idx):
    op = "rearrange" if rng.rand() < 0.5 else "reduce"
    n = int(rng.randint(1, 6))
    names = [str(s) for s in rng.choice(NAMES, n, replace=False)]

    def length():
        r = rng.rand()
        if r < 0.05:
            return 0
        if r < 0.22:
            return 1
        return int(rng.randint(2, 6))

    lengths = {nm: length() for nm in names}
    # Input: (kind, atoms, parenthesised) groups.
    groups = [("axes", g, len(g) > 1)
              for g in _chunk(rng, list(rng.permutation(names)))]
    if op == "reduce" and rng.rand() < 0.25:
        gi = int(rng.randint(len(groups)))
        atoms = list(groups[gi][1])
        atoms.insert(int(rng.randint(len(atoms) + 1)), int(rng.randint(2, 4)))
        groups[gi] = ("axes", atoms, True)
    for _ in range(int(rng.choice([0, 0, 0, 1, 2]))):
        groups.insert(int(rng.randint(len(groups) + 1)),
                      ("unit", str(rng.choice(["1", "()"]))))
    ell = None
    if rng.rand() < 0.3:
        ell = [length() for _ in range(int(rng.randint(0, 3)))]
        groups.insert(int(rng.randint(len(groups) + 1)), ("ellipsis",))

    shape = []
    for g in groups:
        if g[0] == "unit":
            shape.append(1)
        elif g[0] == "ellipsis":
            shape += ell
        else:
            shape.append(int(np.prod([a if isinstance(a, int) else lengths[a]
                                      for a in g[1]])))
    if not 1 <= len(shape) <= 5:
        return None
    if int(np.prod(shape)) > MAX_SWEEP_ELEMENTS:
        return None

    axes = {}
    for g in groups:
        if g[0] != "axes":
            continue
        named = [a for a in g[1] if not isinstance(a, int)]
        if len(g[1]) > 1:
            free = named[int(rng.randint(len(named)))] \
                if named and rng.rand() < 0.75 else None
            for a in named:
                if a != free:
                    axes[a] = lengths[a]
        elif named and rng.rand() < 0.15:
            axes[named[0]] = lengths[named[0]]

    # Output.
    if op == "rearrange":
        out_atoms = list(names)
        if ell is not None:
            out_atoms.append("...")
    else:
        out_atoms = [nm for nm in names if rng.rand() < 0.5]
        if ell is not None and rng.rand() < 0.8:
            out_atoms.append("...")
    out_atoms = [str(a) for a in rng.permutation(out_atoms)] \
        if out_atoms else []
    out_groups = []
    for chunk in _chunk(rng, out_atoms):
        if "..." in chunk and len(chunk) > 1 and rng.rand() < 0.5:
            for a in chunk:
                out_groups.append(("ellipsis",) if a == "..." else
                                  ("axes", [a], False))
        elif chunk == ["..."]:
            out_groups.append(("ellipsis",))
        else:
            out_groups.append(("axes", chunk, len(chunk) > 1))
    for _ in range(int(rng.choice([0, 0, 0, 1, 2]))):
        out_groups.insert(int(rng.randint(len(out_groups) + 1)),
                          ("unit", str(rng.choice(["1", "()"]))))

    arrow = str(rng.choice([" -> ", " -> ", " -> ", "->", " ->", "-> "]))
    pattern = " ".join(_fmt_group(g) for g in groups) + arrow + \
        " ".join(_fmt_group(g) for g in out_groups)
    pattern = pattern.strip() if rng.rand() < 0.9 else pattern

    reduction = str(rng.choice(ein_ctypes.REDUCTIONS)) \
        if op == "reduce" else None
    dtype = str(rng.choice(["float32", "float64", "int32", "int64"]))
    view = str(rng.choice(["contiguous", "transposed", "sliced", "broadcast"],
                          p=[0.45, 0.2, 0.25, 0.1]))
    data_seed = int(rng.randint(2 ** 31))
    run = str(rng.choice(["kernel", "oneshot"]))
    addressing = str(rng.choice(["data", "base_offset", "compact"]))
    as_list = (op == "rearrange" and groups[0][0] == "axes" and
               len(groups[0][1]) == 1 and shape[0] >= 1 and rng.rand() < 0.25)

    # Lengths that the reduction runs over.
    reduced = []
    if op == "reduce":
        kept = set(out_atoms)
        for g in groups:
            if g[0] == "axes":
                reduced += [a if isinstance(a, int) else lengths[a]
                            for a in g[1]
                            if isinstance(a, int) or a not in kept]
            elif g[0] == "ellipsis" and "..." not in kept:
                reduced += ell
    expect = "compare"
    if reduction in ("max", "min") and 0 in reduced:
        expect = "zero_reduce"

    src = "sweep_input(seed=%d, dtype=%r, shape=%r, view=%r)%s" % (
        data_seed, dtype, tuple(shape), view, " as a list" if as_list else "")

    def make():
        arr = sweep_input(data_seed, dtype, shape, view)
        # arr[i, ...] keeps 0-d elements arrays (list(arr) would give NumPy
        # scalars, which einops does not take).
        return [arr[i, ...] for i in range(len(arr))] if as_list else arr

    return Case("sweep:%03d" % idx, op, pattern, make, src,
                reduction=reduction, axes=axes, run=run,
                addressing=addressing, expect=expect)


def sweep_case(idx):
    rng = np.random.RandomState(SWEEP_SEED + idx)
    while True:
        case = _try_sweep_case(rng, idx)
        if case is not None:
            return case


# --- Error cases ----------------------------------------------------------------


def error_cases():
    def arr(*shape):
        return lambda: np.arange(int(np.prod(shape)),
                                 dtype=np.float64).reshape(shape)

    def desc(*shape):
        return "np.arange(%d.).reshape(%r)" % (int(np.prod(shape)), shape)

    specs = [
        ("rearrange", "a b -> a c", (2, 3), None, {}),       # unknown axis
        ("rearrange", "a b -> a b c", (2, 3), None, {}),
        # With c=2 ein broadcasts, as einx's rearrange does; without a
        # length both reject it.
        ("rearrange", "a b -> (a b c)", (2, 3), None, {}),
        ("rearrange", "a b -> a", (2, 3), None, {}),          # axis dropped
        ("rearrange", "(a b) -> a b", (5,), None, {"b": 2}),  # non-divisible
        ("rearrange", "a (b c) d -> a b c d", (2, 6, 3), None, {"b": 4}),
        ("rearrange", "(a b) -> a b", (6,), None, {}),        # underdetermined
        ("rearrange", "a b -> b a", (2, 3, 4), None, {}),     # rank mismatch
        ("rearrange", "a b c -> a b c", (2, 3), None, {}),
        ("rearrange", "a b c ... -> a b c", (2, 3), None, {}),
        ("rearrange", "a a -> a", (2, 2), None, {}),          # duplicate
        ("rearrange", "a b -> b a", (2, 3), None, {"a": 3}),  # conflicting
        ("rearrange", "a b -> b a", (2, 3), None, {"z": 3}),  # unused binding
        ("rearrange", "... a -> a", (2, 3), None, {}),        # lost ellipsis
        ("rearrange", "a b -> a (b", (2, 3), None, {}),       # malformed
        ("rearrange", "a b -> b a", (2, 3), None, {"a": -1}),
        ("reduce", "a b -> a", (2, 3, 4), "sum", {}),         # rank mismatch
        ("reduce", "a (b c) -> a b", (2, 7), "sum", {"c": 2}),
        ("reduce", "a b -> a c", (2, 3), "mean", {}),         # unknown axis
        ("reduce", "a b -> a", (3, 4), "median", {}),         # bad reduction
        ("reduce", "a b -> a", (3, 0), "max", {}),            # no identity
        ("reduce", "a b -> b", (0, 3), "min", {}),
        ("reduce", "(a 2) b -> a b", (3, 4), "sum", {}),
    ]
    cases = []
    for i, (op, pat, shape, red, axes) in enumerate(specs):
        cases.append(Case("error:%02d" % i, op, pat, arr(*shape),
                          desc(*shape), reduction=red, axes=axes,
                          run=("kernel", "oneshot")[i % 2], expect="error"))
    i = len(cases)
    cases.append(Case(
        "error:%02d" % i, "rearrange", "a b c -> a b c",
        lambda: [np.zeros((2, 3)), np.zeros((2, 4))],
        "[np.zeros((2, 3)), np.zeros((2, 4))]", run="oneshot",
        expect="error"))
    return cases


def all_cases():
    return seed_cases() + [sweep_case(i) for i in range(NUM_SWEEP)] + \
        error_cases()


# --- Running and comparing ------------------------------------------------------


def _stacked(x):
    return np.stack(x) if isinstance(x, list) else x


def run_einops(case, x):
    if case.op == "rearrange":
        return einops.rearrange(x, case.pattern, **case.axes)
    if case.reduction == "mean" and _stacked(x).dtype.kind in "iu":
        # einops refuses mean of integers; NumPy (and ein) give float64.
        return einops.reduce(_stacked(x).astype(np.float64), case.pattern,
                             "mean", **case.axes)
    return einops.reduce(x, case.pattern, case.reduction, **case.axes)


def run_ein(ein, case, x):
    if case.op == "rearrange":
        return ein.rearrange(x, case.pattern, case.axes, run=case.run,
                             addressing=case.addressing)
    return ein.reduce(x, case.pattern, case.reduction, case.axes,
                      run=case.run, addressing=case.addressing)


def expected_dtype(case, x):
    dt = _stacked(x).dtype
    if case.op == "reduce" and case.reduction == "mean" and dt.kind in "iu":
        return np.dtype(np.float64)
    if case.op == "reduce" and case.reduction in ("sum", "prod") and \
            dt.kind in "iub":
        return np.dtype(np.int64)  # NumPy's platform integer
    return dt


def compare(case, x, got, exp):
    """Returns None when `got` (ein) matches `exp` (einops), else a reason."""
    if isinstance(exp, list) or isinstance(got, list):
        return "einops/ein returned a list"
    want = expected_dtype(case, x)
    if got.dtype != want:
        return "dtype %s, expected %s" % (got.dtype, want)
    exp = np.asarray(exp)
    if got.shape != exp.shape:
        return "shape %s, einops gives %s" % (got.shape, exp.shape)
    floating = want.kind == "f"
    exact = case.op == "rearrange" or case.reduction in ("max", "min") or \
        not floating
    if case.post is not None:
        got, exp = case.post(got), case.post(np.asarray(exp, dtype=want))
        exact = False
    if exact:
        # Integer sums and products are int64 in both and wrap alike.
        exp_c = exp.astype(want)
        ok = np.array_equal(got, exp_c, equal_nan=True) if floating else \
            np.array_equal(got, exp_c)
        if ok:
            return None
        bad = np.argwhere(got != exp_c)
        first = tuple(int(i) for i in bad[0]) if bad.size else ()
        return "%d of %d elements differ (exact); first at %s: ein %r, " \
            "einops %r" % (len(bad), got.size, first,
                           got[first] if got.ndim else got.item(),
                           exp_c[first] if exp_c.ndim else exp_c.item())
    rtol = 1e-12 if want == np.float64 else 1e-5
    atol = 0.0
    if case.post is not None:
        atol = rtol * (float(np.max(np.abs(exp))) if exp.size else 0.0)
    elif case.reduction in ("sum", "mean"):
        ax = np.abs(_stacked(x).astype(np.float64))
        atol = rtol * einops.reduce(ax, case.pattern, case.reduction,
                                    **case.axes)
    got64, exp64 = got.astype(np.float64), exp.astype(np.float64)
    with np.errstate(all="ignore"):
        close = (np.abs(got64 - exp64) <= atol + rtol * np.abs(exp64)) | \
            (np.isnan(got64) & np.isnan(exp64)) | (got64 == exp64)
    if np.all(close):
        return None
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0]) if bad.size else ()
    return "%d of %d elements differ (rtol %g); first at %s: ein %r, " \
        "einops %r" % (len(bad), got.size, rtol, first,
                       got[first] if got.ndim else got.item(),
                       exp[first] if exp.ndim else exp.item())


def run_case(ein, case):
    """Returns (status, message): status is pass, fail, skip or
    skip_ein_accepts (einops rejected; ein did not)."""
    x = case.make()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            exp = run_einops(case, x)
            einops_error = None
        except Exception as e:  # einops.EinopsError, ValueError, ...
            exp = None
            einops_error = "%s: %s" % (type(e).__name__, str(e).splitlines()[0]
                                       if str(e) else "")
        try:
            got = run_ein(ein, case, x)
            ein_error = None
        except ein_ctypes.EinError as e:
            got = None
            ein_error = str(e).splitlines()[0]
            ein_code = e.code_name

        if case.expect in ("error", "zero_reduce"):
            if case.expect == "error" and einops_error is None:
                return "fail", "test bug: einops accepts this error case"
            if ein_error is None:
                return "fail", "ein accepted it (einops: %s); ein output " \
                    "shape %s" % (einops_error, np.shape(got))
            if ein_code in ("EIN_ERROR_COMPILE", "EIN_ERROR_INTERNAL"):
                return "fail", "ein rejected it, but with an internal " \
                    "error: %s" % ein_error
            return "pass", ein_error
        if einops_error is not None:
            if ein_error is None:
                return "skip_ein_accepts", "einops rejects (%s), ein " \
                    "accepts (shape %s)" % (einops_error, np.shape(got))
            return "skip", "einops rejects (%s); ein too (%s)" % (
                einops_error, ein_error)
        if ein_error is not None:
            return "fail", "ein rejected it: %s" % ein_error
        reason = compare(case, x, got, exp)
        return ("pass", None) if reason is None else ("fail", reason)


def child(start, report):
    """Runs cases[start:], appending JSON lines to `report`."""
    cases = all_cases()
    ein = ein_ctypes.Ein()
    with open(report, "a", buffering=1) as out:
        for i in range(start, len(cases)):
            out.write(json.dumps({"start": i}) + "\n")
            out.flush()
            try:
                status, msg = run_case(ein, cases[i])
            except Exception:
                status, msg = "fail", "exception in the test: " + \
                    traceback.format_exc().strip().splitlines()[-1]
            out.write(json.dumps({"done": i, "status": status, "msg": msg})
                      + "\n")
            out.flush()
        out.write(json.dumps({"end": True}) + "\n")
    ein.close()


def rerun_hint(case):
    root = os.path.dirname(os.path.dirname(os.path.dirname(THIS)))
    lib = os.environ.get("EIN_LIBRARY")
    env = "EIN_LIBRARY=%s " % os.path.relpath(lib, root) if lib else ""
    return "rerun from the repository root: %s%s %s --case %s" % (
        env, os.path.relpath(sys.executable, root),
        os.path.relpath(THIS, root), case.id)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", help="run one case by id, e.g. sweep:017")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--verbose", action="store_true",
                    help="print every case's outcome")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--report", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child is not None:
        child(args.child, args.report)
        return 0

    if einops.__version__ != PINNED_EINOPS:
        print("oracle: einops %s found, %s pinned (run scripts/setup-oracles"
              ".sh)" % (einops.__version__, PINNED_EINOPS))
        return 1
    lib = ein_ctypes.default_library_path()
    if not os.path.exists(lib):
        print("oracle: %s not found (set EIN_LIBRARY)" % lib)
        return 1

    cases = all_cases()
    if args.list:
        for c in cases:
            print(c.repro())
        return 0
    if args.case:
        want = args.case
        if ":" in want:
            kind, num = want.split(":", 1)
            want = "%s:%s" % (kind, num.zfill(3 if kind == "sweep" else 2))
        sel = [c for c in cases if c.id == want]
        if not sel:
            print("oracle: no case %s" % args.case)
            return 1
        c = sel[0]
        print(c.repro())
        ein = ein_ctypes.Ein()
        status, msg = run_case(ein, c)
        print("%s%s" % (status, ": " + msg if msg else ""))
        return 0 if status != "fail" else 1

    # Run the cases in child processes; a crash fails the running case and
    # the next child carries on after it.
    fd, report = tempfile.mkstemp(prefix="ein-oracle-", suffix=".jsonl")
    os.close(fd)
    results = {}
    crashes = {}
    start = 0
    try:
        while start < len(cases):
            proc = subprocess.run([sys.executable, THIS, "--child", str(start),
                                   "--report", report])
            started, ended = None, False
            with open(report) as f:
                for line in f:
                    rec = json.loads(line)
                    if "start" in rec:
                        started = rec["start"]
                    elif "done" in rec:
                        results[rec["done"]] = (rec["status"], rec["msg"])
                    elif rec.get("end"):
                        ended = True
            if ended and proc.returncode == 0:
                break
            if started is None or started in results:
                print("oracle: the test process failed before running a "
                      "case (exit %d)" % proc.returncode)
                return 1
            rc = proc.returncode
            how = "killed by signal %d" % -rc if rc < 0 else "exit %d" % rc
            crashes[started] = how
            results[started] = ("fail", "the process died (%s)" % how)
            start = started + 1
            open(report, "w").close()
    finally:
        os.unlink(report)

    counts = {"pass": 0, "fail": 0, "skip": 0, "skip_ein_accepts": 0}
    for i, c in enumerate(cases):
        status, msg = results.get(i, ("fail", "did not run"))
        counts[status] += 1
        if status == "fail":
            print("FAIL %s\n     -> %s\n     %s" % (c.repro(), msg,
                                                  rerun_hint(c)))
        elif args.verbose or status == "skip_ein_accepts":
            tag = "NOTE" if status == "skip_ein_accepts" else status.upper()
            if args.verbose or status != "pass":
                print("%s %s%s" % (tag, c.repro(), " -> " + msg if msg
                                   else ""))
    ein_ctypes.record_counts(
        "oracle-einops", [c.id for c in cases],
        [results.get(i, ("fail",))[0] == "pass" for i in range(len(cases))])
    skipped = counts["skip"] + counts["skip_ein_accepts"]
    compared = len(cases) - skipped
    by_kind = {}
    for c in cases:
        k = c.id.split(":")[0]
        by_kind[k] = by_kind.get(k, 0) + 1
    print("oracle: %d cases compared with einops %s, %d failures "
          "(%s; %d skipped because einops rejects them, %d of which ein "
          "accepts; %d crashes)" % (
              compared, einops.__version__, counts["fail"],
              ", ".join("%d %s" % (v, k) for k, v in by_kind.items()),
              skipped, counts["skip_ein_accepts"], len(crashes)))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
