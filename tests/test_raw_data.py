"""The raw folder holds the five source documents byte for byte, all registered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from conftest import RAW

from policycmp.ingest.registry import load_registry

# The pins of ../shared/seeds/SHA256SUMS, kept here so a clone without shared/ still checks them.
EXPECTED = {
    "d07b0d03df6bbf3fe909f41e96bf3eb135373f2428aca30a151aa9bbcbce6191",
    "8e782a13f6a2a5e0becb1d200ab637d97227e7a7965d4afe9943dec4d5425f51",
    "081b78120a2eb2d23e8df2d473a0c6b9b073d55122e4cba5f46a5140fb0fb8fb",
    "3e6ba44c1a941f61f8c88ad31d1e9cad3f318dd838d1503b9c5a976b8e47a12e",
    "c7ced04106415732d0741ca99a3599768b4210df9c4b6695031b6b297f05efcf",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_registered_file_is_byte_identical_to_its_seed():
    documents = load_registry(RAW / "sources.yaml")
    entries = yaml.safe_load((RAW / "sources.yaml").read_text(encoding="utf-8"))["documents"]
    assert {sha256(doc.path) for doc in documents} == EXPECTED
    for doc, entry in zip(documents, entries):
        assert sha256(doc.path) == entry["source_sha256"], doc.id


def test_pinned_sums_match_the_shared_seed_list(shared):
    listed = {line.split()[0] for line in (shared / "seeds" / "SHA256SUMS").read_text().splitlines() if line.strip()}
    assert listed == EXPECTED and len(EXPECTED) == 5


def test_registry_metadata():
    docs = {d.id: d for d in load_registry(RAW / "sources.yaml")}
    assert sorted(docs) == [
        "linping-2024-policy",
        "ningbo-2024-work-report",
        "qujiang-2023-policy",
        "zhenhai-2024-outcomes",
        "zhenhai-2024-policy",
    ]
    zhenhai = docs["zhenhai-2024-policy"]
    assert (zhenhai.kind, zhenhai.status, zhenhai.issued, zhenhai.year, zhenhai.city) == (
        "policy",
        "draft",
        "2024-02-07",
        2024,
        "ningbo",
    )
    assert (docs["linping-2024-policy"].issued, docs["linping-2024-policy"].status) == ("2024-03-27", "final")
    qujiang = docs["qujiang-2023-policy"]
    assert (qujiang.issued, qujiang.year, qujiang.city) == ("2023-04-03", 2023, "quzhou")
    assert docs["zhenhai-2024-outcomes"].kind == "outcome_report"
    assert docs["ningbo-2024-work-report"].kind == "city_work_report"
    assert docs["ningbo-2024-work-report"].district == "ningbo"
