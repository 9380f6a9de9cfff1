"""The rule engine on every bundled gold set: a change that costs a field shows up here.

The seeds and dev reports are real; ``written`` holds reports written by hand in the shapes
real ones take that the real files lack (spreadsheet-exported tabs, markdown pipes, Word HTML,
Chinese numerals, Big5 and UTF-16, UTF-8 read as GBK, figure-then-reason prose). Their floor is
what the engine scores today (it still misses space-aligned tables), so any loss fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extractor
from extractor.evals.harness import run_eval

ROOT = Path(__file__).resolve().parents[1]

FLOORS = {  # set: (fields F1, findings F1)
    "seeds": (1.0, 1.0),
    "dev": (1.0, 1.0),
    "written": (0.985, 0.92),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_rules_score_on_bundled_gold(name: str) -> None:
    reports, gold = ROOT / "evals" / "corpus" / name, ROOT / "evals" / "gold" / name
    result = run_eval(reports, gold, extract_fn=lambda p: extractor.extract(p, mode="rules"), mode="rules")
    assert len(result["by_report"]) == len(list(gold.glob("*.gold.json")))
    fields_floor, findings_floor = FLOORS[name]
    misses = {stem: r["errors"] for stem, r in result["by_report"].items() if r["errors"]}
    assert result["overall"]["f1"] >= fields_floor, misses
    assert result["findings"]["f1"] >= findings_floor, misses
