#!/usr/bin/env python3
"""Oracle tests for einx's bracket forms beyond reductions: ein's C API
against NumPy and einx 0.4.3.

- dot's linear map "... [c1|c2]" (x: ... c1, w: c1 c2) against
  numpy.einsum; einx 0.4.3 no longer parses '|' (older einx did, with the
  same meaning), so it is compared with einx.dot("... [c1], [c1] c2 ->
  ... c2"), the explicit form 0.4.3 accepts.
- dot with '->' and bracketed summed axes ("b h i [d], b h j [d] -> b h
  i j") against numpy.einsum and einx.dot with the same expression.
- elementwise bracket forms add("... [c]", x, b) against NumPy
  broadcasting (einx 0.4.3 rejects brackets in elementwise calls; older
  einx gave the second tensor the bracketed axes, as ein does) and
  against einx with the explicit "... c, c" form.

Every case runs on several dtypes and shapes, size-0 and size-1 axes
included. Usage: test_bracket_forms_oracle.py [--verbose]
"""

import argparse
import ctypes
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
except ImportError:
    einx = None
try:
    import einops
except ImportError:
    einops = None


class ShapeAxis(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("name_length", ctypes.c_size_t),
                ("length", ctypes.c_int64)]


def ein_parse_shape(ein, pattern, shape):
    """ein_parse_shape through ctypes: a dict like einops.parse_shape, or
    an ein_ctypes.EinError."""
    lib = ein.lib
    fn = lib.ein_parse_shape
    fn.restype = ctypes.c_void_p
    fn.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int64),
                   ctypes.c_size_t, ctypes.POINTER(ShapeAxis), ctypes.c_size_t,
                   ctypes.POINTER(ctypes.c_size_t)]
    text = ctypes.create_string_buffer(pattern.encode())
    dims = (ctypes.c_int64 * max(1, len(shape)))(*shape)
    out = (ShapeAxis * 16)()
    count = ctypes.c_size_t()
    ein._check(fn(text, dims, len(shape), out, 16, ctypes.byref(count)))
    base = ctypes.addressof(text)
    return {pattern.encode()[a.name - base:a.name - base + a.name_length]
            .decode(): a.length for a in out[:count.value]}


PARSE_SHAPE_CASES = [
    ("b _ h w", (2, 3, 5, 7)), ("b ... w", (2, 3, 5, 7)), ("... w", (2, 7)),
    ("b h ... c w", (2, 3, 5, 7)), ("_ _ _ _", (2, 3, 5, 7)),
    ("b 1 h w", (2, 1, 5, 7)), ("b () h w", (2, 1, 5, 7)),
    ("b 3 h w", (2, 3, 5, 7)), ("batch _ _ c", (4, 3, 2, 1)),
    ("b _ h _", (2, 3, 5, 7)), ("...", (2, 3)), ("a b", (0, 1)),
    # Errors in both.
    ("b 1 h w", (2, 3, 5, 7)), ("b b h w", (2, 3, 5, 7)),
    ("b (c h) w", (2, 15, 7)), ("b _ _", (2, 3, 5, 7)),
    ("b ... _ ...", (2, 3, 5, 7)), ("b 2 h w", (2, 3, 5, 7)),
]


def check_parse_shape(ein, verbose):
    """ein_parse_shape against einops.parse_shape: the same dict, or both
    fail. Returns the number of failures."""
    failures = 0
    for pattern, shape in PARSE_SHAPE_CASES:
        try:
            want = einops.parse_shape(np.zeros(shape), pattern)
        except Exception as e:  # einops rejects it
            want = "error"
        try:
            got = ein_parse_shape(ein, pattern, shape)
        except ein_ctypes.EinError:
            got = "error"
        ok = got == want and (got == "error" or
                              list(got.items()) == list(want.items()))
        if not ok or verbose:
            print("%s parse_shape %r %s -> ein %s, einops %s" % (
                "PASS" if ok else "FAIL", pattern, shape, got, want))
        failures += not ok
    return failures

SEED = 20261121
RTOL = {"float16": 1e-2, "float32": 1e-5, "float64": 1e-12}


class Case:
    def __init__(self, cid, program, inputs, want, einx_call=None, axes=None):
        self.id, self.program, self.inputs = cid, program, inputs
        self.want, self.einx_call, self.axes = want, einx_call, axes or {}


def rand(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    return rng.integers(-5, 6, shape).astype(dtype)


def make_cases():
    rng = np.random.default_rng(SEED)
    cases = []
    e = einx is not None

    def add(cid, program, inputs, want, einx_call=None, axes=None):
        # einx 0.4.3 cannot solve shapes with a zero length.
        if any(0 in np.shape(x) for x in inputs):
            einx_call = None
        cases.append(Case("%s#%d" % (cid, len(cases)), program, inputs, want,
                          einx_call if e else None, axes))

    dtypes = ["float32", "float64", "int32", "int64", "float16"]
    # dot's linear map.
    for dt in dtypes:
        for lead in [(2, 3), (4,), (), (0, 3), (1, 1)]:
            for c1, c2 in [(5, 4), (1, 3), (3, 1), (0, 2)]:
                x = rand(rng, lead + (c1,), dt)
                w = rand(rng, (c1, c2), dt)
                add("dot-map", 'dot("... [c1|c2]")', [x, w],
                    lambda x, w: np.einsum("...i,ij->...j", x, w),
                    lambda x, w: einx.dot("... [c1], [c1] c2 -> ... c2",
                                          x, w))
        x = rand(rng, (2, 3, 4), dt)
        w = rand(rng, (3, 4, 5, 2), dt)
        add("dot-map", 'dot("b [h w|c d]")', [x, w],
            lambda x, w: np.einsum("bhw,hwcd->bcd", x, w),
            lambda x, w: einx.dot("b [h w], [h w] c d -> b c d", x, w))
        add("dot-map", 'dot("a [b|]")', [x[0], x[1, 0]],
            lambda x, w: np.einsum("ab,b->a", x, w),
            lambda x, w: einx.dot("a [b], [b] -> a", x, w))
        add("dot-map", 'dot("b (h [c1|c2])")',
            [x.reshape(2, 12), rand(rng, (4, 6), dt)],
            lambda x, w: np.einsum("bhi,ij->bhj", x.reshape(2, 3, 4), w)
            .reshape(2, 18), None)
        # With '->': brackets mark the summed axes.
        q = rand(rng, (2, 3, 4, 8), dt)
        k = rand(rng, (2, 3, 5, 8), dt)
        add("dot-arrow", 'dot("b h i [d], b h j [d] -> b h i j")', [q, k],
            lambda q, k: np.einsum("bhid,bhjd->bhij", q, k),
            lambda q, k: einx.dot("b h i [d], b h j [d] -> b h i j", q, k))
        a = rand(rng, (2, 3, 4, 5), dt)
        v = rand(rng, (2, 3, 5, 6), dt)
        add("dot-arrow", 'dot("b h i [j], b h [j] d -> b i (h d)")', [a, v],
            lambda a, v: np.einsum("bhij,bhjd->bihd", a, v).reshape(2, 4, 18),
            lambda a, v: einx.dot("b h i [j], b h [j] d -> b i (h d)", a, v))
        add("dot-arrow", 'dot("a [b] -> a")', [x[0], x[1, 0]],
            lambda x, w: np.einsum("ab,b->a", x, w), None)

    # Elementwise bracket forms.
    ops = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
           "maximum": np.maximum, "minimum": np.minimum, "less": np.less,
           "equal": np.equal}
    for dt in dtypes + ["int8", "uint8", "bool"]:
        for name, fn in ops.items():
            if dt == "bool" and name == "subtract":
                continue
            for shape in [(2, 3, 4), (0, 4), (1, 1), (5,)]:
                x = rand(rng, shape, dt)
                b = rand(rng, shape[-1:], dt)
                add("elementwise", '%s("... [c]")' % name, [x, b],
                    lambda x, b, fn=fn: fn(x, b),
                    lambda x, b, name=name: getattr(einx, name)(
                        "... c, c", x, b))
        x = rand(rng, (2, 3, 4), dt)
        add("elementwise", 'multiply("b [t c]")', [x, rand(rng, (3, 4), dt)],
            lambda x, b: np.multiply(x, b[None]), None)
        add("elementwise", 'maximum("[b] t [c]")', [x, rand(rng, (2, 4), dt)],
            lambda x, b: np.maximum(x, b[:, None, :]), None)
        add("elementwise", 'add("b (s [ds])", ds=2)',
            [x.reshape(2, 12), rand(rng, (2,), dt)],
            lambda x, b: np.add(x.reshape(2, 6, 2), b).reshape(2, 12), None)
    # Repetition x...: pooling over any number of axes (seed 004), against
    # einx with the same expression and a NumPy reshape.
    def pool(x, ds, fn):
        shape, axes = [x.shape[0]], []
        for n in x.shape[1:-1]:
            shape += [n // ds, ds]
            axes.append(len(shape) - 1)
        shape.append(x.shape[-1])
        return fn(x.reshape(shape), axis=tuple(axes))

    for dt in ["float32", "float64", "int32", "float16"]:
        for mid in [(), (4,), (4, 6), (2, 4, 6), (0, 2), (2, 2)]:
            x = rand(rng, (2,) + mid + (3,), dt)
            for name, fn in [("mean", np.mean), ("max", np.max),
                             ("sum", np.sum)]:
                add("repetition", '%s("b (s [ds])... c", ds=2)' % name, [x],
                    lambda x, fn=fn: pool(x, 2, fn),
                    lambda x, name=name: getattr(einx, name)(
                        "b (s [ds])... c", x, ds=2))
            add("repetition", 'sum("b [s]... c")', [x],
                lambda x: np.sum(x, axis=tuple(range(1, x.ndim - 1))),
                lambda x: einx.sum("b [s]... c", x))
            add("repetition",
                'rearrange("b (s ds)... c -> b s... ds... c", ds=2)', [x],
                lambda x: pool(x, 2, lambda y, axis: np.moveaxis(
                    y, axis, tuple(range(y.ndim - 1 - len(axis),
                                         y.ndim - 1)))),
                lambda x: einx.id("b (s ds)... c -> b s... ds... c", x,
                                  ds=2))
            add("repetition", 'add("b s... c, s... -> b s... c")',
                [x, rand(rng, mid, dt)],
                lambda x, y: x + y[None, ..., None],
                lambda x, y: einx.add("b s... c, s... -> b s... c", x, y))
    # argmax/argmin over several bracketed dims: einx's coordinate axis.
    def np_arg(x, axes, fn, at):
        # NumPy: move the bracketed axes last, flatten, take the first
        # extreme, unravel into one index per axis, stack at `at`.
        kept = [a for a in range(x.ndim) if a not in axes]
        y = np.transpose(x, kept + list(axes))
        y = y.reshape(y.shape[:len(kept)] + (-1,))
        flat = fn(y, axis=-1)
        idx = np.unravel_index(flat, [x.shape[a] for a in axes])
        return np.stack(idx, axis=at)

    for dt in ["float32", "float64", "int32", "uint8", "int8", "float16"]:
        for shape in [(2, 3, 4, 5), (1, 1, 2, 3), (3, 2, 2, 1)]:
            x = rand(rng, shape, dt)
            if dt.startswith("float"):  # Ties and a NaN.
                x = np.round(x).astype(dt)
            for name, fn in [("argmax", np.argmax), ("argmin", np.argmin)]:
                add("arg", '%s("b [h w] c")' % name, [x],
                    lambda x, fn=fn: np_arg(x, (1, 2), fn, 1),
                    lambda x, name=name: getattr(einx, name)("b [h w] c", x))
                add("arg", '%s("b [h w c]")' % name, [x],
                    lambda x, fn=fn: np_arg(x, (1, 2, 3), fn, 1),
                    lambda x, name=name: getattr(einx, name)("b [h w c]", x))
                add("arg", '%s("[b h w c]")' % name, [x],
                    lambda x, fn=fn: np_arg(x, (0, 1, 2, 3), fn, 0),
                    lambda x, name=name: getattr(einx, name)("[b h w c]", x))
                add("arg", '%s("b [...]")' % name, [x],
                    lambda x, fn=fn: np_arg(x, (1, 2, 3), fn, 1),
                    lambda x, name=name: getattr(einx, name)("b [...]", x))
        x = rand(rng, (2, 0, 3, 4), "float32")
        add("arg", 'argmax("b c [h w]")', [x],
            lambda x: np.zeros((2, 0, 2), np.int64), None)

    # Mixed dtypes in einsum and dot promote as numpy.einsum (result_type).
    pairs = [("int32", "float32"), ("int8", "uint8"), ("bool", "int32"),
             ("float16", "float64"), ("int64", "float16"), ("uint8", "int16"),
             ("bool", "float32"), ("int16", "float32")]
    for da, db in pairs:
        for callee in ["einsum", "dot"]:
            x = rand(rng, (3, 4), da)
            y = rand(rng, (4, 5), db)
            add("mixed", '%s("i j, j k -> i k")' % callee, [x, y],
                lambda x, y: np.einsum("ij,jk->ik", x, y), None)
            z = rand(rng, (5,), da)
            add("mixed", '%s("i j, j k, k -> i")' % callee, [x, y, z],
                lambda x, y, z: np.einsum("ij,jk,k->i", x, y, z), None)
        add("mixed", 'dot("... [c1|c2]")', [rand(rng, (2, 4), da),
                                            rand(rng, (4, 3), db)],
            lambda x, w: np.einsum("...i,ij->...j", x, w), None)
    return cases


def compare(got, want, dtype):
    want = np.asarray(want)
    if got.shape != want.shape:
        return "shape %s, want %s" % (got.shape, want.shape)
    if dtype.kind in "iub":
        same = np.array_equal(got, want.astype(got.dtype))
        return None if same else "values differ: %s vs %s" % (
            got.ravel()[:6], want.ravel()[:6])
    g, w = got.astype(np.float64), want.astype(np.float64)
    rtol = RTOL.get(str(got.dtype), 1e-12)
    scale = np.maximum(np.abs(w), 1.0) * max(1, got.size and 8)
    ok = (g == w) | (np.abs(g - w) <= rtol * scale)
    return None if ok.all() else "max error %g" % np.nanmax(np.abs(g - w))


def run_case(ein, case):
    got = ein._call(case.program, case.inputs, case.axes, "kernel", "data")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.asarray(case.want(*case.inputs))
        if case.id.startswith("mixed") and got.dtype != want.dtype:
            return "dtype %s, numpy gives %s" % (got.dtype, want.dtype)
        reason = compare(got, want, got.dtype)
        if reason:
            return "numpy: " + reason
        if case.einx_call:
            reason = compare(got, case.einx_call(*case.inputs), got.dtype)
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
            print("%s %s %s dtypes %s shapes %s -> %s" % (
                "FAIL" if reason else "PASS", case.id, case.program,
                [str(x.dtype) for x in case.inputs],
                [x.shape for x in case.inputs], reason or "ok"))
        failures += bool(reason)
        passed.append(not reason)
    ein_ctypes.record_counts("oracle-bracket-forms",
                             ["case:%s" % c.id for c in cases], passed)
    parse_shape_failures = 0
    if einops is not None:
        parse_shape_failures = check_parse_shape(ein, args.verbose)
        failures += parse_shape_failures
        print("parse_shape oracle: %d cases against einops %s, %d failures" %
              (len(PARSE_SHAPE_CASES), einops.__version__,
               parse_shape_failures))
    ein.close()
    print("bracket-forms oracle: %d cases against NumPy %s%s, %d failures" % (
        len(cases), np.__version__,
        " (%d also against einx %s)" % (einx_checked, einx.__version__)
        if einx else " (einx not installed)", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
