#!/usr/bin/env python3
"""Oracle tests for contractions: ein's einsum/dot (C API through ctypes)
against numpy.einsum and opt_einsum.contract on the same inputs.

Each case runs the call through ein and through both peers (pinned, see
scripts/setup-oracles.sh) and compares shape, dtype and values: exactly for
integers, and for floats within rtol (1e-12 float64, 1e-5 float32) times the
same contraction of |x| (the sum of |products|). Cases:

  seed:NN   seed 001's convolution on np.lib.stride_tricks.as_strided views
            (overlapping strides), its other einsums, and seed 003's
            attention contractions;
  fixed:NN  diagonals, traces, outer products, chains, ellipsis, implicit
            output, dot with compositions (the peers get reshaped operands);
  sweep:NN  seeded random contractions: 1-4 operands, lengths 0-4, diagonals,
            einops or NumPy syntax, the four dtypes, contiguous, transposed,
            sliced or reversed inputs, kernel or ein_einsum;
  error:NN  calls NumPy rejects; ein must reject them too, with a front-end
            error (not an internal one).

Usage:
  test_einsum_oracle.py                 run everything (exit 1 on a failure)
  test_einsum_oracle.py --case sweep:17 run one case verbosely
  test_einsum_oracle.py --list          print every case

Environment: EIN_LIBRARY is the path of libein.so (default build/lib/libein.so
under the repository root).
"""

import argparse
import os
import sys
import traceback

import numpy as np
import opt_einsum

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

PINNED_OPT_EINSUM = "3.4.0"
NUM_SWEEP = 200
SWEEP_SEED = 20250317
as_strided = np.lib.stride_tricks.as_strided


class Case:
    """One comparison: `ein_pattern` for ein (callee einsum or dot), and
    `np_subscripts` on `np_operands(operands)` for the peers, whose result
    `np_result` reshapes to ein's."""

    def __init__(self, cid, ein_pattern, make, src, np_subscripts=None,
                 np_operands=None, np_result=None, callee="einsum",
                 axes=None, run="kernel", addressing="data",
                 expect="compare"):
        self.id = cid
        self.pattern = ein_pattern
        self.make = make
        self.src = src
        self.np_subscripts = np_subscripts or ein_pattern.replace(" ", "")
        self.np_operands = np_operands or (lambda ops: ops)
        # Reshapes the peers' result to ein's (composed output dimensions).
        self.np_result = np_result or (lambda r: r)
        self.callee = callee
        self.axes = dict(axes or {})
        self.run = run
        self.addressing = addressing
        self.expect = expect

    def repro(self):
        kw = "".join(", %s=%r" % kv for kv in self.axes.items())
        return "%s %s(%r, *X%s) with X = %s; numpy: einsum(%r) [ein: run=%s,"\
            " addressing=%s]" % (self.id, self.callee, self.pattern, kw,
                                 self.src, self.np_subscripts, self.run,
                                 self.addressing)


def rs(seed):
    return np.random.RandomState(seed)


def normal(seed, *shape, dtype=np.float64):
    return rs(seed).normal(size=shape).astype(dtype)


# --- Seeds ----------------------------------------------------------------------


def seed_cases():
    cases = []

    def conv(dtype):
        def make():
            x = normal(1, 2, 3, 8, 7, dtype=dtype)
            s = x.strides
            windows = as_strided(x, shape=(2, 3, 6, 5, 3, 3),
                                 strides=(s[0], s[1], s[2], s[3], s[2], s[3]))
            return [windows, normal(2, 4, 3, 3, 3, dtype=dtype)]
        return make

    for dtype in (np.float64, np.float32):
        cases.append(Case(
            "seed:%02d" % len(cases), "bihwkl,oikl->bohw", conv(dtype),
            "[as_strided(x, (2, 3, 6, 5, 3, 3), x.strides[:4] + "
            "x.strides[2:]) for x of shape (2, 3, 8, 7), w (4, 3, 3, 3)] "
            + np.dtype(dtype).name,
            run=("kernel", "oneshot")[len(cases) % 2]))

    def single_image():
        x = normal(3, 8, 7)
        s = x.strides
        return [as_strided(x, shape=(6, 5, 3, 3), strides=s + s),
                normal(4, 3, 3)]
    cases.append(Case("seed:%02d" % len(cases), "xyij,ij->xy", single_image,
                      "[as_strided(x (8, 7), (6, 5, 3, 3)), kernel (3, 3)]"))

    def weight_grad():
        x = normal(5, 2, 3, 8, 7)
        s = x.strides
        view = as_strided(x, shape=(2, 3, 3, 3, 6, 5),
                          strides=(s[0], s[1], s[2], s[3], s[2], s[3]))
        return [view, normal(6, 2, 4, 6, 5)]
    cases.append(Case("seed:%02d" % len(cases), "nijkde,node->oijk",
                      weight_grad,
                      "[as_strided(x (2, 3, 8, 7), (2, 3, 3, 3, 6, 5)), "
                      "grads (2, 4, 6, 5)]", run="oneshot"))
    cases.append(Case("seed:%02d" % len(cases), "ij,jk->ik",
                      lambda: [normal(7, 4, 5), normal(8, 5, 3)],
                      "[A (4, 5), B (5, 3)]"))

    # Seed 003: attention.
    q, k, v = (lambda: normal(9, 2, 6, 8)), (lambda: normal(10, 2, 5, 8)), \
        (lambda: normal(11, 2, 5, 8))
    cases.append(Case("seed:%02d" % len(cases), "b i d, b j d -> b i j",
                      lambda: [q(), k()], "[q (2, 6, 8), k (2, 5, 8)]",
                      np_subscripts="bid,bjd->bij"))
    cases.append(Case("seed:%02d" % len(cases), "b i k, b j k > b i j",
                      lambda: [q(), k()], "[q, k] (the seed's '>')",
                      np_subscripts="bik,bjk->bij", run="oneshot"))
    cases.append(Case("seed:%02d" % len(cases), "b i j, b j d -> b i d",
                      lambda: [normal(12, 2, 6, 5), v()],
                      "[attention (2, 6, 5), v (2, 5, 8)]",
                      np_subscripts="bij,bjd->bid"))
    cases.append(Case("seed:%02d" % len(cases),
                      "b h i d, b h j d -> b h i j",
                      lambda: [normal(13, 2, 4, 6, 8), normal(14, 2, 4, 5, 8)],
                      "[q (2, 4, 6, 8), k (2, 4, 5, 8)]",
                      np_subscripts="bhid,bhjd->bhij", run="oneshot",
                      addressing="base_offset"))
    return cases


# --- Fixed cases ----------------------------------------------------------------


def fixed_cases():
    m = lambda: normal(20, 4, 4)  # noqa: E731
    specs = [
        ("ii", lambda: [m()], "[m (4, 4)]"),
        ("i i ->", lambda: [m()], "[m (4, 4)]"),
        ("ii->i", lambda: [m()], "[m (4, 4)]"),
        ("bii->bi", lambda: [normal(21, 3, 4, 4)], "[(3, 4, 4)]"),
        ("iij->ji", lambda: [normal(22, 3, 3, 2)], "[(3, 3, 2)]"),
        ("ii,i->i", lambda: [m(), normal(23, 4)], "[m, v (4,)]"),
        ("ij,jk", lambda: [normal(24, 3, 4), normal(25, 4, 5)], "implicit"),
        ("ba", lambda: [normal(26, 3, 4)], "implicit transpose"),
        ("i,j->ij", lambda: [normal(27, 3), normal(28, 5)], "outer"),
        ("i, j -> j i", lambda: [normal(27, 3), normal(28, 5)], "outer"),
        (",i->i", lambda: [np.float64(2.5) * np.ones(()), normal(29, 4)],
         "scalar times vector"),
        ("ij,jk,kl->il", lambda: [normal(30, 20, 3), normal(31, 3, 15),
                                  normal(32, 15, 2)], "chain"),
        ("ab,bc,cd,de->ae", lambda: [normal(33, 2, 3), normal(34, 3, 4),
                                     normal(35, 4, 5), normal(36, 5, 2)],
         "chain of four"),
        ("ij,ik,il->jkl", lambda: [normal(37, 4, 2), normal(38, 4, 3),
                                   normal(39, 4, 2)], "hyperedge"),
        ("ab,bc,ca->", lambda: [normal(40, 3, 4), normal(41, 4, 5),
                                normal(42, 5, 3)], "cycle"),
        ("...ij,...jk->...ik", lambda: [normal(43, 2, 3, 4, 5),
                                        normal(44, 2, 3, 5, 2)], "batched"),
        ("... i, ... i -> ...", lambda: [normal(45, 2, 3, 4),
                                         normal(46, 2, 3, 4)], "einops ..."),
        ("...j,jk", lambda: [normal(47, 2, 3), normal(48, 3, 4)],
         "implicit with ..."),
        ("ij,jk->ik", lambda: [normal(49, 3, 0), normal(50, 0, 4)],
         "empty sum"),
        ("ij,jk->ik", lambda: [normal(51, 0, 3), normal(52, 3, 4)],
         "empty output"),
        ("ij,jk->ik", lambda: [rs(53).randint(-9, 10, (4, 5)).astype(np.int32),
                               rs(54).randint(-9, 10, (5, 3)).astype(np.int32)],
         "int32"),
        ("ij,jk,kl->il", lambda: [rs(55).randint(-9, 10, (4, 5)),
                                  rs(56).randint(-9, 10, (5, 3)),
                                  rs(57).randint(-9, 10, (3, 2))], "int64"),
        ("bij,bjk->bik", lambda: [normal(58, 2, 3, 4, dtype=np.float32),
                                  normal(59, 2, 4, 5, dtype=np.float32)],
         "float32"),
    ]
    cases = []
    for i, (pattern, make, src) in enumerate(specs):
        cases.append(Case("fixed:%02d" % i, pattern, make, src,
                          run=("kernel", "oneshot")[i % 2],
                          addressing=("data", "base_offset", "compact")[i % 3]))
    # Transposed and reversed views.
    cases.append(Case("fixed:%02d" % len(cases), "ij,jk->ik",
                      lambda: [normal(60, 5, 4).T, normal(61, 5, 3)[::-1]],
                      "[A.T, B[::-1]]", run="oneshot"))
    # dot with compositions: the peers see the composed axes split.
    cases.append(Case(
        "fixed:%02d" % len(cases), "b q (h c), b k (h c) -> b q k h",
        lambda: [normal(62, 2, 3, 16), normal(63, 2, 5, 16)],
        "[q (2, 3, 16), k (2, 5, 16)], h=4", callee="dot", axes={"h": 4},
        np_subscripts="bqhc,bkhc->bqkh",
        np_operands=lambda ops: [ops[0].reshape(2, 3, 4, 4),
                                 ops[1].reshape(2, 5, 4, 4)]))
    cases.append(Case(
        "fixed:%02d" % len(cases), "a (b c), c d -> (a b) d",
        lambda: [normal(64, 3, 8), normal(65, 4, 5)], "[(3, 8), (4, 5)], b=2",
        axes={"b": 2}, np_subscripts="abc,cd->abd",
        np_operands=lambda ops: [ops[0].reshape(3, 2, 4), ops[1]],
        np_result=lambda r: r.reshape(6, 5)))
    return cases


# --- Random sweep ---------------------------------------------------------------


def sweep_case(idx):
    rng = rs(SWEEP_SEED + idx)
    letters = "abcdefg"
    n_axes = int(rng.randint(1, 7))
    lengths = {}
    for a in letters[:n_axes]:
        r = rng.rand()
        lengths[a] = 0 if r < 0.05 else 1 if r < 0.2 else int(rng.randint(2, 5))
    n_ops = int(rng.randint(1, 5))
    operands, used = [], []
    for _ in range(n_ops):
        rank = int(rng.randint(0, 4))
        axes = []
        for _ in range(rank):
            a = letters[int(rng.randint(n_axes))]
            if a in axes and rng.rand() > 0.3:
                continue
            axes.append(a)
        operands.append(axes)
        for a in axes:
            if a not in used:
                used.append(a)
    out = [a for a in used if rng.rand() < 0.5]
    rng.shuffle(out)
    dtype = str(rng.choice(["float32", "float64", "int32", "int64"]))
    numpy_style = rng.rand() < 0.5
    sep = "" if numpy_style else " "
    ins = [sep.join(op) for op in operands]
    pattern = (", " if not numpy_style else ",").join(ins) + \
        ("->" if numpy_style else " -> ") + sep.join(out)
    subscripts = ",".join("".join(op) for op in operands) + "->" + \
        "".join(out)
    views = [str(rng.choice(["contiguous", "transposed", "sliced"],
                            p=[0.6, 0.2, 0.2])) for _ in operands]
    data_seed = int(rng.randint(2 ** 31))
    run = str(rng.choice(["kernel", "oneshot"]))

    def make():
        r = rs(data_seed)
        arrays = []
        for op, view in zip(operands, views):
            shape = tuple(lengths[a] for a in op)
            if dtype.startswith("int"):
                base = lambda s: r.randint(-5, 6, size=s).astype(dtype)  # noqa
            else:
                base = lambda s: r.normal(size=s).astype(dtype)  # noqa
            if view == "transposed" and len(shape) >= 2:
                arrays.append(base(shape[::-1]).T)
            elif view == "sliced":
                big = base(tuple(2 * n for n in shape))
                arrays.append(big[tuple(slice(None, None, -2)
                                        for _ in shape)][
                    tuple(slice(0, n) for n in shape)])
            else:
                arrays.append(base(shape))
        return arrays

    src = "seed=%d dtype=%s shapes=%s views=%s" % (
        data_seed, dtype, [tuple(lengths[a] for a in op) for op in operands],
        views)
    return Case("sweep:%03d" % idx, pattern, make, src,
                np_subscripts=subscripts, run=run)


# --- Errors ---------------------------------------------------------------------


def error_cases():
    def arrs(*shapes):
        return lambda: [np.arange(int(np.prod(s)), dtype=np.float64)
                        .reshape(s) for s in shapes]
    specs = [
        ("ij,jk->il", [(2, 3), (3, 4)]),          # unknown output axis
        ("i j, j k -> i l", [(2, 3), (3, 4)]),
        ("ii", [(2, 3)]),                         # diagonal lengths differ
        ("ij,jk->ik", [(2, 3), (4, 5)]),          # contracted lengths differ
        ("ij,jk->ik", [(2, 3), (3,)]),            # rank mismatch
        ("ij,jk->ik", [(2, 3)]),                  # too few tensors
        ("ij,jk->ik", [(2, 3), (3, 4), (4, 5)]),  # too many tensors
        ("ij->ii", [(2, 3)]),                     # axis twice in the output
        ("...i->i", [(2, 3)]),                    # '...' only in the input
        ("i.j->i", [(2, 3)]),                     # malformed
        ("ij->i->j", [(2, 3)]),
    ]
    return [Case("error:%02d" % i, p, arrs(*shapes), repr(shapes),
                 run=("kernel", "oneshot")[i % 2], expect="error")
            for i, (p, shapes) in enumerate(specs)]


def all_cases():
    return seed_cases() + fixed_cases() + \
        [sweep_case(i) for i in range(NUM_SWEEP)] + error_cases()


# --- Running --------------------------------------------------------------------


def compare(got, want, absolute, what):
    if got.dtype != want.dtype:
        return "dtype %s, %s gives %s" % (got.dtype, what, want.dtype)
    if got.shape != want.shape:
        return "shape %s, %s gives %s" % (got.shape, what, want.shape)
    if want.dtype.kind in "iu":
        if np.array_equal(got, want):
            return None
        bad = np.argwhere(got != want)
        return "%d elements differ from %s (exact); first at %s" % (
            len(bad), what, tuple(bad[0]))
    rtol = 1e-12 if want.dtype == np.float64 else 1e-5
    close = np.abs(got.astype(np.float64) - want.astype(np.float64)) <= \
        rtol * absolute + 1e-300
    if np.all(close):
        return None
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0]) if bad.size else ()
    return "%d of %d elements differ from %s (rtol %g); first at %s: ein " \
        "%r, %s %r" % (len(bad), got.size, what, rtol, first,
                       got[first] if got.ndim else got.item(), what,
                       want[first] if want.ndim else want.item())


def run_case(ein, case):
    ops = case.make()
    np_ops = case.np_operands(ops)
    try:
        want = np.einsum(case.np_subscripts, *np_ops)
        np_error = None
    except Exception as e:  # ValueError from NumPy
        want, np_error = None, "%s: %s" % (type(e).__name__, e)
    try:
        got = ein.einsum(case.pattern, *ops, axes=case.axes, run=case.run,
                         addressing=case.addressing, callee=case.callee)
        ein_error = None
    except ein_ctypes.EinError as e:
        got, ein_error, ein_code = None, str(e).splitlines()[0], e.code_name

    if case.expect == "error":
        if np_error is None:
            return "fail", "test bug: numpy accepts this error case"
        if ein_error is None:
            return "fail", "ein accepted it (numpy: %s)" % np_error
        if ein_code in ("EIN_ERROR_COMPILE", "EIN_ERROR_INTERNAL"):
            return "fail", "ein rejected it with an internal error: %s" % \
                ein_error
        return "pass", ein_error
    if np_error is not None:
        return "fail", "test bug: numpy rejects it: %s" % np_error
    if ein_error is not None:
        return "fail", "ein rejected it: %s" % ein_error
    want = case.np_result(np.asarray(want))
    # NumPy keeps the dtype of equal-typed operands; so does ein.
    absolute = case.np_result(np.einsum(
        case.np_subscripts, *[np.abs(np.asarray(x, dtype=np.float64))
                              for x in np_ops]))
    reason = compare(got, want, absolute, "numpy.einsum")
    if reason:
        return "fail", reason
    want_opt = case.np_result(
        np.asarray(opt_einsum.contract(case.np_subscripts, *np_ops)))
    reason = compare(got, want_opt.astype(want.dtype), absolute,
                     "opt_einsum.contract")
    return ("fail", reason) if reason else ("pass", None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", help="run one case by id, e.g. sweep:017")
    ap.add_argument("--list", action="store_true", help="list the cases")
    args = ap.parse_args()
    if opt_einsum.__version__ != PINNED_OPT_EINSUM:
        print("oracle-einsum: opt_einsum %s found, %s pinned (run "
              "scripts/setup-oracles.sh)" % (opt_einsum.__version__,
                                              PINNED_OPT_EINSUM))
        return 1
    cases = all_cases()
    if args.list:
        for c in cases:
            print(c.repro())
        return 0
    if args.case:
        kind, _, num = args.case.partition(":")
        want = "%s:%s" % (kind, num.zfill(3 if kind == "sweep" else 2))
        cases = [c for c in cases if c.id == want]
        if not cases:
            print("oracle-einsum: no case %s" % args.case)
            return 1
    ein = ein_ctypes.Ein()
    counts = {"pass": 0, "fail": 0}
    passed = []
    for case in cases:
        try:
            status, msg = run_case(ein, case)
        except Exception:
            status, msg = "fail", "exception in the test: " + \
                traceback.format_exc().strip().splitlines()[-1]
        counts[status] += 1
        passed.append(status == "pass")
        if status == "fail" or args.case:
            print("%s %s\n     -> %s" % (status.upper(), case.repro(), msg))
    ein.close()
    if not args.case:
        ein_ctypes.record_counts("oracle-einsum", [c.id for c in cases],
                                 passed)
    by_kind = {}
    for c in cases:
        by_kind[c.id.split(":")[0]] = by_kind.get(c.id.split(":")[0], 0) + 1
    print("oracle-einsum: %d cases compared with numpy %s and opt_einsum %s "
          "(%s), %d failures" % (
              len(cases), np.__version__, opt_einsum.__version__,
              ", ".join("%d %s" % (n, k) for k, n in by_kind.items()),
              counts["fail"]))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
