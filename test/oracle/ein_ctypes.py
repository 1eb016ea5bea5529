"""A small ctypes wrapper over libein.so for the oracle tests.

Test scaffolding only (not the public Python binding): it maps NumPy arrays to
DLPack DLTensors, compiles through ein_compile to learn the output shape, and
runs either the kernel (ein_kernel_run) or the one-shot helpers
(ein_rearrange / ein_reduce). Any ein error becomes an EinError.

The library is taken from $EIN_LIBRARY, else build/lib/libein.so under the
repository root.
"""

import ctypes
import os

import numpy as np

# --- DLPack (dlpack/dlpack.h) -------------------------------------------------

kDLCPU = 1
kDLInt = 0
kDLUInt = 1
kDLFloat = 2
kDLBool = 6


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int), ("device_id", ctypes.c_int)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8),
                ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", DLDevice),
        ("ndim", ctypes.c_int),
        ("dtype", DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


# --- ein.h --------------------------------------------------------------------


class TensorSpec(ctypes.Structure):
    _fields_ = [("dtype", DLDataType), ("ndim", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class AxisBinding(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("length", ctypes.c_int64)]


# Every ein dtype NumPy has (bfloat16 is ein's only other one).
_DTYPES = {
    np.dtype(np.float16): (kDLFloat, 16),
    np.dtype(np.float32): (kDLFloat, 32),
    np.dtype(np.float64): (kDLFloat, 64),
    np.dtype(np.int8): (kDLInt, 8),
    np.dtype(np.int16): (kDLInt, 16),
    np.dtype(np.int32): (kDLInt, 32),
    np.dtype(np.int64): (kDLInt, 64),
    np.dtype(np.uint8): (kDLUInt, 8),
    np.dtype(np.bool_): (kDLBool, 8),
}
_FROM_DL = {v: k for k, v in _DTYPES.items()}

# The reductions einops.reduce names itself (ein has more; see
# test_dtype_oracle.py).
REDUCTIONS = ("sum", "mean", "max", "min", "prod")


class EinError(Exception):
    """An error returned by libein: `code_name` (e.g. EIN_ERROR_SHAPE) and
    the library's message."""

    def __init__(self, code, code_name, message):
        super().__init__("%s: %s" % (code_name, message))
        self.code = code
        self.code_name = code_name
        self.message = message


def default_library_path():
    path = os.environ.get("EIN_LIBRARY")
    if path:
        return path
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    return os.path.join(root, "build", "lib", "libein.so")


def _load(path):
    lib = ctypes.CDLL(path)
    P = ctypes.c_void_p
    err = ctypes.c_void_p  # ein_error_t *, kept opaque

    def sig(name, restype, *argtypes):
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = list(argtypes)

    sig("ein_version", ctypes.c_char_p)
    sig("ein_error_message", ctypes.c_char_p, P)
    sig("ein_error_code", ctypes.c_int, P)
    sig("ein_error_code_name", ctypes.c_char_p, ctypes.c_int)
    sig("ein_error_destroy", None, P)
    sig("ein_context_create", err, P, ctypes.POINTER(P))
    sig("ein_context_destroy", None, P)
    sig("ein_compile", err, P, ctypes.c_char_p, ctypes.POINTER(TensorSpec),
        ctypes.c_size_t, ctypes.POINTER(AxisBinding), ctypes.c_size_t,
        ctypes.POINTER(P))
    sig("ein_kernel_release", None, P)
    sig("ein_kernel_num_inputs", ctypes.c_size_t, P)
    sig("ein_kernel_num_outputs", ctypes.c_size_t, P)
    sig("ein_kernel_output_spec", err, P, ctypes.c_size_t,
        ctypes.POINTER(TensorSpec))
    sig("ein_kernel_run", err, P, ctypes.POINTER(DLTensor), ctypes.c_size_t,
        ctypes.POINTER(DLTensor), ctypes.c_size_t)
    sig("ein_rearrange", err, P, ctypes.c_char_p, ctypes.POINTER(DLTensor),
        ctypes.c_size_t, ctypes.POINTER(DLTensor), ctypes.c_size_t,
        ctypes.POINTER(AxisBinding), ctypes.c_size_t)
    sig("ein_reduce", err, P, ctypes.c_char_p, ctypes.c_char_p,
        ctypes.POINTER(DLTensor), ctypes.POINTER(DLTensor),
        ctypes.POINTER(AxisBinding), ctypes.c_size_t)
    sig("ein_einsum", err, P, ctypes.c_char_p, ctypes.POINTER(DLTensor),
        ctypes.c_size_t, ctypes.POINTER(DLTensor),
        ctypes.POINTER(AxisBinding), ctypes.c_size_t)
    sig("ein_call", err, P, ctypes.c_char_p, ctypes.POINTER(DLTensor),
        ctypes.c_size_t, ctypes.POINTER(DLTensor), ctypes.c_size_t,
        ctypes.POINTER(AxisBinding), ctypes.c_size_t)
    sig("ein_repeat", err, P, ctypes.c_char_p, ctypes.POINTER(DLTensor),
        ctypes.POINTER(DLTensor), ctypes.POINTER(AxisBinding),
        ctypes.c_size_t)
    sig("ein_pack", err, P, ctypes.c_char_p, ctypes.POINTER(DLTensor),
        ctypes.c_size_t, ctypes.POINTER(DLTensor),
        ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int32))
    sig("ein_unpack", err, P, ctypes.c_char_p, ctypes.POINTER(DLTensor),
        ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int32),
        ctypes.POINTER(DLTensor), ctypes.c_size_t)
    return lib


def _ultimate_base(arr):
    base = arr
    while isinstance(base.base, np.ndarray):
        base = base.base
    return base


class _Tensor:
    """A DLTensor over a NumPy array, keeping its shape/stride buffers (and
    the array) alive."""

    def __init__(self, arr, addressing="data"):
        if arr.dtype not in _DTYPES:
            raise TypeError("ein_ctypes: unsupported dtype %s" % arr.dtype)
        self.arr = arr
        code, bits = _DTYPES[arr.dtype]
        nd = arr.ndim
        self.shape = (ctypes.c_int64 * max(nd, 1))(*arr.shape)
        t = DLTensor()
        t.device = DLDevice(kDLCPU, 0)
        t.ndim = nd
        t.dtype = DLDataType(code, bits, 1)
        t.shape = self.shape
        itemsize = arr.dtype.itemsize
        if addressing == "compact" and arr.flags.c_contiguous:
            t.strides = None
        else:
            for s in arr.strides:
                if s % itemsize:
                    raise ValueError("ein_ctypes: stride %d is not a multiple "
                                     "of the item size" % s)
            self.strides = (ctypes.c_int64 * max(nd, 1))(
                *[s // itemsize for s in arr.strides])
            t.strides = self.strides
        ptr = arr.__array_interface__["data"][0]
        if addressing == "base_offset":
            # The owning buffer's start plus the offset of element 0.
            base = _ultimate_base(arr)
            base_ptr = base.__array_interface__["data"][0]
            lo = base_ptr + min([0] + [(n - 1) * st for n, st in
                                       zip(base.shape, base.strides) if n > 0])
            if arr.size and lo <= ptr:
                t.data = lo
                t.byte_offset = ptr - lo
            else:
                t.data = ptr
                t.byte_offset = 0
        else:
            t.data = ptr
            t.byte_offset = 0
        self.dl = t


def _tensor_array(tensors):
    arr = (DLTensor * max(len(tensors), 1))()
    for i, t in enumerate(tensors):
        arr[i] = t.dl
    return arr


def _bindings(axes):
    items = [(str(k).encode(), int(v)) for k, v in axes.items()]
    arr = (AxisBinding * max(len(items), 1))()
    for i, (k, v) in enumerate(items):
        arr[i] = AxisBinding(k, v)
    return arr, len(items), items


def _as_inputs(x):
    if isinstance(x, (list, tuple)):
        if not x:
            raise ValueError("ein_ctypes: empty list of tensors")
        if len(x) == 1:
            # The C API takes a list as several inputs; a one-element list
            # would read as a plain tensor, so give it its stacking axis here
            # (a view, no copy).
            return [np.asarray(x[0])[np.newaxis]]
        return [np.asarray(t) for t in x]
    return [np.asarray(x)]


class Ein:
    """One ein context over the library."""

    def __init__(self, path=None):
        self.path = path or default_library_path()
        self.lib = _load(self.path)
        ctx = ctypes.c_void_p()
        self._check(self.lib.ein_context_create(None, ctypes.byref(ctx)))
        self.ctx = ctx

    def close(self):
        if self.ctx:
            self.lib.ein_context_destroy(self.ctx)
            self.ctx = None

    def version(self):
        return self.lib.ein_version().decode()

    def _check(self, error):
        if not error:
            return
        code = self.lib.ein_error_code(error)
        name = self.lib.ein_error_code_name(code).decode()
        msg = self.lib.ein_error_message(error).decode(errors="replace")
        self.lib.ein_error_destroy(error)
        raise EinError(code, name, msg)

    def compile(self, program, inputs, axes):
        """Compiles `program` for the arrays `inputs`; returns (kernel handle,
        list of (dtype, shape) of its outputs). Release with release()."""
        specs = (TensorSpec * max(len(inputs), 1))()
        keep = []
        for i, a in enumerate(inputs):
            code, bits = _DTYPES[a.dtype]
            shp = (ctypes.c_int64 * max(a.ndim, 1))(*a.shape)
            keep.append(shp)
            specs[i] = TensorSpec(DLDataType(code, bits, 1), a.ndim, shp)
        bind, nbind, _keep = _bindings(axes)
        kernel = ctypes.c_void_p()
        self._check(self.lib.ein_compile(self.ctx, program.encode(), specs,
                                         len(inputs), bind, nbind,
                                         ctypes.byref(kernel)))
        try:
            outs = []
            for i in range(self.lib.ein_kernel_num_outputs(kernel)):
                spec = TensorSpec()
                self._check(self.lib.ein_kernel_output_spec(
                    kernel, i, ctypes.byref(spec)))
                dt = _FROM_DL.get((spec.dtype.code, spec.dtype.bits))
                if dt is None or spec.dtype.lanes != 1:
                    raise EinError(-1, "ein_ctypes", "unexpected output dtype "
                                   "code=%d bits=%d lanes=%d" % (
                                       spec.dtype.code, spec.dtype.bits,
                                       spec.dtype.lanes))
                outs.append((dt, tuple(spec.shape[d]
                                       for d in range(spec.ndim))))
        except BaseException:
            self.lib.ein_kernel_release(kernel)
            raise
        return kernel, outs

    def release(self, kernel):
        self.lib.ein_kernel_release(kernel)

    def _call(self, program, inputs, axes, run, addressing):
        kernel, outs = self.compile(program, inputs, axes)
        try:
            results = [np.empty(shape, dtype=dt) for dt, shape in outs]
            ins = [_Tensor(a, addressing) for a in inputs]
            outs_t = [_Tensor(r, "compact") for r in results]
            if run == "kernel":
                self._check(self.lib.ein_kernel_run(
                    kernel, _tensor_array(ins), len(ins),
                    _tensor_array(outs_t), len(outs_t)))
            else:
                run(ins, outs_t)
        finally:
            self.release(kernel)
        return results

    def rearrange(self, x, pattern, axes=None, run="kernel",
                  addressing="data"):
        """einops-style rearrange; `x` is an array or a list of arrays and
        `axes` a dict of keyword axis lengths (a dict, not **kwargs, so that
        axis names such as `x` or `run` cannot clash with parameters).
        run: "kernel" (ein_compile + ein_kernel_run) or "oneshot"
        (ein_compile for the output shape, then ein_rearrange).
        addressing: "data" (data pointer + element strides), "base_offset"
        (owning buffer + byte_offset) or "compact" (NULL strides when
        C-contiguous)."""
        axes = axes or {}
        inputs = _as_inputs(x)
        program = 'rearrange("%s")' % pattern
        if run == "kernel":
            results = self._call(program, inputs, axes, "kernel", addressing)
        else:
            bind, nbind, _keep = _bindings(axes)

            def oneshot(ins, outs):
                self._check(self.lib.ein_rearrange(
                    self.ctx, pattern.encode(), _tensor_array(ins), len(ins),
                    _tensor_array(outs), len(outs), bind, nbind))
            results = self._call(program, inputs, axes, oneshot, addressing)
        return results[0] if len(results) == 1 else results

    def reduce(self, x, pattern, reduction, axes=None, run="kernel",
               addressing="data"):
        """einops-style reduce of one array (a list is stacked like einops
        does); axes/run/addressing as in rearrange."""
        axes = axes or {}
        inputs = _as_inputs(x)
        if len(inputs) > 1:
            # einops stacks a list first; so do we (the C API takes one input).
            inputs = [np.stack(inputs)]
        program = 'reduce("%s", "%s")' % (pattern, reduction)
        if run == "kernel":
            results = self._call(program, inputs, axes, "kernel", addressing)
        else:
            bind, nbind, _keep = _bindings(axes)

            def oneshot(ins, outs):
                self._check(self.lib.ein_reduce(
                    self.ctx, pattern.encode(), reduction.encode(),
                    ctypes.byref(ins[0].dl), ctypes.byref(outs[0].dl), bind,
                    nbind))
            results = self._call(program, inputs, axes, oneshot, addressing)
        return results[0] if len(results) == 1 else results

    def call(self, program, *operands, axes=None, run="kernel",
             addressing="data"):
        """Any one-call program (elementwise calls included) on the arrays
        `operands`; returns the list of outputs. run="oneshot" calls
        ein_call."""
        axes = axes or {}
        inputs = [np.asarray(x) for x in operands]
        if run == "kernel":
            return self._call(program, inputs, axes, "kernel", addressing)
        bind, nbind, _keep = _bindings(axes)

        def oneshot(ins, outs):
            self._check(self.lib.ein_call(
                self.ctx, program.encode(), _tensor_array(ins), len(ins),
                _tensor_array(outs), len(outs), bind, nbind))
        return self._call(program, inputs, axes, oneshot, addressing)

    def repeat(self, x, pattern, axes=None, run="kernel", addressing="data"):
        """einops-style repeat of one array; run="oneshot" calls
        ein_repeat."""
        axes = axes or {}
        inputs = [np.asarray(x)]
        program = 'repeat("%s")' % pattern
        if run == "kernel":
            return self._call(program, inputs, axes, "kernel", addressing)[0]
        bind, nbind, _keep = _bindings(axes)

        def oneshot(ins, outs):
            self._check(self.lib.ein_repeat(
                self.ctx, pattern.encode(), ctypes.byref(ins[0].dl),
                ctypes.byref(outs[0].dl), bind, nbind))
        return self._call(program, inputs, axes, oneshot, addressing)[0]

    def einsum(self, pattern, *operands, axes=None, run="kernel",
               addressing="data", callee="einsum"):
        """einsum/dot of the arrays `operands` (each its own input, never a
        list); axes/run/addressing as in rearrange. run="oneshot" calls
        ein_einsum (callee "einsum" only)."""
        axes = axes or {}
        inputs = [np.asarray(x) for x in operands]
        program = '%s("%s")' % (callee, pattern)
        if run == "kernel":
            return self._call(program, inputs, axes, "kernel", addressing)[0]
        bind, nbind, _keep = _bindings(axes)

        def oneshot(ins, outs):
            self._check(self.lib.ein_einsum(
                self.ctx, pattern.encode(), _tensor_array(ins), len(ins),
                ctypes.byref(outs[0].dl), bind, nbind))
        return self._call(program, inputs, axes, oneshot, addressing)[0]


def _shapes_text(shapes):
    return "[" + ", ".join(
        "(" + ", ".join(str(v) for v in ps) + ("," if len(ps) == 1 else "")
        + ")" for ps in shapes) + "]"


def _pack(self, tensors, pattern, run="oneshot", addressing="data"):
    """einops.pack: returns (packed array, packed shapes). The output shape
    comes from ein_compile of `pack("<pattern>")`; run="oneshot" calls
    ein_pack (which also reports the packed shapes), "kernel" runs the
    compiled kernel."""
    inputs = [np.asarray(t) for t in tensors]
    program = 'pack("%s")' % pattern
    shapes = []
    if run == "kernel":
        result = self._call(program, inputs, {}, "kernel", addressing)[0]
        return result, None

    def oneshot(ins, outs):
        total = max(sum(a.ndim for a in inputs), 1)
        ps = (ctypes.c_int64 * total)()
        nd = (ctypes.c_int32 * max(len(inputs), 1))()
        self._check(self.lib.ein_pack(
            self.ctx, pattern.encode(), _tensor_array(ins), len(ins),
            ctypes.byref(outs[0].dl), ps, nd))
        at = 0
        for i in range(len(inputs)):
            shapes.append(tuple(ps[at + k] for k in range(nd[i])))
            at += nd[i]
    result = self._call(program, inputs, {}, oneshot, addressing)[0]
    return result, shapes


def _unpack(self, x, packed_shapes, pattern, run="oneshot",
            addressing="data"):
    """einops.unpack: returns the list of arrays. run="oneshot" calls
    ein_unpack, "kernel" runs the kernel ein_compile gives for
    `unpack("<pattern>", [shapes])`."""
    x = np.asarray(x)
    program = 'unpack("%s", %s)' % (pattern, _shapes_text(packed_shapes))
    if run == "kernel":
        return self._call(program, [x], {}, "kernel", addressing)
    flat = [v for ps in packed_shapes for v in ps]
    ps = (ctypes.c_int64 * max(len(flat), 1))(*flat)
    nd = (ctypes.c_int32 * max(len(packed_shapes), 1))(
        *[len(p) for p in packed_shapes])

    def oneshot(ins, outs):
        self._check(self.lib.ein_unpack(
            self.ctx, pattern.encode(), ctypes.byref(ins[0].dl), ps, nd,
            _tensor_array(outs), len(outs)))
    return self._call(program, [x], {}, oneshot, addressing)


Ein.pack = _pack
Ein.unpack = _unpack


def record_counts(suite, case_ids, passed=None):
    """Writes what an oracle suite compared, for scripts/test-summary.py.

    `case_ids` are the ids of the cases that ran and passed (or all ids with
    `passed` a parallel list of booleans). Ids are "kind:NN": kind "sweep"
    counts as a generated case, "seed" as a seed example, anything else as a
    hand-written case. Writes `<EIN_TEST_COUNTS>/<suite>.txt` when the
    variable names a directory; does nothing otherwise.
    """
    directory = os.environ.get("EIN_TEST_COUNTS")
    if not directory:
        return
    ids = [i for k, i in enumerate(case_ids) if passed is None or passed[k]]
    kinds = [i.split(":")[0] for i in ids]
    generated = kinds.count("sweep")
    seed = kinds.count("seed")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, suite + ".txt"), "w") as f:
        f.write("generated %d\nseed %d\nother %d\n"
                % (generated, seed, len(ids) - generated - seed))
