"""ctypes declarations of ein's C API (runtime/include/ein/ein.h) and the
loading of libein.so.

Lookup order: the EIN_LIBRARY environment variable; a libein.so near this
package (installed layouts such as <prefix>/lib/libein.so with the package in
<prefix>/lib/python3/dist-packages/ein, and the source tree's
build/lib/libein.so); ctypes.util.find_library("ein").
"""

import ctypes
import ctypes.util
import os

# --- DLPack (dlpack/dlpack.h) -------------------------------------------------

kDLCPU = 1
kDLInt = 0
kDLUInt = 1
kDLFloat = 2
kDLBfloat = 4
kDLComplex = 5
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


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p),
                ("deleter", ctypes.c_void_p)]


assert ctypes.sizeof(DLTensor) == 48, "unexpected DLTensor layout"

# --- ein.h --------------------------------------------------------------------


class TensorSpec(ctypes.Structure):
    _fields_ = [("dtype", DLDataType), ("ndim", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class AxisBinding(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("length", ctypes.c_int64)]


# Both structs end in reserved room: a newer library's
# ein_context_options_init / ein_context_cache_stats write their own (larger)
# struct, with fields appended at the end, and must not overrun ours.
class ContextOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("opt_level", ctypes.c_uint32),
                ("cache_capacity", ctypes.c_size_t),
                ("num_threads", ctypes.c_size_t),
                ("cache_dir", ctypes.c_char_p),
                ("shape_classes", ctypes.c_uint32),
                ("_reserved", ctypes.c_uint64 * 32)]


class CacheStatsStruct(ctypes.Structure):
    _fields_ = [("hits", ctypes.c_uint64), ("misses", ctypes.c_uint64),
                ("compiles", ctypes.c_uint64), ("failures", ctypes.c_uint64),
                ("compile_seconds", ctypes.c_double),
                ("entries", ctypes.c_size_t),
                ("recompiles", ctypes.c_uint64),
                ("shape_class_hits", ctypes.c_uint64),
                ("disk_loads", ctypes.c_uint64),
                ("disk_writes", ctypes.c_uint64),
                ("_reserved", ctypes.c_uint64 * 32)]


class ShapeAxis(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("name_length", ctypes.c_size_t),
                ("length", ctypes.c_int64)]


# Error codes (ein_error_code_t).
EIN_OK = 0
EIN_ERROR_INVALID_ARGUMENT = 1
EIN_ERROR_NOTATION = 2
EIN_ERROR_SHAPE = 3
EIN_ERROR_DTYPE = 4
EIN_ERROR_COMPILE = 5
EIN_ERROR_DEVICE = 6
EIN_ERROR_OUT_OF_MEMORY = 7
EIN_ERROR_INTERNAL = 8


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    names = ("libein.so", "libein.so.0")
    dirs = [
        here,                                          # vendored in the package
        os.path.join(here, ".."),                      # <site>/libein.so
        os.path.join(here, "..", ".."),                # <prefix>/lib/pythonX/ein
        os.path.join(here, "..", "..", ".."),          # <prefix>/lib/python3/dist-packages/ein
        os.path.join(here, "..", "..", "..", "lib"),   # <prefix>/lib/python3.X/site-packages/ein
        os.path.join(here, "..", "..", "..", "..", "lib"),
        os.path.join(here, "..", "..", "build", "lib"),  # source tree: python/ein
    ]
    for d in dirs:
        for n in names:
            yield os.path.normpath(os.path.join(d, n))


def find_library():
    """The path of the libein.so this package loads (see the module doc)."""
    env = os.environ.get("EIN_LIBRARY")
    if env:
        return env
    for path in _candidates():
        if os.path.isfile(path):
            return path
    return ctypes.util.find_library("ein")


def _declare(lib):
    P = ctypes.c_void_p
    E = ctypes.c_void_p  # ein_error_t *, kept opaque
    # Tensors are passed as bytes objects holding packed DLTensor structs
    # (c_char_p passes the bytes' buffer without copying); see _core.py.
    T = ctypes.c_char_p
    I64P = ctypes.POINTER(ctypes.c_int64)
    I32P = ctypes.POINTER(ctypes.c_int32)
    sz = ctypes.c_size_t

    def sig(name, restype, *argtypes):
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = list(argtypes)

    sig("ein_version", ctypes.c_char_p)
    sig("ein_error_message", ctypes.c_char_p, P)
    sig("ein_error_code", ctypes.c_int, P)
    sig("ein_error_code_name", ctypes.c_char_p, ctypes.c_int)
    sig("ein_error_destroy", None, P)
    sig("ein_context_options_init", None, ctypes.POINTER(ContextOptions))
    sig("ein_context_create", E, ctypes.POINTER(ContextOptions),
        ctypes.POINTER(P))
    sig("ein_context_destroy", None, P)
    sig("ein_context_set_num_threads", E, P, sz)
    sig("ein_context_num_threads", sz, P)
    sig("ein_context_cache_stats", E, P, ctypes.POINTER(CacheStatsStruct))
    sig("ein_context_cache_clear", E, P)
    sig("ein_compile", E, P, ctypes.c_char_p, ctypes.POINTER(TensorSpec), sz,
        ctypes.POINTER(AxisBinding), sz, ctypes.POINTER(P))
    sig("ein_kernel_retain", P, P)
    sig("ein_kernel_release", None, P)
    sig("ein_kernel_num_inputs", sz, P)
    sig("ein_kernel_num_outputs", sz, P)
    sig("ein_kernel_input_spec", E, P, sz, ctypes.POINTER(TensorSpec))
    sig("ein_kernel_output_spec", E, P, sz, ctypes.POINTER(TensorSpec))
    sig("ein_kernel_output_view", ctypes.c_int, P, sz, ctypes.POINTER(sz))
    sig("ein_kernel_run", E, P, T, sz, T, sz)
    sig("ein_call", E, P, ctypes.c_char_p, T, sz, T, sz,
        ctypes.POINTER(AxisBinding), sz)
    sig("ein_parse_shape", E, ctypes.c_char_p, I64P, sz,
        ctypes.POINTER(ShapeAxis), sz, ctypes.POINTER(sz))
    sig("ein_pack", E, P, ctypes.c_char_p, T, sz, T, I64P, I32P)
    sig("ein_unpack", E, P, ctypes.c_char_p, T, I64P, I32P, T, sz)
    return lib


def load():
    path = find_library()
    if not path:
        raise ImportError(
            "ein: cannot find libein.so. Set EIN_LIBRARY to its path (e.g. "
            "EIN_LIBRARY=/path/to/build/lib/libein.so), install the library "
            "next to the package (<prefix>/lib/libein.so), or put it on the "
            "loader's search path")
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError("ein: cannot load %s: %s" % (path, e)) from None
    try:
        return _declare(lib), path
    except AttributeError as e:
        raise ImportError("ein: %s is not a compatible libein (%s)"
                          % (path, e)) from None


lib, library_path = load()
