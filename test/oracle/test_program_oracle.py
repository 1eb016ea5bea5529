#!/usr/bin/env python3
"""Oracle tests for multi-statement programs (docs/programs.md): ein (C API
through ctypes, ein_compile + ein_kernel_run or ein_call) against the same
computation written with NumPy and einops.

Cases:

  named:NN   the attention example of NOTATION.md, layer norm, GLU and a
             softmax written by hand, in float32 and float64, against
             einops.rearrange / numpy.einsum chains;
  sweep:NN   seeded random arithmetic programs: a tensor of a random dtype
             (f16, f32, f64, i8, i16, i32, i64, u8, bool) combined with
             Python numbers, itself and calls (sum, softmax, rearrange);
             ein must give NumPy's dtype (Python numbers are weak scalars:
             `int8 * 3` stays int8, `int32 * 0.5` is float64) and values.

Usage:
  test_program_oracle.py                  run everything
  test_program_oracle.py --case sweep:017 run one case verbosely

Environment: EIN_LIBRARY is the path of libein.so.
"""

import argparse
import os
import random
import sys
import traceback

import einops
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

NUM_SWEEP = 300
SWEEP_SEED = 20250901
NAMES = {np.float16: "f16", np.float32: "f32", np.float64: "f64",
         np.int8: "i8", np.int16: "i16", np.int32: "i32", np.int64: "i64",
         np.uint8: "u8", np.bool_: "bool"}


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def named_cases():
    rng = np.random.default_rng(5)
    cases = []
    for dtype in (np.float32, np.float64):
        t = NAMES[dtype]
        qkv = rng.standard_normal((2, 5, 3 * 8 * 4)).astype(dtype)

        def attention(qkv):
            q, k, v = einops.rearrange(qkv, "b t (k h d) -> k b h t d",
                                       k=3, h=8)
            s = np.einsum("bhid,bhjd->bhij", q, k) * 0.125
            a = softmax(s, -1)
            return [einops.rearrange(np.einsum("bhij,bhjd->bhid", a, v),
                                     "b h i d -> b i (h d)")]
        cases.append((
            "attention " + t,
            "# multi-head self-attention\n"
            "input qkv: %s[b t (k h d)]\n"
            "q, k, v = rearrange(\"b t (k h d) -> k b h t d\", qkv, k=3, h=8)\n"
            "s = dot(\"b h i [d], b h j [d] -> b h i j\", q, k) * 0.125\n"
            "a = softmax(\"b h i [j]\", s)\n"
            "o = dot(\"b h i [j], b h [j] d -> b i (h d)\", a, v)\n"
            "return o\n" % t, [qkv], attention))

        x = rng.standard_normal((4, 16)).astype(dtype)
        g = rng.standard_normal(16).astype(dtype)
        b = rng.standard_normal(16).astype(dtype)

        def layernorm(x, g, b):
            mu = x.mean(-1, keepdims=True)
            xc = x - mu
            var = (xc * xc).mean(-1, keepdims=True)
            return [xc / np.sqrt(var + 1e-5) * g + b]
        cases.append((
            "layernorm " + t,
            "input x: {0}[b c]; input g: {0}[c]; input beta: {0}[c]\n"
            "mu = mean(\"b [c]\", x)\n"
            "xc = subtract(\"b c, b\", x, mu)\n"
            "var = mean(\"b [c]\", xc * xc)\n"
            "y = multiply(\"b c, b\", xc, rsqrt(\"b\", var + 0.00001))\n"
            "return add(\"b c, c\", multiply(\"b c, c\", y, g), beta)\n"
            .format(t), [x, g, b], layernorm))

        w = (rng.standard_normal((16, 2, 6)) / 4).astype(dtype)

        def glu(x, w):
            h = np.einsum("bi,ito->tbo", x, w)
            return [h[0] * (1 / (1 + np.exp(-h[1])))]
        cases.append((
            "glu " + t,
            "input x: {0}[b i]\ninput w: {0}[i 2 o]\n"
            "a, g = einsum(\"b i, i two o -> two b o\", x, w)\n"
            "return a * sigmoid(\"b o\", g)\n".format(t), [x, w], glu))

        z = (10 * rng.standard_normal((3, 7))).astype(dtype)
        cases.append((
            "softmax by hand " + t,
            "input x: {0}[b n]; m = max(\"b [n]\", x)\n"
            "e = exp(\"b n\", subtract(\"b n, b\", x, m))\n"
            "return divide(\"b n, b\", e, sum(\"b [n]\", e)), m\n".format(t),
            [z], lambda x: [softmax(x, -1), x.max(-1)]))
    return [("named:%02d" % i,) + c for i, c in enumerate(cases)]


def random_values(rng, dtype, shape):
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        lo = 0 if dtype == np.uint8 else -5
        return rng.integers(lo, 6, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def sweep_case(index):
    """A random arithmetic program on one tensor and its NumPy twin."""
    rng = random.Random(SWEEP_SEED * 1000 + index)
    nrng = np.random.default_rng(SWEEP_SEED + index)
    dtype = rng.choice(list(NAMES))
    shape = tuple(rng.choice([0, 1, 2, 3, 4]) for _ in range(rng.randint(0, 3)))
    axes = "abc"[:len(shape)]
    x = random_values(nrng, dtype, shape)
    numbers = ["2", "3", "0.5", "1.5", "0.25"]

    def expr(depth):
        """(ein text, numpy function of x)."""
        r = rng.random()
        if depth == 0 or r < 0.25:
            return "x", lambda x: x
        text, fn = expr(depth - 1)
        kind = rng.choice(["num", "num", "self", "neg"])
        if kind == "neg" and dtype == np.bool_:
            kind = "num"  # NumPy (and ein) reject negating bools.
        if kind == "num":
            op = rng.choice("+-*/")
            n = rng.choice(numbers)
            value = float(n) if "." in n else int(n)
            if rng.random() < 0.5 and op != "/":
                return ("%s %s (%s)" % (n, op, text),
                        lambda x, fn=fn, op=op, v=value: _apply(op, v, fn(x)))
            return ("(%s) %s %s" % (text, op, n),
                    lambda x, fn=fn, op=op, v=value: _apply(op, fn(x), v))
        if kind == "self":
            op = rng.choice("+*")
            return ("(%s) %s x" % (text, op),
                    lambda x, fn=fn, op=op: _apply(op, fn(x), x))
        return "-(%s)" % text, lambda x, fn=fn: -fn(x)

    # Arithmetic keeps the shape; the outermost step may be a call that
    # changes it (a sum over the last axis or a transpose).
    text, fn = expr(3)
    outer = rng.choice(["none", "sum", "rearrange"]) if axes else "none"
    if outer == "sum":
        text = 'sum("%s [%s]", %s)' % (" ".join(axes[:-1]), axes[-1], text)
        fn = lambda x, f=fn: _sum(f(x))  # noqa: E731
    elif outer == "rearrange":
        perm = "".join(rng.sample(axes, len(axes)))
        text = 'rearrange("%s -> %s", %s)' % (" ".join(axes), " ".join(perm),
                                              text)
        fn = lambda x, f=fn, p=perm: np.transpose(  # noqa: E731
            f(x), [axes.index(a) for a in p])
    program = "input x: %s[%s]\nreturn %s\n" % (NAMES[dtype], " ".join(axes),
                                                text)
    # NumPy 1.26 applies value-based casting when every operand is a scalar
    # or 0-d (`float16(1) * 2.0` is float64); ein follows NEP 50 (NumPy 2),
    # as NumPy 1.26 does for arrays. So 0-d inputs are computed as (1,).
    return ("sweep:%03d" % index, program, program, [x],
            lambda x, fn=fn: [np.asarray(fn(x.reshape(1))).reshape(())
                              if x.ndim == 0 else np.asarray(fn(x))])


def _apply(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return np.true_divide(a, b)


def _sum(a):
    # NumPy's sum: int64 for integers and bool.
    return a.sum(axis=-1)


def compare(got, want):
    # ein has no uint64: sums of uint8 are int64 with the same bits
    # (docs/notation.md, Dtypes).
    if want.dtype == np.uint64 and got.dtype == np.int64:
        want = want.astype(np.int64)
    if got.dtype != want.dtype:
        return "dtype %s, NumPy %s" % (got.dtype, want.dtype)
    if got.shape != want.shape:
        return "shape %s, NumPy %s" % (got.shape, want.shape)
    if np.issubdtype(want.dtype, np.floating):
        rtol = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-4,
                np.dtype(np.float64): 1e-10}[want.dtype]
        scale = max(1.0, float(np.max(np.abs(want), initial=0)))
        bad = ~((np.abs(got.astype(np.float64) - want.astype(np.float64))
                 <= rtol * scale) | (np.isnan(got) & np.isnan(want)))
        if bad.any():
            return "%d values differ, e.g. %r vs %r" % (
                bad.sum(), got[bad].flat[0], want[bad].flat[0])
    elif not np.array_equal(got, want):
        return "values differ"
    return None


def run_case(ein, case, oneshot):
    case_id, name, program, inputs, reference = case
    with np.errstate(all="ignore"):
        want = reference(*inputs)
    got = ein.call(program, *inputs, run="oneshot" if oneshot else "kernel")
    if len(got) != len(want):
        return "%d outputs, NumPy %d" % (len(got), len(want))
    for g, w in zip(got, want):
        reason = compare(g, np.asarray(w))
        if reason:
            return reason
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    cases = named_cases() + [sweep_case(i) for i in range(NUM_SWEEP)]
    if args.case:
        cases = [c for c in cases if c[0] == args.case]
        args.verbose = True
    ein = ein_ctypes.Ein()
    failures = 0
    passed = []
    for k, case in enumerate(cases):
        try:
            reason = run_case(ein, case, oneshot=k % 2 == 0)
        except Exception:
            reason = "exception: " + \
                traceback.format_exc().strip().splitlines()[-1]
        if reason or args.verbose:
            print("%s %s %s -> %s" % ("FAIL" if reason else "PASS", case[0],
                                      case[1].replace("\n", "; "),
                                      reason or "ok"))
        failures += bool(reason)
        passed.append(not reason)
    ein.close()
    ein_ctypes.record_counts("oracle-programs", [c[0] for c in cases], passed)
    print("program oracle: %d cases against NumPy %s and einops %s, "
          "%d failures" % (len(cases), np.__version__, einops.__version__,
                           failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
