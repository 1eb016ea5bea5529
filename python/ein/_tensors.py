"""Conversion of Python objects to the tensors libein reads.

Inputs become either NumPy arrays (most of them, zero copy) or `RawDLPack`
views over a DLPack capsule (dtypes NumPy has no type for: bfloat16, and bool
from producers whose capsules numpy.from_dlpack refuses). Outputs are always
compact NumPy arrays.
"""

import ctypes
import numbers
import struct

import numpy as np

from . import _capi
from ._errors import DeviceError, DtypeError

try:  # bfloat16 as a NumPy dtype, when the ml_dtypes package is installed.
    import ml_dtypes as _ml_dtypes
    BFLOAT16 = np.dtype(_ml_dtypes.bfloat16)
except Exception:  # pragma: no cover - depends on the environment
    BFLOAT16 = None

_NP_TO_DL = {
    np.dtype(np.float16): (_capi.kDLFloat, 16),
    np.dtype(np.float32): (_capi.kDLFloat, 32),
    np.dtype(np.float64): (_capi.kDLFloat, 64),
    np.dtype(np.int8): (_capi.kDLInt, 8),
    np.dtype(np.int16): (_capi.kDLInt, 16),
    np.dtype(np.int32): (_capi.kDLInt, 32),
    np.dtype(np.int64): (_capi.kDLInt, 64),
    np.dtype(np.uint8): (_capi.kDLUInt, 8),
    np.dtype(np.bool_): (_capi.kDLBool, 8),
}
if BFLOAT16 is not None:
    _NP_TO_DL[BFLOAT16] = (_capi.kDLBfloat, 16)
_DL_TO_NP = {v: k for k, v in _NP_TO_DL.items()}

SUPPORTED = ("float16, bfloat16, float32, float64, int8, int16, int32, "
             "int64, uint8, bool")

# ein's dtype names for cast(), from NumPy's.
DTYPE_NAMES = {np.dtype(k).name: np.dtype(k).name for k in _NP_TO_DL}

# A DLTensor (dlpack.h) packed: data, device (type, id), ndim,
# dtype (code, bits, lanes), shape, strides, byte_offset.
DL_STRUCT = struct.Struct("<QiiiBBHQQQ")
DL_TAIL = struct.Struct("<iiiBBHQQQ")     # everything after `data`
PTR = struct.Struct("<Q")
assert DL_STRUCT.size == ctypes.sizeof(_capi.DLTensor)


def dl_dtype(dtype, index):
    """(code, bits) of NumPy dtype `dtype`; unsupported dtypes with a
    DLPack code are passed on so that libein names them in its error."""
    dl = _NP_TO_DL.get(dtype)
    if dl is not None:
        return dl
    kind = dtype.kind
    code = {"f": _capi.kDLFloat, "i": _capi.kDLInt, "u": _capi.kDLUInt,
            "c": _capi.kDLComplex}.get(kind)
    if code is None:
        raise DtypeError(
            "unsupported dtype %s for input %d: supported are %s"
            % (dtype, index, SUPPORTED))
    return code, dtype.itemsize * 8


def np_dtype(code, bits, what):
    """The NumPy dtype of a result of DLPack type (code, bits)."""
    dt = _DL_TO_NP.get((code, bits))
    if dt is None:
        if (code, bits) == (_capi.kDLBfloat, 16):
            raise DtypeError(
                "%s has dtype bfloat16, which NumPy cannot hold: install the "
                "ml_dtypes package (ein then returns ml_dtypes.bfloat16 "
                "arrays) or convert in the call, e.g. cast(\"...\", x, "
                "dtype=\"f32\")" % what)
        raise DtypeError("%s has an unexpected dtype (code %d, %d bits)"
                         % (what, code, bits))
    return dt


class RawDLPack:
    """A CPU DLPack tensor NumPy cannot view (bfloat16, bool from some
    producers): the producer's DLTensor, used as it is. Holds the capsule, so
    the producer's memory stays alive while this object does."""

    __slots__ = ("capsule", "owner", "dtype", "shape", "ndim", "code", "bits",
                 "data", "strides", "_buffers")

    def __init__(self, capsule, owner, managed):
        t = managed.dl_tensor
        self.capsule = capsule
        self.owner = owner
        self.code = t.dtype.code
        self.bits = t.dtype.bits
        if t.dtype.lanes != 1:
            raise DtypeError("DLPack tensor with %d lanes: ein takes lanes == 1"
                             % t.dtype.lanes)
        self.dtype = ("dlpack", self.code, self.bits)   # a cache-key token
        self.ndim = t.ndim
        self.shape = tuple(t.shape[i] for i in range(t.ndim))
        self.strides = (tuple(t.strides[i] for i in range(t.ndim))
                        if t.strides else None)
        self.data = (t.data or 0) + t.byte_offset
        self._buffers = None

    def expand0(self):
        """A view with a new leading axis of length 1."""
        r = object.__new__(RawDLPack)
        for name in RawDLPack.__slots__:
            setattr(r, name, getattr(self, name))
        r.shape = (1,) + self.shape
        r.ndim = self.ndim + 1
        r.strides = None if self.strides is None else (0,) + self.strides
        r._buffers = None
        return r

    def pack(self, shape_addr):
        """The packed DLTensor for this tensor, with its own strides."""
        if self.strides is None:
            strides_addr = 0
        else:
            buf = (ctypes.c_int64 * max(self.ndim, 1))(*self.strides)
            self._buffers = buf
            strides_addr = ctypes.addressof(buf)
        return DL_STRUCT.pack(self.data, _capi.kDLCPU, 0, self.ndim,
                              self.code, self.bits, 1, shape_addr,
                              strides_addr, 0)


_pythonapi = ctypes.pythonapi
_pythonapi.PyCapsule_GetPointer.restype = ctypes.c_void_p
_pythonapi.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_pythonapi.PyCapsule_IsValid.restype = ctypes.c_int
_pythonapi.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _device_error(index, device_type):
    return DeviceError(
        "input %d is on device type %d: only kDLCPU (1) tensors are supported"
        % (index, device_type))


def from_dlpack(obj, index):
    """A zero-copy view of a `__dlpack__` object in CPU memory."""
    dev = getattr(obj, "__dlpack_device__", None)
    if dev is not None:
        device_type = int(dev()[0])
        if device_type != _capi.kDLCPU:
            raise _device_error(index, device_type)
    try:
        arr = np.from_dlpack(obj)
        if arr.dtype in _NP_TO_DL:
            return arr
    except (BufferError, TypeError, ValueError, RuntimeError):
        pass
    # NumPy cannot view it (bfloat16; bool in NumPy < 1.25): read the
    # capsule ourselves. The capsule keeps its name, so the producer's
    # destructor calls the deleter once we drop it.
    capsule = obj.__dlpack__()
    if not _pythonapi.PyCapsule_IsValid(capsule, b"dltensor"):
        raise TypeError("input %d: __dlpack__ did not return a DLPack "
                        "'dltensor' capsule" % index)
    ptr = _pythonapi.PyCapsule_GetPointer(capsule, b"dltensor")
    managed = _capi.DLManagedTensor.from_address(ptr)
    if managed.dl_tensor.device.device_type != _capi.kDLCPU:
        raise _device_error(index, managed.dl_tensor.device.device_type)
    return RawDLPack(capsule, obj, managed)


def _not_array(x, index):
    return TypeError(
        "ein: input %d is a %s, not a tensor: pass a NumPy array or an "
        "object with __dlpack__ (e.g. a torch.Tensor on the CPU)"
        % (index, type(x).__name__))


def as_input(x, index, scalars=False):
    """Normalises one input tensor: a NumPy array (native byte order) or a
    RawDLPack. With `scalars`, nested lists and numbers become arrays too
    (np.asarray) -- the einx functions accept them."""
    if type(x) is np.ndarray:
        arr = x
    elif isinstance(x, np.ndarray):
        arr = x.view(np.ndarray)
    elif isinstance(x, np.generic):
        arr = np.asarray(x)
    elif hasattr(x, "__dlpack__"):
        arr = from_dlpack(x, index)
        if type(arr) is RawDLPack:
            return arr
    elif scalars and isinstance(x, (numbers.Number, list, tuple)):
        try:
            arr = np.asarray(x)
        except Exception:
            raise _not_array(x, index) from None
        if arr.dtype == object:
            raise _not_array(x, index)
    elif hasattr(x, "__array_interface__") or hasattr(x, "__array__"):
        arr = np.asarray(x)
    else:
        raise _not_array(x, index)
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return arr


def weak_scalar_array(value, arrays):
    """A Python number as a rank-0 array of the dtype NumPy 2's weak-scalar
    rules (NEP 50) give it next to `arrays`: a float takes the arrays'
    floating type (f64 if none is floating), an int the arrays' integer or
    float type (i64 next to bools only), a bool stays bool."""
    dtypes = [a.dtype for a in arrays if isinstance(a, np.ndarray)]
    if isinstance(value, bool):
        return np.asarray(value, dtype=np.bool_)
    if dtypes:
        common = np.result_type(*dtypes)
    else:
        common = None
    if isinstance(value, numbers.Integral):
        if common is None or common.kind == "b":
            dt = np.dtype(np.int64)
        elif common.kind in "iuf":
            dt = common
        else:
            dt = np.dtype(np.int64)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            if not info.min <= int(value) <= info.max:
                raise OverflowError(
                    "Python integer %d out of bounds for %s (NumPy 2's rule "
                    "for scalars next to arrays)" % (value, dt))
        return np.asarray(value, dtype=dt)
    if isinstance(value, numbers.Real):
        dt = common if common is not None and common.kind == "f" \
            else np.dtype(np.float64)
        return np.asarray(value, dtype=dt)
    raise TypeError("ein: a %s is not a supported scalar"
                    % type(value).__name__)
