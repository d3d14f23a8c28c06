"""What a page depends on, hashed, so that ``policycmp report`` re-renders only pages whose inputs changed.

A page's digest is the hash of

- the code: every file of the package (views, templates, vocabularies), the rendering packages'
  versions, the source font and the layout version (:func:`.freshness.code_digest`): a change there
  re-renders every page;
- the notebook and the page's parameters;
- the data the page shows, as its report declares it (``ReportSpec.inputs``: whole tables, the rows
  of one district, the province-wide summaries it draws).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .freshness import code_digest, versions
from .pages import NOTEBOOK_GLOB
from .plan import Job
from .published import table_files
from .views import page_inputs
from .views.inputs import fingerprint

# code_digest is hashed into every page's digest; it lives in .freshness, which decides without the views.
__all__ = ["code_digest", "fingerprint", "job_digest", "workbook_digest"]


def job_digest(code: str, job: Job, nb_dir: Path) -> str:
    digest = hashlib.sha256(code.encode())
    digest.update(hashlib.sha256((nb_dir / job.notebook).read_bytes()).digest())
    # Pages link to each other by the notebooks' names.
    digest.update(json.dumps(sorted(p.name for p in nb_dir.glob(NOTEBOOK_GLOB))).encode())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    for label, value in sorted(page_inputs(job.report, job.parameters).items()):
        digest.update(label.encode() + b"\0" + fingerprint(value))
    return digest.hexdigest()


def workbook_digest() -> str:
    """The workbook holds every table the build published as it is, written by workbook.py."""
    digest = hashlib.sha256((Path(__file__).resolve().parent / "workbook.py").read_bytes())
    digest.update(json.dumps(versions(), sort_keys=True).encode())
    for path in table_files().values():
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
