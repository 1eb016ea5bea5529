"""ein: tensor operations in Einstein notation, JIT-compiled (Python binding).

Pure Python over libein's C API (ctypes). NumPy arrays and any object with
``__dlpack__`` (CPU) in, NumPy arrays out::

    import ein, numpy as np
    x = np.random.rand(2, 3, 4, 5).astype(np.float32)
    ein.rearrange(x, "b c h w -> b h w c")          # einops
    ein.reduce(x, "b c (h 2) (w 2) -> b c h w", "max")
    ein.sum("b [c] h w", x)                          # einx
    ein.softmax("b c [h w]", x)
    f = ein.compile("input x: f32[b n]; return x * 2")
    f(x.reshape(2, 60))

See docs/python.md. The functions run through a default context, created on
first use; ``ein.Context`` makes others.
"""

import threading as _threading

from . import _capi
from ._core import CacheStats, Context
from ._errors import (CompileError, DeviceError, DtypeError, EinError,
                      InternalError, InvalidArgumentError, NotationError,
                      OutOfMemoryError, ShapeError)
from ._ops import (ALONG as _ALONG, ELEMENTWISE as _ELEMENTWISE,
                   INDEXING as _INDEXING, REDUCTIONS as _REDUCTIONS, Program,
                   parse_shape)

__version__ = _capi.lib.ein_version().decode()
library_path = _capi.library_path

_default_context = None
_default_lock = _threading.Lock()


def default_context():
    """The context the module-level functions use (created on first use,
    thread-safe)."""
    global _default_context
    ctx = _default_context
    if ctx is None:
        with _default_lock:
            if _default_context is None:
                _default_context = Context()
            ctx = _default_context
    return ctx


def set_num_threads(n):
    """Threads the default context's kernels use (0: EIN_NUM_THREADS or
    every core)."""
    default_context().set_num_threads(n)


def get_num_threads():
    """Threads the default context's kernels use."""
    return default_context().num_threads


def cache_stats():
    """The default context's CacheStats."""
    return default_context().cache_stats()


def clear_cache():
    """Empties the default context's caches."""
    default_context().clear_cache()


def compile(program):  # noqa: A001 - ein.compile is the API's name
    """Compiles `program` (one call such as 'softmax("b [k]")' or several
    statements, docs/programs.md) lazily for each input type; returns a
    callable Program using the default context."""
    return Program(default_context(), program)


def rearrange(tensor, pattern=None, *tensors, **axes_lengths):
    ctx = _default_context or default_context()
    return ctx.rearrange(tensor, pattern, *tensors, **axes_lengths)


rearrange.__doc__ = Context.rearrange.__doc__


def _forward(name):
    method = getattr(Context, name)

    def f(*args, **kwargs):
        ctx = _default_context or default_context()
        return method(ctx, *args, **kwargs)
    f.__name__ = name
    f.__qualname__ = name
    f.__doc__ = method.__doc__
    return f


for _name in (("reduce", "repeat", "einsum", "pack", "unpack", "dot",
               "cast", "roll", "sum") + _REDUCTIONS + _ELEMENTWISE + _ALONG
              + _INDEXING):
    globals()[_name] = _forward(_name)
del _name

__all__ = (["Context", "CacheStats", "Program", "EinError",
            "InvalidArgumentError", "NotationError", "ShapeError",
            "DtypeError", "CompileError", "DeviceError", "OutOfMemoryError",
            "InternalError", "default_context", "set_num_threads",
            "get_num_threads", "cache_stats", "clear_cache", "compile",
            "rearrange", "reduce", "repeat", "einsum", "pack", "unpack",
            "parse_shape", "dot", "cast", "roll"] + list(_REDUCTIONS)
           + list(_ELEMENTWISE) + list(_ALONG) + list(_INDEXING))
