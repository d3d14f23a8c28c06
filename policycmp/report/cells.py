"""Runs a notebook's code cells inside the kernel, all of them in one kernel request.

Executed cell by cell, every cell of every page cost a round of kernel messages (execute_request,
busy, execute_input, the outputs, idle, the reply), each serialised in the kernel and deserialised in
the command: about 2 ms a cell, 40 ms a page. Here the command sends the code cells in one request
(:meth:`.kernel.ReusedKernel.run_notebook`) and gets every cell's outputs back in its reply (an
execute_reply payload), and :mod:`.execute` fills papermill's notebook from them.

Each cell runs with ``shell.run_cell``, the call ipykernel itself makes for an execute_request, so
the cell is transformed (magics), its events fire, its execution count advances, the displayhook
decides what is shown (a trailing ``;``, ``None``) and the traceback is IPython's own; exec/eval of
the parsed cell would have to copy each of those rules. Only where the outputs go is changed while
the cells run: ``display()`` goes to :class:`_Displays`, the last expression's value to
:class:`_Results`, stdout and stderr to :class:`_Stream`, tracebacks to :meth:`_Cells.error`, each
kept as ipykernel would have sent it: a stream's text is one output until something else is shown or
the stream is flushed, stdout before stderr, as ipykernel flushes them. Cells that need top-level
``await`` cannot run here (the kernel's event loop is busy with this request); no notebook uses it.

This module is imported in the kernel (``kernel.WARM_UP``) and needs IPython only.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.getipython import get_ipython

PAYLOAD = __name__  # the source of the reply's payload, as kernel.CELLS names it


class _Cell:
    """The outputs of the cell that is running, in the order they were shown."""

    def __init__(self, execution_count: int, streams: dict[str, _Stream]):
        self.execution_count = execution_count
        self.streams = streams
        self.outputs: list[dict[str, Any]] = []
        self.failed = False
        self.clear_on_next_output = False

    def flush_streams(self) -> None:
        # ipykernel flushes stdout, then stderr, before it sends a display, a result or an error.
        self.streams["stdout"].flush()
        self.streams["stderr"].flush()

    def add(self, output: dict[str, Any]) -> None:
        if self.clear_on_next_output:  # clear_output(wait=True) clears when the next output comes
            self.outputs.clear()
            self.clear_on_next_output = False
        self.outputs.append(output)


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while the cells run: text is kept until something else is shown or it is flushed."""

    def __init__(self, name: str, cells: _Cells):
        self.name = name
        self.cells = cells
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        if self.parts:
            text, self.parts = "".join(self.parts), []
            self.cells.current.add({"output_type": "stream", "name": self.name, "text": text})

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


class _Displays(DisplayPublisher):
    """``display()`` and ``clear_output()`` while the cells run, kept as nbclient keeps them."""

    def __init__(self, cells: _Cells):
        # No shell: given one, the publisher registers execution events, once more for each publisher.
        super().__init__()
        self.cells = cells
        self.by_display_id: dict[str, list[dict[str, Any]]] = {}

    def publish(
        self,
        data: Any,
        metadata: Any = None,
        source: Any = None,
        *,
        transient: Any = None,
        update: bool = False,
        **kwargs: Any,
    ) -> None:
        self._validate_data(data, metadata)
        cell = self.cells.current
        cell.flush_streams()
        output = {"output_type": "display_data", "data": data, "metadata": metadata or {}}
        display_id = (transient or {}).get("display_id")
        if display_id:  # nbclient updates every output shown with that display id, and adds no new one for an update
            for shown in self.by_display_id.get(display_id, []):
                shown["data"], shown["metadata"] = output["data"], output["metadata"]
            if not update:
                self.by_display_id.setdefault(display_id, []).append(output)
        if not update:
            cell.add(output)

    def clear_output(self, wait: bool = False) -> None:
        cell = self.cells.current
        cell.flush_streams()
        if wait:
            cell.clear_on_next_output = True
        else:
            cell.outputs.clear()


class _Results(DisplayHook):
    """The displayhook while the cells run: the last expression's value as an ``execute_result``."""

    def __init__(self, cells: _Cells, shell: Any):
        super().__init__(shell=shell, cache_size=0)
        self.cells = cells
        self.result: dict[str, Any] | None = None

    def start_displayhook(self) -> None:
        self.result = {
            "output_type": "execute_result",
            "execution_count": self.prompt_count,
            "data": {},
            "metadata": {},
        }

    def write_output_prompt(self) -> None:
        pass  # the count is in the result; a terminal's Out[n]: prompt has no place in a notebook

    def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
        if self.result is not None:
            self.result["data"], self.result["metadata"] = format_dict, md_dict or {}

    def finish_displayhook(self) -> None:
        cell = self.cells.current
        cell.flush_streams()
        if self.result is not None and self.result["data"]:
            cell.add(self.result)
        self.result = None


class _Cells:
    """Where the outputs of the cell that is running go: made once per kernel, installed around a notebook's cells."""

    def __init__(self, shell: Any):
        self.shell = shell
        self.streams = {name: _Stream(name, self) for name in ("stdout", "stderr")}
        self.current = _Cell(0, self.streams)
        self.results = _Results(self, shell)
        self.displays = _Displays(self)

    def run(self, source: str) -> dict[str, Any]:
        cell = self.current = _Cell(self.shell.execution_count, self.streams)
        outcome = self.shell.run_cell(source, store_history=True)
        cell.flush_streams()
        failed = cell.failed or not outcome.success
        return {"execution_count": cell.execution_count, "outputs": cell.outputs, "failed": failed}

    def error(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
        """IPython's ``_showtraceback``: the error output as ipykernel would have sent it."""
        cell = self.current
        cell.flush_streams()
        cell.add({"output_type": "error", "ename": etype.__name__, "evalue": str(evalue), "traceback": stb})
        # run_cell's outcome tells whether the cell failed; a value that fails to display also fails
        # it, as in ipykernel.
        if self.results.result is not None:
            cell.failed = True
        self.shell._last_traceback = stb

    def __enter__(self) -> _Cells:
        shell = self.shell
        self.displays.by_display_id = {}  # display ids are a notebook's own, as nbclient keeps them
        self.saved = (
            sys.stdout,
            sys.stderr,
            sys.displayhook,
            shell.display_trap.hook,
            shell.displayhook,
            shell.display_pub,
        )
        # What reaches the kernel's own streams comes to the cell too: a handler that kept sys.stderr
        # from before (logging), and what the kernel reads from the file descriptors (a subprocess).
        self.kernel_streams = [
            _redirect(sys.stdout, self.streams["stdout"]),
            _redirect(sys.stderr, self.streams["stderr"]),
        ]
        sys.stdout, sys.stderr = self.streams["stdout"], self.streams["stderr"]
        # This request's own cell has set the display trap, so the cells' run_cell keeps the hook it finds.
        sys.displayhook = shell.display_trap.hook = shell.displayhook = self.results
        shell.display_pub = self.displays
        shell._showtraceback = self.error
        return self

    def __exit__(self, *exc: object) -> None:
        shell = self.shell
        sys.stdout, sys.stderr, sys.displayhook, shell.display_trap.hook, shell.displayhook, shell.display_pub = (
            self.saved
        )
        del shell._showtraceback
        for undo in self.kernel_streams:
            undo()


def _redirect(stream: Any, to: _Stream) -> Callable[[], None]:
    """Send ``stream``'s writes and flushes to ``to``; returns what undoes it."""
    own = {name: vars(stream)[name] for name in ("write", "flush") if name in vars(stream)}
    stream.write, stream.flush = to.write, to.flush

    def undo() -> None:
        for name in ("write", "flush"):
            if name in own:
                setattr(stream, name, own[name])
            else:
                delattr(stream, name)

    return undo


_cells: _Cells | None = None


def run_notebook(sources: list[str]) -> None:
    """A fresh namespace and execution counter, then each cell in order until one fails.

    Every cell that ran comes back in the execute_reply's payload: its execution count, its outputs
    (nbformat's output dicts) and whether it failed.
    """
    global _cells
    shell: Any = get_ipython()
    if _cells is None or _cells.shell is not shell:
        _cells = _Cells(shell)  # before the reset, which clears what the displayhook put in the namespace
    shell.reset(new_session=True)
    ran = []
    with _cells as cells:
        for source in sources:
            ran.append(cells.run(source))
            if ran[-1]["failed"]:
                break
    shell.payload_manager.write_payload({"source": PAYLOAD, "cells": ran})
