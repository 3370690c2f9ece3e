"""odin's exceptions: one class per C API status (odin.h's odin_status).

Every error odin raises is an odin.Error with `.status` (an odin.Status) and
`.message` (the C API's message, e.g. "odin_session_set_input: ..."). The
subclasses also derive from the matching built-in exception, so
`except FileNotFoundError` or `except ValueError` work too.
"""
import enum


class Status(enum.IntEnum):
    """The C API's odin_status values."""

    OK = 0
    INVALID_ARGUMENT = 1
    NOT_FOUND = 2
    INVALID_MODEL = 3
    UNSUPPORTED = 4
    OUT_OF_RANGE = 5
    IO = 6
    INTERNAL = 7
    OUT_OF_MEMORY = 8
    FAILED_PRECONDITION = 9


class Error(Exception):
    """An odin failure: `status` (odin.Status) and `message`."""

    status = Status.INTERNAL

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class InvalidArgument(Error, ValueError):
    """A wrong argument: name, dtype, shape, size or option."""

    status = Status.INVALID_ARGUMENT


class NotFound(Error, FileNotFoundError):
    """A file, input name or backend that does not exist."""

    status = Status.NOT_FOUND


class InvalidModel(Error, ValueError):
    """Model bytes that are corrupt, truncated or not a model."""

    status = Status.INVALID_MODEL


class Unsupported(Error):
    """A valid model or request odin cannot run (op, dtype, rank, backend)."""

    status = Status.UNSUPPORTED


class OutOfRange(Error, IndexError):
    """An index or size outside its range."""

    status = Status.OUT_OF_RANGE


class IOError(Error, OSError):  # noqa: A001 (odin.IOError, the C API's ODIN_ERROR_IO)
    """Reading a file failed."""

    status = Status.IO


class InternalError(Error):
    """A bug in odin."""

    status = Status.INTERNAL


class OutOfMemory(Error, MemoryError):
    """An allocation failed."""

    status = Status.OUT_OF_MEMORY


class FailedPrecondition(Error):
    """A call out of order."""

    status = Status.FAILED_PRECONDITION


_BY_STATUS = {cls.status: cls for cls in (InvalidArgument, NotFound, InvalidModel, Unsupported,
                                          OutOfRange, IOError, InternalError, OutOfMemory,
                                          FailedPrecondition)}


def error_for_status(status, message):
    """The exception for a C API status and message (the extension raises it)."""
    error = _BY_STATUS.get(status, Error)(message)
    error.status = Status(status)
    return error
