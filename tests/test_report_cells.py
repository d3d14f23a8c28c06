"""A notebook's code cells run in one kernel request (`report/cells.py`, `OneRequestEngine`): each kind of
output comes back as nbclient would have recorded it, a failure stops the notebook where it happened and
papermill reports it with the failing cell, and notebooks run in one kernel do not see each other."""

from __future__ import annotations

import nbformat
import pytest

from policycmp.report import execute
from policycmp.report.kernel import ReusedKernel, kernel_env
from policycmp.report.plan import Job

PARAMETERS = "district = None"  # papermill injects its parameters after this cell: the notebook's cells start at [3]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    started = ReusedKernel(folder, kernel_env())
    yield started
    started.shutdown()


def run(kernel: ReusedKernel, *sources: str, name: str = "cells") -> execute.Rendered | execute.Failed:
    """``sources`` as the code cells of a notebook (a markdown cell between them), executed as a page is."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}))
    for source in sources:
        nb.cells.append(nbformat.v4.new_markdown_cell("Some prose."))
        nb.cells.append(nbformat.v4.new_code_cell(source))
    folder = kernel.cwd
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    return execute.execute_job(kernel, Job(f"{name}.ipynb", name, "cells", {"district": "zhenhai"}, "Cells"), folder)


def code_cells(kernel: ReusedKernel) -> list:
    """The code cells of the notebook the kernel ran last (parameters and injected parameters first)."""
    return [cell for cell in kernel.last_notebook.cells if cell.cell_type == "code"]


def outputs(cell) -> list[tuple]:
    """A cell's outputs as (kind, what it shows): stream name and text, the mime types' data, the error."""
    shown: list[tuple] = []
    for output in cell.outputs:
        if output.output_type == "stream":
            shown.append(("stream", output.name, output.text))
        elif output.output_type in ("display_data", "execute_result"):
            shown.append((output.output_type, dict(output.data)))
        else:
            shown.append(("error", output.ename, output.evalue))
    return shown


DISPLAY = "from IPython.display import HTML, display\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 41 + 1\nx", [("execute_result", {"text/plain": "42"})]),
        ("x = 41 + 1\nx;", []),  # a trailing ; hides the value
        ("None", []),
        ("x = 1", []),
        ("print(district)", [("stream", "stdout", "zhenhai\n")]),  # the injected parameter
        (
            DISPLAY + "display(HTML('<b>8+4</b>'))",
            [("display_data", {"text/html": "<b>8+4</b>", "text/plain": "<IPython.core.display.HTML object>"})],
        ),
        (
            # stdout and stderr are kept until something is shown; stdout before stderr, as ipykernel flushes them
            DISPLAY
            + "import sys\nprint('a')\ndisplay(HTML('<i>d</i>'))\nprint('b')\n"
            + "print('e', file=sys.stderr)\nprint('c')\n'v'",
            [
                ("stream", "stdout", "a\n"),
                ("display_data", {"text/html": "<i>d</i>", "text/plain": "<IPython.core.display.HTML object>"}),
                ("stream", "stdout", "b\nc\n"),
                ("stream", "stderr", "e\n"),
                ("execute_result", {"text/plain": "'v'"}),
            ],
        ),
        ("print('one', flush=True)\nprint('two')", [("stream", "stdout", "one\n"), ("stream", "stdout", "two\n")]),
        ("value = %env POLICYCMP_IN_REPORT\nvalue", [("execute_result", {"text/plain": "'1'"})]),  # a line magic
        (
            "from IPython.display import clear_output\nprint('gone')\nclear_output()\nprint('kept')",
            [("stream", "stdout", "kept\n")],
        ),
    ],
)
def test_each_kind_of_output_comes_back_as_the_kernel_shows_it(kernel, source, expected):
    result = run(kernel, source)
    assert isinstance(result, execute.Rendered)
    cell = code_cells(kernel)[-1]
    assert outputs(cell) == expected
    assert cell.execution_count == 3


def test_execution_counts_advance_per_cell_run_and_skip_empty_cells(kernel):
    assert isinstance(run(kernel, "a = 1", "   \n", "a + 1", ""), execute.Rendered)
    counts = [cell.execution_count for cell in code_cells(kernel)]
    assert counts == [1, 2, 3, None, 4, None]
    assert outputs(code_cells(kernel)[4]) == [("execute_result", {"text/plain": "2"})]


@pytest.mark.parametrize(
    ("cells", "cell", "error", "shown"),
    [
        (
            ["x = 1", "print('before')\nraise KeyError('row_no')", "print('never')"],
            4,
            "KeyError: 'row_no'",
            [("stream", "stdout", "before\n"), ("error", "KeyError", "'row_no'")],
        ),
        (["def f(:\n    pass", "print('never')"], 3, "SyntaxError: invalid syntax", None),
        (
            # a value that fails to display fails its cell, as in ipykernel
            [
                "class Shown:\n    def _repr_html_(self):\n        raise ValueError('no html')\nShown()",
                "print('never')",
            ],
            3,
            "ValueError: no html",
            None,
        ),
    ],
)
def test_the_first_error_stops_the_notebook_and_names_its_cell(kernel, tmp_path, cells, cell, error, shown):
    result = run(kernel, *cells)
    assert isinstance(result, execute.Failed)
    assert result.error.startswith(error)
    assert result.cell == cell  # the execution count shown as [n]
    failing = 1 + 2 * (cell - 2)  # parameters, injected parameters, then prose and code in turn
    assert result.cell_index == failing
    assert result.source == cells[cell - 3]
    assert error.split(":")[0] in result.traceback
    # papermill notes the failure at the top of the executed notebook and just above the failing cell
    executed = [c for c in kernel.last_notebook.cells if c.cell_type == "code"]
    at = next(i for i, c in enumerate(executed) if c.source == result.source)
    if shown is not None:
        assert outputs(executed[at]) == shown
    assert all(not c.outputs and c.execution_count is None for c in executed[at + 1 :])
    saved = tmp_path / "failed.ipynb"
    assert execute.save_executed(result, saved) == str(saved)
    kept = next(c for c in nbformat.read(str(saved), as_version=4).cells if c.source == result.source)
    assert "error" in [o.output_type for o in kept.outputs]
    assert kept.metadata.papermill.exception is True


def test_two_notebooks_in_one_kernel_do_not_see_each_others_names(kernel):
    assert isinstance(run(kernel, "secret = 'zhenhai'", name="first"), execute.Rendered)
    assert isinstance(run(kernel, "sorted({'secret', 'district'} & set(globals()))", name="second"), execute.Rendered)
    assert outputs(code_cells(kernel)[-1]) == [("execute_result", {"text/plain": "['district']"})]
    assert code_cells(kernel)[-1].execution_count == 3  # the counter starts again at 1


def test_a_kernel_that_dies_mid_notebook_is_a_failure_with_a_clear_message(tmp_path):
    kernel = ReusedKernel(tmp_path, kernel_env())
    try:
        result = run(kernel, "x = 1", "import os\nos._exit(1)", "print('never')")
        assert isinstance(result, execute.Failed)
        assert result.error == "KernelDied: the kernel died: its process ended while it was running"
    finally:
        kernel.shutdown()
