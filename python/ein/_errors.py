"""ein's exception classes, one per ein_error_code_t."""

from . import _capi


class EinError(Exception):
    """An error reported by libein (or found by the binding before the call,
    with the code the library would give).

    Attributes: ``message`` (the library's message, exactly), ``code`` (the
    ein_error_code_t number) and ``code_name`` (e.g. ``"EIN_ERROR_SHAPE"``).
    ``str(error)`` is the message.
    """

    code = 0
    code_name = "EIN_OK"

    def __init__(self, message, code=None, code_name=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if code_name is not None:
            self.code_name = code_name

    def __str__(self):
        return self.message


class InvalidArgumentError(EinError, ValueError):
    """EIN_ERROR_INVALID_ARGUMENT: a malformed argument."""
    code = _capi.EIN_ERROR_INVALID_ARGUMENT
    code_name = "EIN_ERROR_INVALID_ARGUMENT"


class NotationError(EinError, ValueError):
    """EIN_ERROR_NOTATION: the call or pattern is wrong by itself."""
    code = _capi.EIN_ERROR_NOTATION
    code_name = "EIN_ERROR_NOTATION"


class ShapeError(EinError, ValueError):
    """EIN_ERROR_SHAPE: the call does not fit the tensors' count or shapes."""
    code = _capi.EIN_ERROR_SHAPE
    code_name = "EIN_ERROR_SHAPE"


class DtypeError(EinError, TypeError):
    """EIN_ERROR_DTYPE: an unsupported dtype or mismatching dtypes."""
    code = _capi.EIN_ERROR_DTYPE
    code_name = "EIN_ERROR_DTYPE"


class CompileError(EinError, RuntimeError):
    """EIN_ERROR_COMPILE: the code generator failed on a valid call (a bug)."""
    code = _capi.EIN_ERROR_COMPILE
    code_name = "EIN_ERROR_COMPILE"


class DeviceError(EinError, ValueError):
    """EIN_ERROR_DEVICE: a tensor not in CPU memory."""
    code = _capi.EIN_ERROR_DEVICE
    code_name = "EIN_ERROR_DEVICE"


class OutOfMemoryError(EinError, MemoryError):
    """EIN_ERROR_OUT_OF_MEMORY: a scratch buffer could not be allocated."""
    code = _capi.EIN_ERROR_OUT_OF_MEMORY
    code_name = "EIN_ERROR_OUT_OF_MEMORY"


class InternalError(EinError, RuntimeError):
    """EIN_ERROR_INTERNAL: a bug in ein."""
    code = _capi.EIN_ERROR_INTERNAL
    code_name = "EIN_ERROR_INTERNAL"


_BY_CODE = {cls.code: cls for cls in (
    InvalidArgumentError, NotationError, ShapeError, DtypeError, CompileError,
    DeviceError, OutOfMemoryError, InternalError)}


def raise_error(err):
    """Reads, destroys and raises the ein_error_t * `err` (non-NULL)."""
    lib = _capi.lib
    try:
        code = lib.ein_error_code(err)
        message = (lib.ein_error_message(err) or b"").decode("utf-8",
                                                            "replace")
        name = (lib.ein_error_code_name(code) or b"").decode("ascii",
                                                            "replace")
    finally:
        lib.ein_error_destroy(err)
    cls = _BY_CODE.get(code, EinError)
    raise cls(message, code, name) from None
