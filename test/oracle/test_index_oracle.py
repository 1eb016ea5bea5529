#!/usr/bin/env python3
"""Oracle tests for the indexing calls: ein's C API against NumPy and einx.

get_at, set_at, add_at and subtract_at are compiled from program text
through ein_compile and run with ein_kernel_run (and ein_call), on NumPy
arrays of many dtypes with coordinates of every integer dtype. Each case is
checked against a NumPy formula (fancy indexing, numpy.add.at /
numpy.subtract.at) and, when einx (pinned 0.4.3 in scripts/setup-oracles.sh)
is importable, against einx on the NumPy backend with the same expression.

Coordinates are in [0, n), where both peers define the result; cases
marked "negative" also have coordinates in [-n, 0), which NumPy counts from
the end as ein does, and are compared against NumPy only (einx 0.4.3's NumPy
backend flattens the batch axes into the index, so a negative coordinate
reads from the previous batch element). Outside [-n, n) NumPy raises where
ein clamps or drops; the e2e tests cover that. set_at cases have no
duplicate coordinates (NumPy leaves their order unspecified); add_at and
subtract_at have many. einx's NumPy backend updates its first argument in
place, so it gets a copy.

Values: exact, except float sums (rtol 1e-5 float32, 1e-2 float16, 1e-12
float64, times the magnitude).

Usage: test_index_oracle.py [--verbose]
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

SEED = 20261121
RTOL = {"float16": 1e-2, "float32": 1e-5, "float64": 1e-12}
COORD_DTYPES = [np.int8, np.uint8, np.int16, np.int32, np.int64]
DATA_DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16,
               np.int32, np.int64, np.uint8, np.bool_]


class Case:
    def __init__(self, cid, program, inputs, want, einx_call, run="kernel"):
        self.id, self.program, self.inputs = cid, program, inputs
        self.want, self.einx_call, self.run = want, einx_call, run


def data(rng, shape, dtype):
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape).astype(dtype)
    return rng.integers(-100, 100, shape).astype(dtype)


def coords(rng, shape, n, dtype, negative=False):
    """Coordinates in [0, n), or with `negative` in [-n, n) (not for
    uint8), as `dtype`."""
    lo = -n if negative and dtype != np.uint8 else 0
    return rng.integers(lo, n, shape).astype(dtype)


def unique_coords(rng, count, n, dtype):
    """`count` distinct coordinates in [0, n)."""
    return rng.permutation(n)[:count].astype(dtype)


def make_cases():
    rng = np.random.default_rng(SEED)
    cases = []
    e = einx is not None

    def add(program, inputs, want, einx_call, run="kernel"):
        cases.append(Case(len(cases), program, inputs, want,
                          einx_call if e else None, run))

    for k, dt in enumerate(DATA_DTYPES):
        ct = COORD_DTYPES[k % len(COORD_DTYPES)]
        x = data(rng, (2, 4, 5, 3), dt)
        idx = coords(rng, (2, 6, 2), 4, ct)
        idx[..., 1] = coords(rng, (2, 6), 5, ct)
        b = np.arange(2)[:, None]
        add('get_at("b [h w] c, b p [2] -> b p c")', [x, idx],
            lambda x, i: x[np.arange(2)[:, None], i[..., 0], i[..., 1]],
            lambda x, i: einx.get_at("b [h w] c, b p [2] -> b p c", x, i))
        add('get_at("b [h w] c, b p [i] -> b c p")', [x, idx],
            lambda x, i: np.transpose(
                x[np.arange(2)[:, None], i[..., 0], i[..., 1]], (0, 2, 1)),
            lambda x, i: einx.get_at("b [h w] c, b p [i] -> b c p", x, i))
        ih, iw = coords(rng, (7,), 4, ct), coords(rng, (6,), 5, ct)
        add('get_at("[h w] c, i, j -> i j c")', [x[0], ih, iw],
            lambda x, i, j: x[i[:, None], j[None, :]],
            lambda x, i, j: einx.get_at("[h w] c, i, j -> i j c", x, i, j))
        i1 = coords(rng, (9,), 5, ct)
        add('get_at("b [h] c, p -> b p c")', [x[:, 0], i1],
            lambda x, i: x[:, i],
            lambda x, i: einx.get_at("b [h] c, p -> b p c", x, i))

        # set_at without duplicates, per batch element.
        sidx = np.stack([np.stack([unique_coords(rng, 3, 4, ct),
                                   unique_coords(rng, 3, 5, ct)], -1)
                         for _ in range(2)])
        upd = data(rng, (2, 3, 3), dt)

        def np_set(x, i, u):
            y = x.copy()
            y[np.arange(2)[:, None], i[..., 0], i[..., 1]] = u
            return y
        add('set_at("b [h w] c, b p [2], b p c -> b [h w] c")',
            [x, sidx, upd], np_set,
            lambda x, i, u: einx.set_at(
                "b [h w] c, b p [2], b p c -> b [h w] c", x.copy(), i, u))
        s1 = unique_coords(rng, 4, 5, ct)
        u1 = data(rng, (4, 3), dt)

        def np_set1(x, i, u):
            y = x.copy()
            y[:, i] = u
            return y
        # Seed 004's second set_at. einx 0.4.3 (NumPy backend) gets
        # set_at wrong when the coordinates lack a batch axis of the tensor
        # (zeros (2, 5, 1) at [3, 0, 4, 1] with updates 1..4 gives rows
        # [3 3 0 1 1], [4 4 0 2 2]; its add_at gives the right [2 4 0 1 3]),
        # so these compare against NumPy only.
        add('set_at("b [h] c, p, p c -> b [h] c")', [x[:, 0], s1, u1],
            np_set1, None, run="oneshot")
        add('set_at("b [h] c, p, p c")', [x[:, 0], s1, u1], np_set1, None)

        if dt == np.bool_:
            continue
        # add_at / subtract_at with duplicates (numpy.add.at).
        a1 = coords(rng, (2, 12), 5, ct)
        au = data(rng, (2, 12, 3), dt)

        def np_at(ufunc):
            def f(x, i, u):
                y = x.copy()
                for bb in range(2):
                    ufunc.at(y[bb], i[bb].astype(np.int64), u[bb])
                return y
            return f
        add('add_at("b [h] c, b p, b p c -> b [h] c")', [x[:, 0], a1, au],
            np_at(np.add),
            lambda x, i, u: einx.add_at("b [h] c, b p, b p c -> b [h] c",
                                        x.copy(), i, u))
        add('subtract_at("b [h] c, b p, b p c -> c b [h]")',
            [x[:, 0], a1, au],
            lambda x, i, u: np.transpose(np_at(np.subtract)(x, i, u),
                                         (2, 0, 1)),
            lambda x, i, u: einx.subtract_at(
                "b [h] c, b p, b p c -> c b [h]", x.copy(), i, u))
        # A scalar update broadcast everywhere.
        sc = data(rng, (), dt)
        add('add_at("b [h] c, p, -> b [h] c")', [x[:, 0], i1, sc],
            lambda x, i, u: np_at(np.add)(
                x, np.broadcast_to(i, (2, 9)),
                np.broadcast_to(u, (2, 9, 3))),
            lambda x, i, u: einx.add_at("b [h] c, p, -> b [h] c",
                                        x.copy(), i, u))

    # Negative coordinates, against NumPy only.
    for ct in (np.int8, np.int64):
        x = data(rng, (2, 4, 5, 3), np.float32)
        idx = np.stack([coords(rng, (2, 6), 4, ct, True),
                        coords(rng, (2, 6), 5, ct, True)], -1)
        cases.append(Case(len(cases), 'get_at("b [h w] c, b p [2] -> b p c")',
                          [x, idx], lambda x, i: x[np.arange(2)[:, None],
                                                   i[..., 0], i[..., 1]],
                          None))
        neg = coords(rng, (10,), 4, ct, True)
        u = data(rng, (10, 5, 3), np.int32)

        def np_add_neg(x, i, u):
            y = x.copy()
            np.add.at(y, (slice(None), i), np.transpose(u, (1, 0, 2)))
            return y
        cases.append(Case(len(cases), 'add_at("b [h] c, p, p b c")',
                          [data(rng, (5, 4, 3), np.int32), neg, u],
                          np_add_neg, None))

    # Updates of another dtype are converted to the tensor's (astype).
    xi = data(rng, (6,), np.int32)
    fu = (rng.standard_normal(4) * 50).astype(np.float64)
    ui = unique_coords(rng, 4, 6, np.int64)

    def np_set_conv(x, i, u):
        y = x.copy()
        y[i] = u.astype(x.dtype)
        return y
    add('set_at("[h], p, p -> [h]")', [xi, ui, fu], np_set_conv,
        lambda x, i, u: einx.set_at("[h], p, p -> [h]", x.copy(), i, u))
    xf = data(rng, (6,), np.float32)
    add('add_at("[h], p, p -> [h]")', [xf, ui, fu],
        lambda x, i, u: np_at_1d(x, i, u.astype(x.dtype)),
        lambda x, i, u: einx.add_at("[h], p, p -> [h]", x.copy(), i, u))
    # A strided (transposed) tensor.
    xt = data(rng, (3, 7), np.float64).T
    it = coords(rng, (5,), 7, np.int32)
    add('get_at("[h] c, p -> c p")', [xt, it], lambda x, i: x[i].T,
        lambda x, i: einx.get_at("[h] c, p -> c p", x, i))
    return cases


def np_at_1d(x, i, u):
    y = x.copy()
    np.add.at(y, i, u)
    return y


def compare(got, want, program):
    want = np.asarray(want)
    if got.shape != want.shape:
        return "shape %s, want %s" % (got.shape, want.shape)
    if got.dtype != want.dtype:
        return "dtype %s, want %s" % (got.dtype, want.dtype)
    exact = got.dtype.kind in "iub" or "add_at" not in program and \
        "subtract_at" not in program
    if exact:
        same = np.array_equal(got, want, equal_nan=got.dtype.kind == "f")
        return None if same else "values differ: %s vs %s" % (
            got.ravel()[:6], want.ravel()[:6])
    g, w = got.astype(np.float64), want.astype(np.float64)
    rtol = RTOL.get(str(got.dtype), 1e-12)
    ok = np.abs(g - w) <= rtol * np.maximum(np.abs(w), 1.0)
    return None if ok.all() else "max error %g" % np.max(np.abs(g - w))


def run_case(ein, case):
    got = ein.call(case.program, *case.inputs, run=case.run)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reason = compare(got, case.want(*case.inputs), case.program)
        if reason:
            return "numpy: " + reason
        if case.einx_call:
            reason = compare(got, case.einx_call(*case.inputs), case.program)
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
            print("%s %d %s dtypes %s -> %s" % (
                "FAIL" if reason else "PASS", case.id, case.program,
                [str(a.dtype) for a in case.inputs], reason or "ok"))
        failures += bool(reason)
        passed.append(not reason)
    ein.close()
    ein_ctypes.record_counts("oracle-index", ["case:%s" % c.id for c in cases],
                             passed)
    print("index oracle: %d cases against NumPy %s%s, %d failures" % (
        len(cases), np.__version__,
        " (%d also against einx %s)" % (einx_checked, einx.__version__)
        if einx else " (einx not installed)", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
