"""The error hierarchy of compsec: every user-facing failure is one of these, with a message
that names the thing that is wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class CompsecError(Exception):
    """Base class of every error compsec raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt without calling a subclass's __init__ (whose arguments differ from ``args``),
        # so that an error raised in a worker or child process arrives intact
        return (_rebuild_error, (type(self), self.args, dict(self.__dict__)))


def _rebuild_error(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    err = cls.__new__(cls)
    BaseException.__init__(err, *args)
    err.__dict__.update(state)
    return err


class PromptSetError(CompsecError, ValueError):
    """A prompt set file is malformed (bad JSON, duplicate id, missing field...)."""


class UnknownNameError(CompsecError, KeyError):
    """An unknown task, judge, prompt set or variant name."""

    def __init__(self, kind: str, name: str, available: Iterable[str]):
        self.kind, self.name = kind, name
        self.available = sorted(available)
        super().__init__(self._message())

    def _message(self) -> str:
        msg = f"unknown {self.kind} {self.name!r}."
        close = difflib.get_close_matches(self.name, self.available, n=3, cutoff=0.5)
        if close:
            msg += f" Did you mean {', '.join(repr(c) for c in close)}?"
        msg += f" Available: {', '.join(self.available) or '(none)'}."
        return msg

    def __str__(self) -> str:  # KeyError would repr() the message
        return self._message()


class JudgeError(CompsecError):
    """A judge could not produce a verdict (bad input, missing model...)."""


class InputFileError(CompsecError, ValueError):
    """A user-supplied file is malformed; the message names the file and line."""


class OutputPathError(CompsecError):
    """An output path cannot be written (exists and is not a directory, ...)."""


class MissingDependencyError(CompsecError, ImportError):
    """An optional backend is not installed; the message names the extra to install."""

    def __init__(self, what: str, extra: str, package: str | None = None):
        self.what, self.extra = what, extra
        pkg = f" (package {package!r})" if package else ""
        super().__init__(f"{what} needs an optional dependency{pkg}: pip install 'compsec[{extra}]'")


class IntegrityError(CompsecError):
    """A file's sha256 does not match its pin; the message names the file and both hashes."""

    def __init__(self, path: str, expected: str, actual: str, what: str = "file"):
        self.path, self.expected, self.actual = path, expected, actual
        super().__init__(
            f"{what} {path!r} failed its integrity check: expected sha256 {expected}, "
            f"got {actual}. Refusing to use it; reinstall compsec or restore the file."
        )


class VariantError(CompsecError, ValueError):
    """A variant spec is malformed (bad string, bad option, unknown key); the message names the
    bad part and shows the grammar of the method."""


class UnsafeFormatError(CompsecError):
    """A checkpoint is stored only in a pickle-based format (``.bin``/``.pt``), which runs code
    when loaded; refused unless explicitly allowed."""


class FidelityError(CompsecError):
    """A saved variant reloaded with a different fidelity than it had before saving: the saved
    files do not hold the model that was measured."""
