"""How `policycmp report` spends its time, checked for what it must not change: the kernels start before
the execution stack is imported, the work is handed out longest first, and the font cut while the last
pages render is the same bytes as the font cut at the end (or is not used).

How long it takes is measured in benchmarks/bench_report.py, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from policycmp.report import font
from policycmp.report.early_font import EarlyCut
from policycmp.report.plan import Job
from policycmp.report.workers import Handout, Timings, WriteWorkbook


def test_the_command_starts_its_kernels_before_importing_the_execution_stack():
    """`policycmp.report.run` (what the command imports to start the kernels) needs jupyter_client only."""
    code = (
        "import sys, policycmp.report.run; "
        "print(sorted(m for m in ('pandas', 'papermill', 'nbformat', 'matplotlib', 'sklearn', 'jsonschema') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_planning_and_hashing_the_pages_leave_scikit_learn_to_the_kernels():
    """The command imports the views to plan and hash its pages; scikit-learn (0.9 s with scipy.stats) is
    imported by the kernels' warm-up, and in any process by the first similarity index built."""
    code = (
        "import sys, policycmp.report.batch; print('sklearn' in sys.modules); "
        "from policycmp.report.kernel import WARM_UP; print('sklearn' in WARM_UP); "
        "import pandas as pd; from policycmp.report.lookup import build_index; "
        "index = build_index(pd.DataFrame({'clause_id': ['a', 'b'], 'text': ['国家级孵化器', '省级孵化器'], "
        "'domain': ['innovation', 'innovation']})); print('sklearn' in sys.modules, index.vectors.shape[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True", "2"]


def test_the_execution_stack_does_not_import_rfc3987_syntax_and_frees_its_name():
    """nbformat's jsonschema would build rfc3987_syntax's grammar at import (about a second)."""
    code = (
        "import sys, policycmp.report.execute; "
        "print('jsonschema' in sys.modules, 'rfc3987_syntax' in sys.modules); "
        "import importlib.util; print(importlib.util.find_spec('rfc3987_syntax') is not None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["True", "False"]  # jsonschema loaded without it, and nothing left in sys.modules
    assert out[2] == "True"  # the package is still installed and importable by anyone else


def _job(name: str, report: str = "district_profile") -> Job:
    return Job(f"{name.split('-')[0]}.ipynb", name, report, {}, "District profile")


def _page(name: str) -> Job:
    """A page of the report its name says: ``06_domain_deep_dive-innovation`` → ``domain_deep_dive``."""
    return _job(name, name.split("-")[0].split("_", 1)[1])


@pytest.mark.parametrize(
    ("given", "takers", "taken"),
    [
        # the worker that takes the first domain page takes the rest before other work; the other takes the rest
        (
            ["02_subsidy_levels", "06_domain_deep_dive-a", "07_district_profile-x", "06_domain_deep_dive-b",
             "03_budgets"],
            [0, 1, 0, 1, 0],
            [(0, "02_subsidy_levels"), (1, "06_domain_deep_dive-a"), (0, "07_district_profile-x"),
             (1, "06_domain_deep_dive-b"), (0, "03_budgets")],
        ),
        # the other worker takes a domain page only when nothing else is left, rather than idle
        (
            ["06_domain_deep_dive-a", "06_domain_deep_dive-b", "06_domain_deep_dive-c", "07_district_profile-x"],
            [0, 1, 1, 0],
            [(0, "06_domain_deep_dive-a"), (1, "07_district_profile-x"), (1, "06_domain_deep_dive-b"),
             (0, "06_domain_deep_dive-c")],
        ),
        # pages of other reports are not held together: in the order given, whoever asks
        (
            ["07_district_profile-x", "07_district_profile-y", "03_budgets", "07_district_profile-z"],
            [1, 0, 0, 1],
            [(1, "07_district_profile-x"), (0, "07_district_profile-y"), (0, "03_budgets"),
             (1, "07_district_profile-z")],
        ),
    ],
)  # fmt: skip
def test_the_domain_pages_stay_with_the_worker_that_took_the_first(given, takers, taken):
    handout = Handout()
    handout.give([_page(name) for name in given])
    found = []
    for worker in takers:
        task = handout.take(worker)
        assert task is not None
        found.append((worker, task.name))
    assert found == taken
    assert handout.take(0) is None and handout.take(1) is None  # every task taken: the workers stop


def test_a_worker_waits_for_the_tasks_and_stops_when_none_are_given():
    handout = Handout()
    taken: list[object] = []
    waiting = threading.Thread(target=lambda: taken.append(handout.take(0)))
    waiting.start()
    waiting.join(timeout=0.2)
    assert waiting.is_alive() and not taken  # nothing given yet: it waits rather than stop
    handout.give([_page("03_budgets")])
    waiting.join()
    assert [t.name for t in taken] == ["03_budgets"]  # type: ignore[attr-defined]
    handout.give([])
    assert handout.take(1) is None


def test_tasks_are_handed_out_longest_first_and_new_ones_before_all(tmp_path):
    path = tmp_path / "seconds.json"
    path.write_text(json.dumps({"02_subsidy_levels": 40.0, "07_district_profile-zhenhai": 0.3, "01": 0.7}))
    timings = Timings(path)
    workbook = WriteWorkbook(tmp_path, tmp_path / "t.xlsx")
    tasks = [workbook, _job("01"), _job("02_subsidy_levels"), _job("07_district_profile-zhenhai"), _job("08_new")]
    assert [t.name for t in timings.order(tasks)] == [
        "policycmp_tables.xlsx",  # never timed: first, in the order given
        "08_new",
        "02_subsidy_levels",
        "01",
        "07_district_profile-zhenhai",
    ]
    timings.record(workbook, 1.25)
    timings.save()
    assert json.loads(path.read_text())["policycmp_tables.xlsx"] == 1.25


@pytest.mark.parametrize("content", ["not json", '["a list"]', '{"01": "fast", "02": true, "03": 2}'])
def test_unreadable_timings_only_lose_the_order(tmp_path, content):
    path = tmp_path / "seconds.json"
    path.write_text(content)
    tasks = [_job("01"), _job("02"), _job("03")]
    assert [t.name for t in Timings(path).order(tasks)] == (["01", "02", "03"])


def test_timings_in_a_folder_that_cannot_be_written_are_not_an_error(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    Timings(blocked / "seconds.json").save()  # its parent is a file: nothing written, nothing raised


def test_the_early_cut_is_the_font_the_end_would_cut_and_only_for_the_same_characters():
    pages = ["<p>镇海区 37.27亿元</p>", "<td>国家级科技企业孵化器 ≤ 150万元</td>"]
    used = dict.fromkeys(font.characters(pages), "page.html")
    early = EarlyCut(font.source_path())
    for page in pages:
        early.add(page)
    early.start()
    assert early.take(used) == font.subset(used)
    assert early.take({**used, "曲": "later.html"}) is None  # a later page brought a character: cut again


def test_an_early_cut_that_fails_leaves_the_error_to_the_cut_at_the_end(tmp_path):
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"ttcf" + b"\0" * 64)
    early = EarlyCut(Path(broken))
    early.add("<p>镇海区</p>")
    early.start()
    assert early.take(dict.fromkeys(font.characters(["<p>镇海区</p>"]), "p.html")) is None


def test_no_early_cut_when_none_was_started():
    assert EarlyCut(font.source_path()).take({"镇": "p.html"}) is None
