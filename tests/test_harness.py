"""The harness end to end with fake extractions: result keys, failures, predictions, tables, HTML."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import ConfigError, InputError
from extractor.evals.gold import GoldFile, load_gold
from extractor.evals.harness import (
    compare,
    format_table,
    load_result,
    run_eval,
    run_eval_detailed,
    save_result,
)
from extractor.evals.html_report import render_html, snippet_html
from extractor.schemas.report import FieldValue, Figure, Finding, Provenance, Report, Usage

REPO = Path(__file__).resolve().parents[1]
SEED_REPORTS = REPO / "evals" / "corpus" / "seeds"
SEED_GOLD = REPO / "evals" / "gold" / "seeds"
COUNT_KEYS = {"precision", "recall", "f1", "tp", "fp", "fn"}


def report_from_gold(gold: GoldFile, *, drop: int = 0, clean_text: str | None = None) -> Report:
    """A report that states exactly the gold's facts (first alias of each list), minus `drop` fields."""
    fields = {
        path: FieldValue(
            value=value[0] if isinstance(value, list) else value, provenance=Provenance(method="table")
        )
        for path, value in gold.fields.items()
        if path not in gold.unscored
    }
    for path in sorted(fields)[:drop]:
        del fields[path]
    fmt = gold.fields.get("meta.format", "unknown")
    return Report(
        source=gold.source,
        format=fmt if "meta.format" in fields else "unknown",
        fields=fields,
        findings=[Finding(field=f.field, kind=f.kind, message="") for f in gold.findings],  # type: ignore[arg-type]
        usage=Usage(prompt_tokens=100, completion_tokens=20, calls=2, cache_hits=1, seconds=0.5),
        clean_text=clean_text,
    )


def gold_extract(gold_dir: Path, **kwargs: Any) -> Any:
    golds = {load_gold(p).source: load_gold(p) for p in gold_dir.glob("*.gold.json")}

    def extract(path: Path) -> Report:
        return report_from_gold(golds[path.name], **kwargs)

    return extract


@pytest.fixture
def small_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Three seed reports and their gold, plus a report without gold (which must be ignored)."""
    reports, gold = tmp_path / "reports", tmp_path / "gold"
    reports.mkdir()
    gold.mkdir()
    for stem in ("000_41f24ceff2be76ae", "002_380c3c8aa2c4979c", "003_1cf57682600c5878"):
        shutil.copy(SEED_REPORTS / f"{stem}.txt", reports)
        shutil.copy(SEED_GOLD / f"{stem}.gold.json", gold)
    (reports / "no_gold.txt").write_text("政府信息公开工作年度报告", encoding="utf-8")
    return reports, gold


def test_perfect_run_on_the_seeds() -> None:
    result = run_eval(SEED_REPORTS, SEED_GOLD, extract_fn=gold_extract(SEED_GOLD), mode="rules")
    keys = ("overall", "findings", "by_family", "by_format", "by_report", "mode", "model", "usage", "seconds")
    assert set(keys) <= set(result)
    assert COUNT_KEYS <= set(result["overall"])
    assert COUNT_KEYS <= set(result["findings"])
    assert result["overall"]["f1"] == 1.0
    assert result["findings"]["f1"] == 1.0
    assert result["mode"] == "rules"
    assert set(result["by_format"]) == {"legacy", "gb2019"}
    assert {"meta", "proactive", "requests", "cumulative"} <= set(result["by_family"])
    assert len(result["by_report"]) == 5
    entry = result["by_report"]["000_41f24ceff2be76ae"]
    assert COUNT_KEYS | {"format", "errors", "seconds", "usage", "error"} <= set(entry)
    assert entry["format"] == "legacy"
    assert entry["errors"] == [] and entry["error"] is None
    assert set(result["usage"]) >= {"prompt_tokens", "completion_tokens", "calls", "cache_hits"}
    assert result["usage"]["prompt_tokens"] == 500 and result["usage"]["calls"] == 10
    assert result["seconds"] >= 0
    json.dumps(result)  # the document must be JSON as it is


def test_failed_extraction_scores_empty_and_the_run_continues(small_corpus: tuple[Path, Path]) -> None:
    reports, gold = small_corpus
    good = gold_extract(gold)

    def extract(path: Path) -> Report:
        if path.name.startswith("002"):
            raise InputError("binary content", source=str(path))
        return good(path)

    result = run_eval(reports, gold, extract_fn=extract, mode="rules")
    assert sorted(result["by_report"]) == [
        "000_41f24ceff2be76ae", "002_380c3c8aa2c4979c", "003_1cf57682600c5878",
    ]
    failed = result["by_report"]["002_380c3c8aa2c4979c"]
    assert failed["error"].startswith("InputError: ") and "binary content" in failed["error"]
    n = len(load_gold(gold / "002_380c3c8aa2c4979c.gold.json").fields)
    assert (failed["tp"], failed["fp"], failed["fn"]) == (0, 0, n)
    assert failed["findings"]["fn"] == 1
    assert result["by_report"]["000_41f24ceff2be76ae"]["f1"] == 1.0
    assert result["failed"] == ["002_380c3c8aa2c4979c"]
    assert result["overall"]["fn"] == n


def test_unexpected_exception_is_recorded_too(small_corpus: tuple[Path, Path]) -> None:
    reports, gold = small_corpus

    def extract(path: Path) -> Report:
        raise KeyError("bug")

    result = run_eval(reports, gold, extract_fn=extract)
    assert all(e["error"].startswith("unexpected KeyError") for e in result["by_report"].values())
    assert result["overall"]["tp"] == 0


def test_gold_without_report_is_skipped(small_corpus: tuple[Path, Path]) -> None:
    reports, gold = small_corpus
    (reports / "003_1cf57682600c5878.txt").unlink()
    result = run_eval(reports, gold, extract_fn=gold_extract(gold))
    assert "003_1cf57682600c5878" not in result["by_report"]
    assert [Path(s["gold"]).name for s in result["skipped"]] == ["003_1cf57682600c5878.gold.json"]


def test_predictions_dir(small_corpus: tuple[Path, Path], tmp_path: Path) -> None:
    reports, gold = small_corpus
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    for stem in ("000_41f24ceff2be76ae", "003_1cf57682600c5878"):
        drop = 1 if stem.startswith("003") else 0
        report = report_from_gold(load_gold(gold / f"{stem}.gold.json"), drop=drop)
        (predictions / f"{stem}.json").write_text(report.model_dump_json(), encoding="utf-8")

    result = run_eval(reports, gold, predictions_dir=predictions)
    assert result["by_report"]["000_41f24ceff2be76ae"]["f1"] == 1.0
    assert result["by_report"]["003_1cf57682600c5878"]["fn"] == 1
    missing = result["by_report"]["002_380c3c8aa2c4979c"]
    assert missing["tp"] == 0 and "no prediction" in missing["error"]
    assert result["by_report"]["000_41f24ceff2be76ae"]["seconds"] == 0.5  # the extraction's own time
    assert result["mode"] == "rules"  # read from the reports

    (predictions / "000_41f24ceff2be76ae.json").write_text("{not json", encoding="utf-8")
    result = run_eval(reports, gold, predictions_dir=predictions)
    assert "not a report JSON" in result["by_report"]["000_41f24ceff2be76ae"]["error"]
    # Without the reports folder, every gold file is scored from its prediction alone.
    assert len(run_eval(None, gold, predictions_dir=predictions)["by_report"]) == 3


def test_needs_an_extractor_or_predictions(small_corpus: tuple[Path, Path]) -> None:
    with pytest.raises(ConfigError):
        run_eval(*small_corpus)


def test_format_table_and_compare(small_corpus: tuple[Path, Path], tmp_path: Path) -> None:
    reports, gold = small_corpus
    baseline = run_eval(reports, gold, extract_fn=gold_extract(gold), mode="rules")
    worse = run_eval(reports, gold, extract_fn=gold_extract(gold, drop=2), mode="rules")

    table = format_table(worse)
    for stem in worse["by_report"]:
        assert stem in table
    for word in ("fields", "findings", "family", "format", "usage", "cache"):
        assert word in table

    text = compare(worse, baseline)
    assert "overall recall: 1.000 →" in text and "WORSE" in text
    assert "report 000_41f24ceff2be76ae f1" in text
    assert "new (2): " in text
    assert "0 better" in text
    assert "fixed (2): " in compare(baseline, worse)
    assert "0 worse" in compare(baseline, worse)

    fewer = dict(worse, by_report={k: v for k, v in worse["by_report"].items() if k.startswith("000")})
    assert "report 002_380c3c8aa2c4979c: only in the baseline" in compare(fewer, baseline)
    assert "family" not in compare(baseline, baseline)  # unchanged breakdowns are not listed

    save_result(worse, tmp_path / "result.json")
    assert load_result(tmp_path / "result.json") == json.loads(json.dumps(worse))


def test_render_html_escapes_source_text_and_marks_spans(small_corpus: tuple[Path, Path]) -> None:
    reports, gold = small_corpus
    text = "前文<script>alert('x')</script>主动公开政府信息138条，后文"
    start = text.index("138")

    def extract(path: Path) -> Report:
        report = report_from_gold(load_gold(gold / f"{path.stem}.gold.json"), clean_text=text)
        total = report.fields["proactive.total"]
        report.fields["proactive.total"] = FieldValue(
            value=int(total.value) + 1,
            provenance=Provenance(method="sentence", clean_span=(start, start + 3), text="138"),
        )
        report.findings.append(Finding(
            field="review.total", kind="conflict", message="<b>x</b>",
            figures=[Figure(path="review.total", value=0, clean_span=(0, 2))],
        ))
        return report

    run = run_eval_detailed(reports, gold, extract_fn=extract, mode="hybrid", model="<m>")
    entry = run.result["by_report"]["000_41f24ceff2be76ae"]
    wrong = next(e for e in entry["errors"] if e["kind"] == "wrong")
    assert wrong["path"] == "proactive.total" and wrong["span"] == [start, start + 3]
    extra_finding = next(e for e in entry["errors"] if e["kind"] == "finding_extra")
    assert extra_finding["span"] == [0, 2]

    page = render_html(run.result, run.sources())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<mark>138</mark>" in page
    assert "&lt;m&gt;" in page  # the model name is escaped too
    assert "000_41f24ceff2be76ae" in page and page.startswith("<!DOCTYPE html>")
    assert "http" not in page.split("<body>")[0]  # nothing fetched from the network

    bare = render_html(run.result, None)
    assert "<mark>" not in bare and "proactive.total" in bare


def test_snippet_context() -> None:
    text = "a" * 50 + "XYZ" + "b" * 50
    snippet = snippet_html(text, (50, 53))
    assert snippet == "…" + "a" * 40 + "<mark>XYZ</mark>" + "b" * 40 + "…"
    assert snippet_html("abc", (2, 9)) is None
    assert snippet_html("<x>", (0, 3)) == "<mark>&lt;x&gt;</mark>"
