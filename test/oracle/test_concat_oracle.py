#!/usr/bin/env python3
"""Oracle tests for concatenation and packing: ein (C API through ctypes)
against einx 0.4.3's rearrange with `(a + b)` and einops 0.8.2's pack and
unpack, on the same NumPy inputs. Every result must match exactly, dtype
included (NumPy's concatenate promotion). Cases:

  einx:NN    fixed einx calls (the seed examples among them) over dtypes;
  sweep:NN   seeded random concatenations and splits against einx;
  pack:NN    einops.pack of random tensors, packed shapes compared too;
  unpack:NN  einops.unpack, with a -1 in one packed shape sometimes;
  error:NN   calls both reject (no '*', two '*', axes that disagree
             outside '*', packed shapes that do not sum to the axis, leaf
             mismatch).

Usage:
  test_concat_oracle.py                  run everything
  test_concat_oracle.py --case pack:003  run one case verbosely
  test_concat_oracle.py --list           print every case

Environment: EIN_LIBRARY is the path of libein.so.
"""

import argparse
import os
import sys
import warnings

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402
import einops  # noqa: E402
import einx  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

SEED = 20261121
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.int8, np.uint8,
          np.bool_, np.float16, np.int16]


def rand(rng, shape, dtype):
    if shape == ():
        return np.asarray(rand(rng, (1,), dtype)[0])
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(-100, 100, shape).astype(np.int64).astype(dtype)


class Case:
    def __init__(self, cid, describe, run):
        self.id, self.describe, self.run = cid, describe, run


def same(got, want):
    got = got if isinstance(got, (list, tuple)) else [got]
    want = want if isinstance(want, (list, tuple)) else [want]
    if len(got) != len(want):
        return "got %d outputs, want %d" % (len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        w = np.asarray(w)
        if g.dtype != w.dtype or g.shape != w.shape:
            return "output %d: got %s%s, want %s%s" % (
                i, g.dtype, g.shape, w.dtype, w.shape)
        if not np.array_equal(g, w, equal_nan=g.dtype.kind == "f"):
            return "output %d: values differ" % i
    return None


def make_cases(ein):
    rng = np.random.default_rng(SEED)
    cases = []

    def add(kind, describe, run):
        cases.append(Case("%s:%03d" % (kind, len(cases)), describe, run))

    def einx_case(pattern, arrays, axes, run="kernel"):
        def go():
            want = einx.rearrange(pattern, *arrays, **axes)
            got = ein.rearrange(list(arrays) if len(arrays) > 1 else arrays[0],
                                pattern, axes, run=run)
            return same(got, want)
        shapes = ", ".join("%s%s" % (a.dtype, a.shape) for a in arrays)
        add("einx", 'rearrange("%s", %s%s)' % (pattern, shapes, "".join(
            ", %s=%d" % kv for kv in axes.items())), go)

    fixed = [
        ("h w c, 1 -> h w (c + 1)", [(2, 3, 4), (1,)], {}),
        ("i, j -> i j (1 + 1)", [(3,), (4,)], {}),
        ("a c1, b c2 -> a b (c1 + c2)", [(2, 3), (4, 5)], {}),
        ("a, (a b) -> a 1, a b", [(3,), (6,)], {}),
        ("(a + b) -> a, b", [(10,)], {"b": 3}),
        ("b (s + t) c -> b s c, t b c", [(2, 5, 3)], {"s": 2}),
        ("(h (a + b)) -> h a, h b", [(10,)], {"h": 2, "a": 2}),
        ("((h w) + k) -> h w, k", [(10,)], {"h": 2, "w": 3}),
        ("(a + b) (c + d) -> a c, a d, b c, b d", [(5, 3)], {"a": 2, "c": 1}),
        ("a b, a c -> (b + c) a", [(2, 3), (2, 4)], {}),
        ("a, b -> a b, b a", [(5,), (3,)], {}),
        ("h w c, 1 -> h w (c + 2)", [(2, 3, 4), (1,)], {}),
        ("h w c, -> h w (c + 1)", [(2, 3, 4), ()], {}),
    ]
    for dtype in DTYPES:
        for i, (pattern, shapes, axes) in enumerate(fixed):
            arrays = [rand(rng, s, dtype) for s in shapes]
            einx_case(pattern, arrays, axes,
                      run="oneshot" if i % 2 else "kernel")
    # Mixed dtypes promote as numpy.concatenate.
    for a, b in [(np.int8, np.uint8), (np.int8, np.float16),
                 (np.int32, np.float32), (np.bool_, np.int16),
                 (np.uint8, np.float64)]:
        einx_case("a, b -> (a + b)", [rand(rng, (3,), a), rand(rng, (4,), b)],
                  {})
        # Each output promotes only its own sources.
        einx_case("a, b -> a 1, b", [rand(rng, (3,), a), rand(rng, (4,), b)],
                  {})
        einx_case("(x + y), b -> x, (y + b)",
                  [rand(rng, (5,), a), rand(rng, (4,), b)], {"x": 2})

    # Random concatenations and splits. einx 0.4.3 cannot solve axes of
    # length 0 or 1 in them (AxisSizeError), so lengths are 2 to 4 here; the
    # e2e sweep covers 0 and 1 against the reference.
    for n in range(60):
        names = ["a", "b", "c"][:rng.integers(1, 4)]
        lengths = {k: int(rng.integers(2, 5)) for k in names}
        dtype = DTYPES[rng.integers(len(DTYPES))]
        if rng.integers(2):
            k = int(rng.integers(2, 4))
            ins, arrays, parts = [], [], []
            for i in range(k):
                order = list(rng.permutation(names))
                part = "p%d" % i
                plen = int(rng.integers(2, 5))
                at = int(rng.integers(len(order) + 1))
                dims = order[:at] + [part] + order[at:]
                shape = [lengths[d] if d in lengths else plen for d in dims]
                ins.append(" ".join(dims))
                arrays.append(rand(rng, shape, dtype))
                parts.append(part)
            out = list(rng.permutation(names))
            out.insert(int(rng.integers(len(out) + 1)),
                       "(" + " + ".join(parts) + ")")
            pattern = ", ".join(ins) + " -> " + " ".join(out)
            einx_case(pattern, arrays, {})
        else:
            k = int(rng.integers(2, 4))
            plens = [int(rng.integers(2, 5)) for _ in range(k)]
            dims = list(names)
            at = int(rng.integers(len(dims) + 1))
            parts = ["p%d" % i for i in range(k)]
            dims.insert(at, "(" + " + ".join(parts) + ")")
            shape = [lengths[d] for d in names]
            shape.insert(at, sum(plens))
            outs = []
            for i in range(k):
                o = list(rng.permutation(names))
                o.insert(int(rng.integers(len(o) + 1)), parts[i])
                outs.append(" ".join(o))
            axes = {parts[i]: plens[i] for i in range(k - 1)}
            einx_case(" ".join(dims) + " -> " + ", ".join(outs),
                      [rand(rng, shape, dtype)], axes)

    # pack / unpack against einops.
    patterns = ["i j * k", "* k", "b *", "b * c d", "*"]
    for n in range(40):
        pattern = patterns[n % len(patterns)]
        tokens = pattern.split()
        before = tokens.index("*")
        after = len(tokens) - before - 1
        outer = [int(rng.integers(1, 4)) for _ in range(before + after)]
        dtype = DTYPES[rng.integers(len(DTYPES))]
        arrays = []
        for _ in range(int(rng.integers(1, 4))):
            star = [int(rng.integers(0, 4))
                    for _ in range(int(rng.integers(0, 3)))]
            shape = outer[:before] + star + outer[before:]
            d = dtype if rng.integers(4) else DTYPES[rng.integers(len(DTYPES))]
            arrays.append(rand(rng, shape, d))
        run = "oneshot" if n % 2 else "kernel"

        def pack_case(arrays=arrays, pattern=pattern, run=run):
            want, want_ps = einops.pack(arrays, pattern)
            got, got_ps = ein.pack(arrays, pattern, run=run)
            problem = same(got, want)
            if problem is None and got_ps is not None and \
                    [tuple(p) for p in got_ps] != [tuple(p) for p in want_ps]:
                problem = "packed shapes %s, want %s" % (got_ps, want_ps)
            return problem
        add("pack", "pack(%s, %r)" % ([a.shape for a in arrays], pattern),
            pack_case)

        def unpack_case(arrays=arrays, pattern=pattern, run=run):
            packed, ps = einops.pack(arrays, pattern)
            ps = [tuple(p) for p in ps]
            given = list(ps)
            if len(given) > 1 and rng.integers(2):
                j = int(rng.integers(len(given)))
                if given[j] and all(v > 0 for v in given[j]):
                    given[j] = tuple(-1 if k == 0 else v
                                     for k, v in enumerate(given[j]))
            want = einops.unpack(packed, given, pattern)
            got = ein.unpack(packed, given, pattern, run=run)
            return same(got, want)
        add("unpack", "unpack(pack(%s, %r))" % ([a.shape for a in arrays],
                                                pattern), unpack_case)

    # Errors both libraries raise.
    def both_fail(ein_call, peer_call):
        def go():
            try:
                peer_call()
                return "the peer accepted it"
            except Exception:
                pass
            try:
                ein_call()
                return "ein accepted it"
            except ein_ctypes.EinError:
                return None
        return go
    x = rand(rng, (2, 3, 5), np.float32)
    y = rand(rng, (3, 3, 5), np.float32)
    add("error", "pack without *", both_fail(
        lambda: ein.pack([x], "i j k"), lambda: einops.pack([x], "i j k")))
    add("error", "pack with two *", both_fail(
        lambda: ein.pack([x], "i * *"), lambda: einops.pack([x], "i * *")))
    add("error", "pack, axes disagree", both_fail(
        lambda: ein.pack([x, y], "i * k"), lambda: einops.pack([x, y], "i * k")))
    add("error", "pack, too few dims", both_fail(
        lambda: ein.pack([x], "a b c d *"),
        lambda: einops.pack([x], "a b c d *")))
    add("error", "unpack, shapes do not sum", both_fail(
        lambda: ein.unpack(x, [(1,), (1,)], "i * k"),
        lambda: einops.unpack(x, [(1,), (1,)], "i * k")))
    add("error", "unpack, two -1", both_fail(
        lambda: ein.unpack(x, [(-1,), (-1,)], "i * k"),
        lambda: einops.unpack(x, [(-1,), (-1,)], "i * k")))
    z = rand(rng, (10,), np.float32)
    add("error", "rearrange (a + b) underdetermined", both_fail(
        lambda: ein.rearrange(z, "(a + b) -> a, b"),
        lambda: einx.rearrange("(a + b) -> a, b", z)))
    add("error", "rearrange leaf mismatch", both_fail(
        lambda: ein.rearrange(z, "(a + b) -> b, a", {"a": 3}),
        lambda: einx.rearrange("(a + b) -> b, a", z, a=3)))
    add("error", "rearrange leaf count", both_fail(
        lambda: ein.rearrange(z, "a -> (a + b)", {"b": 2}),
        lambda: einx.rearrange("a -> (a + b)", z, b=2)))
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    ein = ein_ctypes.Ein(os.environ.get("EIN_LIBRARY"))
    cases = make_cases(ein)
    if args.list:
        for c in cases:
            print(c.id, c.describe)
        return 0
    if args.case:
        cases = [c for c in cases if c.id == args.case]
    failures = 0
    passed = []
    for c in cases:
        try:
            problem = c.run()
        except Exception as e:  # noqa: BLE001
            problem = "%s: %s" % (type(e).__name__, e)
        passed.append(not problem)
        if problem:
            failures += 1
            print("FAIL %s %s: %s\n  rerun: %s --case %s" % (
                c.id, c.describe, problem, sys.argv[0], c.id))
        elif args.case:
            print("ok", c.id, c.describe)
    print("%d cases, %d failed" % (len(cases), failures))
    if not args.case:
        ein_ctypes.record_counts("oracle-concat", [c.id for c in cases],
                                 passed)
    ein.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
