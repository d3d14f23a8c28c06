"""The one exception type that bad input raises, so the CLI can print it on one line."""

from __future__ import annotations

from pathlib import Path


class ParameterError(ValueError):
    """A parameter outside its valid values (a report's, or a library function's); the message is one line
    naming the parameter's valid values. ``policycmp.report.params`` re-exports it."""

    def __init__(self, name: str, value: object, valid: list[str] | tuple[str, ...], *, what: str | None = None):
        self.name = name
        self.value = value
        self.valid = list(valid)
        what = what or f"unknown {name}"
        super().__init__(f"{what} {value!r} (valid: {', '.join(map(str, self.valid))})")

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the notebook (and papermill's error) say one line.
        return [f"ParameterError: {self}"]


class PolicyInputError(Exception):
    """Bad input: names the file (and line, where there is one) and what is wrong with it."""

    def __init__(self, path: str | Path | None, message: str, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(self.one_line())

    def __reduce__(self) -> tuple[type[PolicyInputError], tuple[str | None, str, int | None]]:
        # rebuilt from its own fields, so an error raised in a worker process reaches the CLI unchanged
        return (type(self), (self.path, self.message, self.line))

    def one_line(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        text = " ".join(self.message.split())
        return f"{where}: {text}"
