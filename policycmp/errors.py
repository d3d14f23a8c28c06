"""The one exception type that bad input raises, so the CLI can print it on one line."""

from __future__ import annotations

from pathlib import Path


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
