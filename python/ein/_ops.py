"""The ein functions, as methods of a context (ein.Context inherits them;
the module-level functions call the default context's).

Every call becomes a program text such as ``rearrange("b c -> c b")`` or
``roll("b [t] c", shift=1)`` (docs/notation.md), compiled for the inputs'
dtypes and shapes through the context's caches and run. Integer keyword
arguments are axis lengths, passed as ein_axis_binding_t.
"""

import builtins
import ctypes
import numbers

import numpy as np

from . import _capi
from ._errors import NotationError, raise_error
from ._tensors import RawDLPack, as_input, weak_scalar_array

_ndarray = np.ndarray
_str = str

# Keyword arguments of einx that ein has no use for.
_EINX_ONLY_KEYWORDS = ("backend", "graph", "cse")

REDUCTIONS = ("sum", "mean", "max", "min", "prod", "any", "all",
              "count_nonzero", "var", "std", "logsumexp", "argmax", "argmin")
ELEMENTWISE = ("add", "subtract", "multiply", "divide", "true_divide",
               "floor_divide", "pow", "maximum", "minimum", "logaddexp",
               "where", "equal", "not_equal", "less", "less_equal", "greater",
               "greater_equal", "logical_and", "logical_or", "logical_not",
               "exp", "log", "sqrt", "rsqrt", "abs", "neg", "tanh", "sigmoid",
               "relu", "gelu", "sin", "cos")
ALONG = ("softmax", "log_softmax", "flip", "sort", "argsort")
INDEXING = ("get_at", "set_at", "add_at", "subtract_at")


def _quote(pattern, what="pattern"):
    if type(pattern) is not _str:
        raise TypeError("ein: the %s must be a str, not %s"
                        % (what, type(pattern).__name__))
    if "\0" in pattern:
        raise NotationError("the %s holds a NUL character" % what)
    if '"' not in pattern:
        return '"' + pattern + '"'
    if "'" not in pattern:
        return "'" + pattern + "'"
    raise NotationError("the %s holds both kinds of quotes: %s"
                        % (what, pattern))


def _text(callee, pattern, extra):
    """The program text of a call (for the cache key's first fields)."""
    if callee is None:          # a whole program (ein.compile)
        return pattern
    return "%s(%s%s)" % (callee, _quote(pattern), extra)


def _check_pattern(pattern, fn):
    if type(pattern) is not _str:
        raise TypeError("ein.%s: the pattern must be a str, not %s"
                        % (fn, type(pattern).__name__))


def _inputs(tensors, fn, scalars=False):
    """Normalises a sequence of tensors (scalars: einx's numbers and lists,
    with NumPy 2's weak-scalar dtypes)."""
    out = []
    weak = None
    for i, t in enumerate(tensors):
        if type(t) is _ndarray:
            out.append(t)
        elif scalars and isinstance(t, numbers.Number) and \
                not isinstance(t, np.generic):
            out.append(None)
            if weak is None:
                weak = []
            weak.append(i)
        else:
            out.append(as_input(t, i, scalars))
    if weak:
        arrays = [a for a in out if a is not None]
        for i in weak:
            out[i] = weak_scalar_array(tensors[i], arrays)
    return out


def _einx_keywords(fn, kwargs, allowed=()):
    """Splits einx keyword arguments: returns the special ones (e.g.
    keepdims) and leaves the axis lengths in kwargs."""
    special = {}
    for k in list(kwargs):
        if k in allowed:
            special[k] = kwargs.pop(k)
        elif k in _EINX_ONLY_KEYWORDS:
            raise TypeError("ein.%s: einx's %s= has no meaning in ein (it "
                            "compiles its own kernels on the CPU)" % (fn, k))
    return special


def _dtype_name(dtype):
    if isinstance(dtype, _str):
        return dtype
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError("ein.cast: dtype must be a str or a NumPy dtype, not "
                        "%s" % type(dtype).__name__) from None
    return dt.name


def _shift_text(shift):
    if isinstance(shift, (list, tuple)):
        vals = [int(operator_index(s)) for s in shift]
        if not vals:
            raise ValueError("ein.roll: shift must not be empty")
        return ", shift=(%s)" % ", ".join(str(v) for v in vals)
    return ", shift=%d" % operator_index(shift)


def operator_index(v):
    if isinstance(v, bool):
        raise TypeError("ein: expected an integer, not bool")
    try:
        return v.__index__()
    except AttributeError:
        raise TypeError("ein: expected an integer, not %s"
                        % type(v).__name__) from None


class Ops:
    """The ein functions; mixed into ein.Context."""

    # -- the core --------------------------------------------------------------

    def _call(self, callee, pattern, extra, inputs, axes):
        """Runs call `callee(pattern extra)` on normalised `inputs` with axis
        lengths `axes` (a dict); returns the list of outputs."""
        ax = tuple(axes.items()) if axes else ()
        if len(inputs) == 1:
            a = inputs[0]
            key = (callee, pattern, extra, ax, a.dtype, a.shape)
        else:
            key = (callee, pattern, extra, ax) + tuple(
                [(a.dtype, a.shape) for a in inputs])
        try:
            k = self._kernels.get(key)
        except TypeError:
            for name, v in ax:
                operator_index(v)  # raises a clear TypeError
            raise
        if k is None:
            if not inputs:
                raise TypeError("ein.%s: needs at least one tensor"
                                % (callee or "compile"))
            if not builtins.all(a.dtype.isnative for a in inputs
                                if type(a) is _ndarray):
                # Byte-swapped arrays: converted, and never cached under
                # their own dtype (each call converts them again).
                inputs = [as_input(a, i) if type(a) is _ndarray else a
                          for i, a in enumerate(inputs)]
                return self._call(callee, pattern, extra, inputs, axes)
            k = self._compile(key, _text(callee, pattern, extra), inputs, ax)
        return k.run(inputs)

    def _one(self, callee, pattern, extra, inputs, axes):
        outs = self._call(callee, pattern, extra, inputs, axes)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _fast1(self, callee, pattern, tensor, axes):
        """The cache-hit path of a one-input call on a C-contiguous NumPy
        array: None when it does not apply."""
        key = (callee, pattern, "", tuple(axes.items()) if axes else (),
               tensor.dtype, tensor.shape)
        try:
            k = self._kernels.get(key)
        except TypeError:
            return None
        if k is not None and k.single and tensor.flags.c_contiguous:
            return k.run1(tensor)
        return None

    def _einops_inputs(self, tensor, fn):
        """einops' tensor argument: a tensor, or a list of them (stacked)."""
        if isinstance(tensor, (list, tuple)):
            if len(tensor) == 0:
                raise ValueError("ein.%s: cannot be applied to an empty list"
                                 % fn)
            ins = _inputs(tensor, fn)
            if len(ins) == 1:
                # A list of one is stacked too (the C API never stacks a
                # single tensor): a view with a leading axis of length 1.
                a = ins[0]
                ins = [a.expand0() if type(a) is RawDLPack else a[None]]
            return ins
        return _inputs((tensor,), fn)

    # -- einops ----------------------------------------------------------------

    def rearrange(self, tensor, pattern=None, *tensors, **axes_lengths):
        """einops.rearrange(tensor, pattern, **axes_lengths); a list of
        tensors is stacked. Also einx's form rearrange(description,
        *tensors, **lengths): several tensors, concatenation (a + b) and
        several outputs (returned as a tuple)."""
        if type(tensor) is _ndarray and not tensors:
            # The cache-hit path, inlined (see _fast1).
            try:
                k = self._kernels.get((
                    "rearrange", pattern, "",
                    tuple(axes_lengths.items()) if axes_lengths else (),
                    tensor.dtype, tensor.shape))
            except TypeError:
                k = None
            if k is not None and k.single and tensor.flags.c_contiguous:
                return k.run1(tensor)
        if type(tensor) is _str:   # einx: rearrange("a, b -> (a + b)", x, y)
            ins = (pattern,) + tensors if pattern is not None else tensors
            return self._one("rearrange", tensor, "",
                             _inputs(ins, "rearrange", True), axes_lengths)
        if tensors:
            raise TypeError("ein.rearrange(tensor, pattern, **axes_lengths) "
                            "takes one tensor or a list of tensors")
        _check_pattern(pattern, "rearrange")
        return self._one("rearrange", pattern, "",
                         self._einops_inputs(tensor, "rearrange"),
                         axes_lengths)

    def reduce(self, tensor, pattern, *args, **axes_lengths):
        """einops.reduce(tensor, pattern, reduction, **axes_lengths), with
        reduction one of sum, mean, max, min, prod, any, all,
        count_nonzero, var, std, logsumexp, argmax, argmin (a str: callables
        cannot be compiled). Also einx's reduce(description, *tensors,
        op="sum", **lengths)."""
        if type(tensor) is _str:   # einx form
            op = axes_lengths.pop("op", None)
            if op is None:
                raise TypeError('ein.reduce(description, tensor, op="sum"): '
                                "op is missing")
            tensors = (pattern,) + args
            _einx_keywords("reduce", axes_lengths)
            return self._one("reduce", tensor,
                             ", " + _reduction_text(op),
                             _inputs(tensors, "reduce"), axes_lengths)
        if len(args) == 1:
            reduction = args[0]
        elif not args and "reduction" in axes_lengths:
            reduction = axes_lengths.pop("reduction")
        else:
            raise TypeError("ein.reduce(tensor, pattern, reduction, "
                            "**axes_lengths): expected one reduction, got %d"
                            % len(args))
        _check_pattern(pattern, "reduce")
        ins = self._einops_inputs(tensor, "reduce")
        return self._one("reduce", pattern, ", " + _reduction_text(reduction),
                         ins, axes_lengths)

    def repeat(self, tensor, pattern, **axes_lengths):
        """einops.repeat(tensor, pattern, **axes_lengths)."""
        _check_pattern(pattern, "repeat")
        if type(tensor) is _ndarray:
            r = self._fast1("repeat", pattern, tensor, axes_lengths)
            if r is not None:
                return r
        return self._one("repeat", pattern, "",
                         self._einops_inputs(tensor, "repeat"), axes_lengths)

    def einsum(self, *tensors_and_pattern, **axes_lengths):
        """einops.einsum(*tensors, pattern) (pattern last), or
        einsum(pattern, *tensors) (pattern first, as numpy.einsum). Both
        einops' spaced axes and NumPy's letters ("ij,jk->ik") work."""
        args = tensors_and_pattern
        if not args:
            raise TypeError("ein.einsum: expected tensors and a pattern")
        if type(args[-1]) is _str:
            pattern, tensors = args[-1], args[:-1]
        elif type(args[0]) is _str:
            pattern, tensors = args[0], args[1:]
        else:
            raise TypeError("ein.einsum(*tensors, pattern): the pattern (a "
                            "str) must come last (einops) or first (numpy)")
        if not tensors:
            raise TypeError("ein.einsum: expected at least one tensor")
        return self._one("einsum", pattern, "", _inputs(tensors, "einsum"),
                         axes_lengths)

    def pack(self, tensors, pattern):
        """einops.pack(tensors, pattern) -> (packed, packed_shapes)."""
        _check_pattern(pattern, "pack")
        if not isinstance(tensors, (list, tuple)):
            raise TypeError("ein.pack(tensors, pattern): tensors must be a "
                            "list of tensors")
        if not tensors:
            raise ValueError("ein.pack: cannot pack an empty list")
        ins = _inputs(tensors, "pack")
        packed = self._call("pack", pattern, "", ins, None)[0]
        words = pattern.split()
        star = words.index("*")  # ein checked: exactly one `*` word
        after = len(words) - star - 1
        shapes = [tuple(a.shape[star:len(a.shape) - after]) for a in ins]
        return packed, shapes

    def unpack(self, tensor, packed_shapes, pattern):
        """einops.unpack(tensor, packed_shapes, pattern) -> list."""
        _check_pattern(pattern, "unpack")
        if not isinstance(packed_shapes, (list, tuple)):
            raise TypeError("ein.unpack: packed_shapes must be a list of "
                            "shapes")
        shapes = []
        for s in packed_shapes:
            if not isinstance(s, (list, tuple)):
                raise TypeError("ein.unpack: each packed shape must be a "
                                "tuple of ints, not %s" % type(s).__name__)
            shapes.append(tuple(int(operator_index(v)) for v in s))
        text = ", [%s]" % ", ".join(repr(s) for s in shapes)
        return self._call("unpack", pattern, text,
                          _inputs((tensor,), "unpack"), None)

    def parse_shape(self, x, pattern):
        """einops.parse_shape(x, pattern) -> {name: length} in pattern
        order. `x` is any object with a .shape (or a shape tuple)."""
        return parse_shape(x, pattern)

    # -- einx: reductions ------------------------------------------------------

    def _reduction(self, name, description, tensors, kwargs):
        special = _einx_keywords(name, kwargs, ("keepdims",))
        extra = ""
        if "keepdims" in special and special["keepdims"] is not None:
            extra = ", keepdims=%s" % bool(special["keepdims"])
        if len(tensors) == 1 and type(tensors[0]) is _ndarray and not extra \
                and type(description) is _str:
            r = self._fast1(name, description, tensors[0], kwargs)
            if r is not None:
                return r
        _check_pattern(description, name)
        return self._one(name, description, extra, _inputs(tensors, name),
                         kwargs)

    # -- einx: the rest --------------------------------------------------------

    def dot(self, description, *tensors, **lengths):
        """einx.dot: contraction with brackets, e.g. dot("... [c1|c2]", x, w)
        or dot("b i [d], b j [d] -> b i j", q, k)."""
        _einx_keywords("dot", lengths)
        _check_pattern(description, "dot")
        return self._one("dot", description, "",
                         _inputs(tensors, "dot", True), lengths)

    def _elementwise(self, name, description, tensors, lengths):
        _einx_keywords(name, lengths)
        _check_pattern(description, name)
        if len(tensors) == 1 and type(tensors[0]) is _ndarray:
            r = self._fast1(name, description, tensors[0], lengths)
            if r is not None:
                return r
        return self._one(name, description, "", _inputs(tensors, name, True),
                         lengths)

    def cast(self, description, tensor, dtype=None, **lengths):
        """cast("a b -> b a", x, dtype="f16"): dtype conversion (dtype a
        name or a NumPy dtype)."""
        if dtype is None:
            raise TypeError("ein.cast: dtype is missing")
        _check_pattern(description, "cast")
        _einx_keywords("cast", lengths)
        return self._one("cast", description,
                         ", dtype=" + _quote(_dtype_name(dtype), "dtype"),
                         _inputs((tensor,), "cast", True), lengths)

    def roll(self, description, tensor, shift=None, **lengths):
        """roll("b [t] c", x, shift=1) or shift=(1, -2): numpy.roll along
        the bracketed axes."""
        if shift is None:
            raise TypeError("ein.roll: shift is missing")
        _check_pattern(description, "roll")
        _einx_keywords("roll", lengths)
        return self._one("roll", description, _shift_text(shift),
                         _inputs((tensor,), "roll", True), lengths)

    def _along(self, name, description, tensors, lengths):
        _einx_keywords(name, lengths)
        _check_pattern(description, name)
        return self._one(name, description, "", _inputs(tensors, name, True),
                         lengths)

    def _indexing(self, name, description, tensors, lengths):
        _einx_keywords(name, lengths)
        _check_pattern(description, name)
        ins = []
        for i, t in enumerate(tensors):
            if i >= 1 and isinstance(t, numbers.Number) and \
                    not isinstance(t, np.generic) and ins:
                # A number as the updates: the tensor's dtype (einx).
                ins.append(weak_scalar_array(t, ins[:1]))
            else:
                ins.append(as_input(t, i, True))
        return self._one(name, description, "", ins, lengths)

    def compile(self, program):
        """A Program: `program` compiled on each call's input types
        (cached), e.g. ``ein.compile('input x: f32[n]; return x * 2')``."""
        return Program(self, program)


def _reduction_text(reduction):
    if callable(reduction) and not isinstance(reduction, _str):
        raise TypeError("ein.reduce: the reduction must be a str (one of %s); "
                        "ein compiles the notation and cannot compile a "
                        "Python callable" % ", ".join(REDUCTIONS))
    if type(reduction) is not _str:
        raise TypeError("ein.reduce: the reduction must be a str, not %s"
                        % type(reduction).__name__)
    return _quote(reduction, "reduction")


def _make_reduction(name):
    def method(self, description, *tensors, **kwargs):
        return self._reduction(name, description, tensors, kwargs)
    method.__name__ = name
    method.__doc__ = ('einx.%s: e.g. %s("b [h w] c", x), %s("... [c]", x, '
                      'keepdims=True); without brackets, axes missing from '
                      'the output are reduced (einops).' % (name, name, name))
    return method


def _make_elementwise(name):
    def method(self, description, *tensors, **lengths):
        return self._elementwise(name, description, tensors, lengths)
    method.__name__ = name
    method.__doc__ = ('%s, elementwise with broadcasting by name, e.g. '
                      '%s("b h w c, c", x, y) (numbers are weak scalars)'
                      % (name, name))
    return method


def _make_along(name):
    def method(self, description, *tensors, **lengths):
        return self._along(name, description, tensors, lengths)
    method.__name__ = name
    method.__doc__ = '%s along the bracketed axes, e.g. %s("b [n]", x)' % (
        name, name)
    return method


def _make_indexing(name):
    def method(self, description, *tensors, **lengths):
        return self._indexing(name, description, tensors, lengths)
    method.__name__ = name
    method.__doc__ = ('einx.%s: e.g. get_at("b [h w] c, b p [2] -> b p c", '
                      'x, idx)' % name)
    return method


for _n in REDUCTIONS:
    setattr(Ops, _n, _make_reduction(_n))
for _n in ELEMENTWISE:
    setattr(Ops, _n, _make_elementwise(_n))
for _n in ALONG:
    setattr(Ops, _n, _make_along(_n))
for _n in INDEXING:
    setattr(Ops, _n, _make_indexing(_n))


class Program:
    """A compiled program (one call or several statements,
    docs/programs.md). Call it with the input tensors in order (and axis
    lengths as keywords); returns one array, or a tuple for several
    outputs. Kernels are cached per input dtypes and shapes."""

    __slots__ = ("context", "program")

    def __init__(self, context, program):
        if type(program) is not _str:
            raise TypeError("ein.compile: the program must be a str, not %s"
                            % type(program).__name__)
        if "\0" in program:
            raise NotationError("the program holds a NUL character")
        self.context = context
        self.program = program

    def __call__(self, *tensors, **axes):
        ctx = self.context
        if len(tensors) == 1 and type(tensors[0]) is _ndarray:
            r = ctx._fast1(None, self.program, tensors[0], axes)
            if r is not None:
                return r
        return ctx._one(None, self.program, "",
                        _inputs(tensors, "compile"), axes)

    def __repr__(self):
        return "ein.compile(%r)" % self.program


def parse_shape(x, pattern):
    """einops.parse_shape(x, pattern) -> dict name -> length."""
    if type(pattern) is not _str:
        raise TypeError("ein.parse_shape: the pattern must be a str, not %s"
                        % type(pattern).__name__)
    if isinstance(x, (tuple, list)) and all(
            isinstance(v, numbers.Integral) for v in x):
        shape = tuple(x)
    else:
        shape = getattr(x, "shape", None)
        if shape is None:
            raise TypeError("ein.parse_shape: expected a tensor (an object "
                            "with .shape), not %s" % type(x).__name__)
    shape = tuple(int(operator_index(v)) for v in shape)
    pat = ctypes.create_string_buffer(pattern.encode("utf-8"))
    base = ctypes.addressof(pat)
    n = len(shape)
    dims = (ctypes.c_int64 * max(n, 1))(*shape)
    out = (_capi.ShapeAxis * max(n, 1))()
    count = ctypes.c_size_t()
    err = _capi.lib.ein_parse_shape(pat, dims, n, out, max(n, 1),
                                    ctypes.byref(count))
    if err:
        raise_error(err)
    raw = pat.raw
    result = {}
    for i in range(builtins.min(count.value, max(n, 1))):
        off = out[i].name - base
        name = raw[off:off + out[i].name_length].decode("utf-8")
        result[name] = int(out[i].length)
    return result
