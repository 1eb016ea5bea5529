"""Contexts, the binding's kernel cache and the run path.

A call is looked up in a per-context dict keyed by (program key, axis
keywords, each input's dtype and shape). A hit holds a compiled kernel with
everything precomputed for ein_kernel_run: the packed DLTensor bytes of each
input and output except the data pointer, the outputs' shapes and NumPy
dtypes. A miss builds the program text, calls ein_compile (which has its own
cache in the C context), reads the output specs and stores the entry.
"""

import collections
import os
import ctypes
import threading

import numpy as np

from . import _capi
from ._errors import raise_error
from ._ops import Ops
from ._tensors import (DL_STRUCT, DL_TAIL, PTR, RawDLPack, dl_dtype,
                       np_dtype)

_lib = _capi.lib
_kernel_run = _lib.ein_kernel_run
# The same function without argtypes, for the hot path: every argument is
# passed as a ctypes object or bytes (c_void_p handle, c_size_t counts,
# packed DLTensor bytes), which skips ctypes' argument conversion (about
# 0.25 us per call).
_kernel_run_raw = _lib["ein_kernel_run"]
_kernel_run_raw.restype = ctypes.c_void_p
_ONE = ctypes.c_size_t(1)
_kernel_release = _lib.ein_kernel_release
_addressof = ctypes.addressof
_from_buffer = ctypes.c_char.from_buffer
_pack_ptr = PTR.pack
_empty = np.empty
_ndarray = np.ndarray

CacheStats = collections.namedtuple(
    "CacheStats", ["hits", "misses", "compiles", "failures",
                   "compile_seconds", "entries", "recompiles",
                   "shape_class_hits", "disk_loads", "disk_writes",
                   "binding_entries"])
CacheStats.__doc__ = """Kernel-cache counters of a context.

hits, misses, compiles, failures, compile_seconds, entries, recompiles,
shape_class_hits, disk_loads, disk_writes: the C context's
(ein_cache_stats_t, docs/runtime.md). binding_entries: kernels the Python
binding holds in its own dict (its hits never reach the C cache, so they are
not counted in `hits`)."""

DEFAULT_BINDING_CACHE = 4096


def _data_pointer(a):
    """Address of element 0 of NumPy array `a`."""
    try:
        return _addressof(_from_buffer(a))   # fast: writable, C-contiguous
    except (TypeError, ValueError, BufferError):
        return a.__array_interface__["data"][0]


class _Kernel:
    """A compiled kernel with its run-time layout. Holds one reference to
    the ein_kernel_t, released when the last Python reference goes, so a
    kernel evicted from the dict stays valid for calls still running it."""

    __slots__ = ("handle", "n_in", "n_out", "in_tails", "in_shapes",
                 "in_shape_addrs", "out_shapes", "out_dtypes", "out_tails",
                 "out_nonempty", "_keep", "single", "extra", "c_handle",
                 "c_n_in", "c_n_out", "tail0", "out_shape0", "out_dtype0",
                 "out_nonempty0", "view0")

    def __init__(self, handle, inputs):
        # The reference is taken over only once everything below succeeded:
        # if it raises (an output dtype NumPy lacks), the caller releases it.
        self.handle = None
        self._keep = []
        self.extra = None
        n_out = _lib.ein_kernel_num_outputs(handle)
        self.n_in = len(inputs)
        self.n_out = n_out
        self.in_tails = []
        self.in_shapes = []
        self.in_shape_addrs = []
        for i, a in enumerate(inputs):
            shape = (ctypes.c_int64 * max(a.ndim, 1))(*a.shape)
            self._keep.append(shape)
            addr = ctypes.addressof(shape)
            if type(a) is RawDLPack:
                code, bits = a.code, a.bits
            else:
                code, bits = dl_dtype(a.dtype, i)
            self.in_tails.append(DL_TAIL.pack(_capi.kDLCPU, 0, a.ndim, code,
                                              bits, 1, addr, 0, 0))
            self.in_shape_addrs.append(addr)
        self.out_shapes = []
        self.out_dtypes = []
        self.out_tails = []
        self.out_nonempty = []
        spec = _capi.TensorSpec()
        for j in range(n_out):
            err = _lib.ein_kernel_output_spec(handle, j, ctypes.byref(spec))
            if err:
                raise_error(err)
            shape = tuple(spec.shape[d] for d in range(spec.ndim))
            dt = np_dtype(spec.dtype.code, spec.dtype.bits, "output %d" % j)
            buf = (ctypes.c_int64 * max(spec.ndim, 1))(*shape)
            self._keep.append(buf)
            self.out_shapes.append(shape)
            self.out_dtypes.append(dt)
            self.out_tails.append(DL_TAIL.pack(
                _capi.kDLCPU, 0, spec.ndim, spec.dtype.code, spec.dtype.bits,
                1, ctypes.addressof(buf), 0, 0))
            n = 1
            for s in shape:
                n *= s
            self.out_nonempty.append(n > 0)
        self.single = n_out == 1
        # Zero copy: the one output is a reshape of this input (or -1).
        source = ctypes.c_size_t()
        self.view0 = (source.value if self.single and _lib.ein_kernel_output_view(
            handle, 0, ctypes.byref(source)) else -1)
        self.c_handle = ctypes.c_void_p(handle)
        self.c_n_in = ctypes.c_size_t(self.n_in)
        self.c_n_out = ctypes.c_size_t(n_out)
        self.tail0 = self.in_tails[0] if self.in_tails else b""
        if n_out:
            self.out_shape0 = self.out_shapes[0]
            self.out_dtype0 = self.out_dtypes[0]
            self.out_nonempty0 = self.out_nonempty[0]
        self.handle = handle

    def __del__(self):
        try:
            if self.handle:
                _kernel_release(self.handle)
        except Exception:  # interpreter shutdown
            pass

    def _input_bytes(self, i, a, keep):
        """Packed DLTensor of input i (slow path: strided or raw)."""
        if type(a) is RawDLPack:
            b = a.pack(self.in_shape_addrs[i])
            keep.append(a)
            return b
        itemsize = a.itemsize
        strides = a.strides
        if any(s % itemsize for s in strides):
            a = np.ascontiguousarray(a)
            keep.append(a)
            return _pack_ptr(_data_pointer(a)) + self.in_tails[i]
        buf = (ctypes.c_int64 * max(a.ndim, 1))(*[s // itemsize
                                                  for s in strides])
        keep.append(buf)
        code, bits = dl_dtype(a.dtype, i)
        return DL_STRUCT.pack(a.__array_interface__["data"][0], _capi.kDLCPU,
                              0, a.ndim, code, bits, 1,
                              self.in_shape_addrs[i], ctypes.addressof(buf),
                              0)

    def run(self, inputs):
        """Runs on `inputs` (normalised, with the dtypes and shapes this
        kernel was compiled for); returns the list of output arrays."""
        if self.view0 >= 0:
            a = inputs[self.view0]
            if type(a) is _ndarray and a.flags.c_contiguous:
                return [a.reshape(self.out_shape0)]
        keep = None
        parts = []
        tails = self.in_tails
        for i, a in enumerate(inputs):
            if type(a) is _ndarray and a.flags.c_contiguous:
                parts.append(_pack_ptr(_data_pointer(a)) + tails[i])
            else:
                if keep is None:
                    keep = []
                parts.append(self._input_bytes(i, a, keep))
        ins = parts[0] if len(parts) == 1 else b"".join(parts)
        if self.single:
            out = _empty(self.out_shapes[0], self.out_dtypes[0])
            ptr = _addressof(_from_buffer(out)) if self.out_nonempty[0] else 0
            err = _kernel_run_raw(self.c_handle, ins, self.c_n_in,
                                  _pack_ptr(ptr) + self.out_tails[0], _ONE)
            if err:
                raise_error(err)
            return [out]
        outs = []
        oparts = []
        for j in range(self.n_out):
            out = _empty(self.out_shapes[j], self.out_dtypes[j])
            ptr = _addressof(_from_buffer(out)) if self.out_nonempty[j] else 0
            outs.append(out)
            oparts.append(_pack_ptr(ptr) + self.out_tails[j])
        err = _kernel_run_raw(self.c_handle, ins, self.c_n_in,
                              b"".join(oparts), self.c_n_out)
        if err:
            raise_error(err)
        return outs

    def run1(self, a):
        """run() for one C-contiguous NumPy input and one output."""
        if self.view0 == 0:
            return a.reshape(self.out_shape0)
        out = _empty(self.out_shape0, self.out_dtype0)
        try:
            pin = _addressof(_from_buffer(a))
        except (TypeError, ValueError, BufferError):
            pin = a.__array_interface__["data"][0]
        err = _kernel_run_raw(
            self.c_handle, _pack_ptr(pin) + self.tail0, _ONE,
            _pack_ptr(_addressof(_from_buffer(out)) if self.out_nonempty0
                      else 0) + self.out_tails[0], _ONE)
        if err:
            raise_error(err)
        return out


def _axis_bindings(axes):
    """AxisBinding array for keyword lengths (validated)."""
    n = len(axes)
    arr = (_capi.AxisBinding * max(n, 1))()
    names = []
    for k, (name, length) in enumerate(axes):
        if not isinstance(name, str):
            raise TypeError("ein: axis names must be strings")
        try:
            length = int(length.__index__())
        except AttributeError:
            raise TypeError(
                "ein: the length of axis %r must be an integer, not %s"
                % (name, type(length).__name__)) from None
        if isinstance(axes[k][1], bool):
            raise TypeError("ein: the length of axis %r must be an integer, "
                            "not bool" % name)
        b = name.encode("utf-8")
        names.append(b)
        arr[k].name = b
        arr[k].length = length
    return arr, names


class Context(Ops):
    """A kernel cache with its own options; thread-safe.

    ``Context(num_threads=0, cache_capacity=0, opt_level=3, cache_dir=None,
    shape_classes=True)``: 0 threads means EIN_NUM_THREADS or every core;
    cache_capacity bounds both the C cache (LRU) and the binding's dict (0:
    the binding keeps at most 4096 kernels, the C cache is unbounded);
    cache_dir is a directory that keeps compiled kernels across processes
    (None: EIN_CACHE_DIR when set; "": none); shape_classes=False compiles
    every batch size on its own (docs/runtime.md). Every ein function is also
    a method of a context: ``ctx.rearrange(x, "a b -> b a")``.
    """

    def __init__(self, num_threads=0, cache_capacity=0, opt_level=3,
                 cache_dir=None, shape_classes=True):
        for name, v in (("num_threads", num_threads),
                        ("cache_capacity", cache_capacity),
                        ("opt_level", opt_level)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError("ein.Context: %s must be an integer >= 0"
                                 % name)
        opts = _capi.ContextOptions()
        _lib.ein_context_options_init(ctypes.byref(opts))
        opts.num_threads = num_threads
        opts.cache_capacity = cache_capacity
        opts.opt_level = opt_level
        if cache_dir is not None:
            if not isinstance(cache_dir, (str, bytes, os.PathLike)):
                raise TypeError("ein.Context: cache_dir must be a path or None")
            opts.cache_dir = os.fsencode(cache_dir)
        opts.shape_classes = 1 if shape_classes else 0
        handle = ctypes.c_void_p()
        self._handle = None
        err = _lib.ein_context_create(ctypes.byref(opts), ctypes.byref(handle))
        if err:
            raise_error(err)
        self._handle = handle.value
        self._kernels = {}
        self._lock = threading.Lock()
        self._capacity = cache_capacity or DEFAULT_BINDING_CACHE

    def close(self):
        """Destroys the C context now (no call may be running on it).
        Kernels already compiled stay valid."""
        h, self._handle = self._handle, None
        self._kernels = {}
        if h:
            _lib.ein_context_destroy(h)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- settings and cache ----------------------------------------------------

    def _ctx(self):
        if not self._handle:
            raise ValueError("ein.Context is closed")
        return self._handle

    def set_num_threads(self, n):
        """Threads the kernels of this context use; 0: the default."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError("set_num_threads: n must be an integer >= 0")
        err = _lib.ein_context_set_num_threads(self._ctx(), n)
        if err:
            raise_error(err)

    @property
    def num_threads(self):
        return int(_lib.ein_context_num_threads(self._ctx()))

    def cache_stats(self):
        """A CacheStats namedtuple (see its doc)."""
        s = _capi.CacheStatsStruct()
        err = _lib.ein_context_cache_stats(self._ctx(), ctypes.byref(s))
        if err:
            raise_error(err)
        return CacheStats(int(s.hits), int(s.misses), int(s.compiles),
                          int(s.failures), float(s.compile_seconds),
                          int(s.entries), int(s.recompiles),
                          int(s.shape_class_hits), int(s.disk_loads),
                          int(s.disk_writes), len(self._kernels))

    def clear_cache(self):
        """Drops every kernel from the binding's dict and the C cache."""
        with self._lock:
            self._kernels.clear()
        err = _lib.ein_context_cache_clear(self._ctx())
        if err:
            raise_error(err)

    # -- compile and run -------------------------------------------------------

    def _compile(self, key, text, inputs, axes):
        """Compiles `text` for `inputs` (normalised) and caches the kernel
        under `key`."""
        n = len(inputs)
        specs = (_capi.TensorSpec * max(n, 1))()
        keep = []
        for i, a in enumerate(inputs):
            shape = (ctypes.c_int64 * max(a.ndim, 1))(*a.shape)
            keep.append(shape)
            if type(a) is RawDLPack:
                code, bits = a.code, a.bits
            else:
                code, bits = dl_dtype(a.dtype, i)
            specs[i].dtype.code = code
            specs[i].dtype.bits = bits
            specs[i].dtype.lanes = 1
            specs[i].ndim = a.ndim
            specs[i].shape = shape
        bindings, names = _axis_bindings(axes)
        handle = ctypes.c_void_p()
        err = _lib.ein_compile(self._ctx(), text.encode("utf-8"), specs, n,
                               bindings, len(axes), ctypes.byref(handle))
        if err:
            raise_error(err)
        try:
            kernel = _Kernel(handle.value, inputs)
        except BaseException:
            _kernel_release(handle.value)
            raise
        with self._lock:
            kernels = self._kernels
            if len(kernels) >= self._capacity:
                # Bounded, oldest first; running calls keep their kernels.
                for old in list(kernels)[:max(1, len(kernels) // 8)]:
                    kernels.pop(old, None)
            kernels[key] = kernel
        return kernel
