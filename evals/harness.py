"""The evaluation harness: run (or read) extractions for every report that has a gold file, score them,
and produce the JSON result document other tools read, a terminal table, and a comparison of two runs.

The result document (keys other tools rely on):

    {"overall":   {"precision", "recall", "f1", "tp", "fp", "fn"},
     "findings":  {...same},
     "by_family": {family: {...same}},
     "by_format": {format: {...same}},
     "by_report": {stem: {...same, "format", "errors", "seconds", "usage", "error", ...}},
     "mode": str, "model": str | None,
     "usage": {"prompt_tokens", "completion_tokens", "calls", "cache_hits", ...},
     "seconds": float}
"""

from __future__ import annotations

import json
import math
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from extractor.errors import ConfigError, ExtractorError, GoldFileError
from extractor.schemas.report import Report

from .gold import GoldFile, check_gold, gold_files, gold_stem, load_gold
from .scoring import ReportScore, aggregate, score_report

ExtractFn = Callable[[Path], Report]
Sources = dict[str, tuple[str, dict[str, tuple[int, int]]]]
USAGE_KEYS: tuple[str, ...] = (
    "prompt_tokens", "completion_tokens", "calls", "cache_hits", "chunks_sent", "chunks_skipped",
)
_EPSILON = 1e-9


@dataclass(frozen=True)
class Case:
    """One report to evaluate: its gold, and the report file when there is one."""

    stem: str
    gold_path: Path
    gold: GoldFile
    report_path: Path | None


@dataclass
class EvalRun:
    """A run's result document together with the reports it scored (None where there was none)."""

    result: dict[str, Any]
    reports: dict[str, Report | None] = field(default_factory=dict)

    def sources(self) -> Sources:
        return sources_from_reports(self.reports)


def _report_files(reports_dir: Path) -> list[Path]:
    return sorted(p for p in reports_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def _match_report(gold: GoldFile, stem: str, reports_dir: Path, files: Sequence[Path]) -> Path | None:
    # `source` is the contract; the stem is the fallback for a report converted to another format
    # (report.pdf re-saved as report.txt) after the gold was written.
    by_source = reports_dir / gold.source
    if gold.source and by_source.is_file():
        return by_source
    same_stem = [p for p in files if p.stem == stem and not p.name.endswith(".gold.json")]
    return same_stem[0] if same_stem else None


def find_cases(
    reports_dir: str | Path | None, gold_dir: str | Path
) -> tuple[list[Case], list[dict[str, str]]]:
    """The reports that have gold, and what was skipped (gold without a report, gold that cannot load).

    With `reports_dir` None every gold file is a case (for scoring predictions without the reports).
    """
    cases: list[Case] = []
    skipped: list[dict[str, str]] = []
    root = Path(reports_dir) if reports_dir is not None else None
    files = _report_files(root) if root is not None else []
    seen: set[str] = set()
    # Only the folder itself: reports are looked up in one folder too, and gold of another split
    # (evals/gold/dev beside evals/gold/seeds) would only show up as "no report".
    for gold_path in gold_files(gold_dir, recursive=False):
        stem = gold_stem(gold_path)
        try:
            gold = load_gold(gold_path)
        except GoldFileError as exc:
            skipped.append({"gold": str(gold_path), "reason": str(exc)})
            continue
        if stem in seen:
            skipped.append({"gold": str(gold_path), "reason": f"another gold file is also for {stem!r}"})
            continue
        report_path = _match_report(gold, stem, root, files) if root is not None else None
        if root is not None and report_path is None:
            skipped.append({"gold": str(gold_path), "reason": f"no report {gold.source!r} in {root}"})
            continue
        seen.add(stem)
        cases.append(Case(stem=stem, gold_path=gold_path, gold=gold, report_path=report_path))
    return cases, skipped


def load_prediction(path: str | Path) -> Report:
    """A `Report` JSON written by `extractor extract`; ExtractorError (naming the file) if it is not one."""
    path = Path(path)
    try:
        return Report.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise ExtractorError(f"cannot read the prediction: {exc.strerror or exc}", source=str(path)) from exc
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {"msg": str(exc)}
        raise ExtractorError(
            f"not a report JSON ({exc.error_count()} problems, first: {first.get('msg')})", source=str(path)
        ) from exc


def _prediction_path(case: Case, predictions_dir: Path) -> Path:
    stems = [case.report_path.stem] if case.report_path is not None else []
    stems.append(case.stem)
    for stem in stems:
        candidate = predictions_dir / f"{stem}.json"
        if candidate.is_file():
            return candidate
    return predictions_dir / f"{stems[0]}.json"


def _usage_dict(report: Report | None) -> dict[str, int]:
    usage = report.usage if report is not None else None
    return {key: int(getattr(usage, key, 0)) if usage is not None else 0 for key in USAGE_KEYS}


def _span(value: Any) -> list[int] | None:
    return [int(value[0]), int(value[1])] if value is not None else None


def _located_errors(score: ReportScore, report: Report | None) -> list[dict[str, Any]]:
    """The score's errors with the spans of the predicted values, so a reader can see the text."""
    errors = []
    for error in score.errors:
        located = dict(error)
        span = source_span = None
        if report is not None:
            fv = report.fields.get(error["path"])
            if fv is not None and error["kind"] in ("wrong", "extra"):
                span, source_span = fv.provenance.clean_span, fv.provenance.source_span
            elif error["kind"] == "finding_extra":
                for finding in report.findings:
                    if finding.field == error["path"] and finding.kind == error["predicted"]:
                        figure = next((f for f in finding.figures if f.clean_span is not None), None)
                        if figure is not None:
                            span, source_span = figure.clean_span, figure.source_span
                        break
        located["span"] = _span(span)
        located["source_span"] = _span(source_span)
        errors.append(located)
    return errors


def _common(values: Iterable[str | None], default: str | None) -> str | None:
    distinct = {v for v in values if v}
    if not distinct:
        return default
    return distinct.pop() if len(distinct) == 1 else "mixed"


def run_eval_detailed(
    reports_dir: str | Path | None,
    gold_dir: str | Path,
    *,
    extract_fn: ExtractFn | None = None,
    predictions_dir: str | Path | None = None,
    mode: str | None = None,
    model: str | None = None,
    progress: bool = False,
) -> EvalRun:
    """`run_eval`, also returning the scored reports (for `render_html` sources)."""
    if extract_fn is None and predictions_dir is None:
        raise ConfigError("run_eval needs an extract_fn or a predictions_dir")
    if reports_dir is None and predictions_dir is None:
        raise ConfigError("run_eval needs a reports_dir to run extraction on")
    started = time.perf_counter()
    cases, skipped = find_cases(reports_dir, gold_dir)
    pred_root = Path(predictions_dir) if predictions_dir is not None else None

    scores: list[ReportScore] = []
    reports: dict[str, Report | None] = {}
    extras: dict[str, dict[str, Any]] = {}
    for case in tqdm(cases, desc="eval", unit="report", disable=not progress):
        report: Report | None = None
        error: str | None = None
        tick = time.perf_counter()
        try:
            if pred_root is not None:
                prediction = _prediction_path(case, pred_root)
                if prediction.is_file():
                    report = load_prediction(prediction)
                else:
                    error = f"no prediction {prediction.name} in {pred_root}"
            else:
                assert extract_fn is not None and case.report_path is not None
                report = extract_fn(case.report_path)
        except ExtractorError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            # A bug in one extraction must not cost the scores of all the others; it is recorded
            # as unexpected so that it is not mistaken for a report the extractor rightly refused.
            error = f"unexpected {type(exc).__name__}: {exc}"
        measured = time.perf_counter() - tick
        # Read predictions carry the extraction's own time; timing the JSON read would say nothing.
        seconds = (report.usage.seconds if report is not None else 0.0) if pred_root is not None else measured

        predicted = report.flatten() if report is not None else {}
        findings = [(f.field, f.kind) for f in report.findings] if report is not None else []
        score = score_report(case.gold, predicted, findings, name=case.stem)
        scores.append(score)
        reports[case.stem] = report
        extras[case.stem] = {
            "source": case.gold.source,
            "gold_file": str(case.gold_path),
            "gold_problems": check_gold(case.gold_path),
            "errors": _located_errors(score, report),
            "seconds": seconds,
            "usage": _usage_dict(report),
            "error": error,
            "warnings": list(report.warnings) if report is not None else [],
        }

    run = aggregate(scores)
    by_report: dict[str, Any] = {}
    for stem, score in run.by_report.items():
        by_report[stem] = {
            **score.counts.as_dict(),
            "format": score.format,
            "findings": score.findings.as_dict(),
            "by_family": {name: c.as_dict() for name, c in sorted(score.by_family.items())},
            **extras[stem],
        }
    usage = {key: sum(entry["usage"][key] for entry in by_report.values()) for key in USAGE_KEYS}
    present = [r for r in reports.values() if r is not None]
    result: dict[str, Any] = {
        "overall": run.overall.as_dict(),
        "findings": run.findings.as_dict(),
        "by_family": {name: c.as_dict() for name, c in run.by_family.items()},
        "by_format": {name: c.as_dict() for name, c in run.by_format.items()},
        "by_report": by_report,
        "mode": mode or _common((r.mode for r in present), "unknown"),
        "model": model or _common((r.model for r in present), None),
        "usage": usage,
        "seconds": sum(entry["seconds"] for entry in by_report.values()),
        "wall_seconds": time.perf_counter() - started,
        "reports": len(by_report),
        "failed": sorted(stem for stem, entry in by_report.items() if entry["error"]),
        "skipped": skipped,
        "gold_dir": str(gold_dir),
        "reports_dir": str(reports_dir) if reports_dir is not None else None,
        "predictions_dir": str(pred_root) if pred_root is not None else None,
    }
    return EvalRun(result=result, reports=reports)


def run_eval(
    reports_dir: str | Path | None,
    gold_dir: str | Path,
    *,
    extract_fn: ExtractFn | None = None,
    predictions_dir: str | Path | None = None,
    mode: str | None = None,
    model: str | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Score every report in `reports_dir` that has a `<stem>.gold.json` in `gold_dir`.

    Extraction runs through `extract_fn(path) -> Report`, or, with `predictions_dir`, the
    `<stem>.json` reports written by `extractor extract` are read instead (a missing or unreadable
    one scores as an empty prediction). A failed extraction scores as empty, with its error in
    `by_report[stem]["error"]`. `mode` and `model` default to what the reports themselves say.
    """
    return run_eval_detailed(
        reports_dir, gold_dir, extract_fn=extract_fn, predictions_dir=predictions_dir,
        mode=mode, model=model, progress=progress,
    ).result


def sources_from_reports(reports: Mapping[str, Report | None]) -> Sources:
    """stem → (clean text, path → clean span) for the reports that kept their clean text."""
    sources: Sources = {}
    for stem, report in reports.items():
        if report is None or report.clean_text is None:
            continue
        spans = {
            path: (int(fv.provenance.clean_span[0]), int(fv.provenance.clean_span[1]))
            for path, fv in report.fields.items()
            if fv.provenance.clean_span is not None
        }
        sources[stem] = (report.clean_text, spans)
    return sources


def save_result(result: Mapping[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load_result(path: str | Path) -> dict[str, Any]:
    """A result document written by `save_result` (for `compare`)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractorError(f"cannot read the evaluation result: {exc}", source=str(path)) from exc
    if not isinstance(data, dict) or "overall" not in data:
        raise ExtractorError("not an evaluation result (no 'overall')", source=str(path))
    return data


# --- terminal output -------------------------------------------------------------------------------


def _width(text: str) -> int:
    # Stems and family names may be Chinese; a wide character takes two terminal columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [_width(h) for h in headers]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        # The first column is a name (left); the rest are figures (right).
        parts = [
            cell + " " * (w - _width(cell)) if i == 0 else " " * (w - _width(cell)) + cell
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _ratio(value: Any) -> str:
    return f"{float(value):.3f}" if isinstance(value, int | float) else "-"


def _count_cells(entry: Mapping[str, Any]) -> list[str]:
    return [
        _ratio(entry.get("precision")), _ratio(entry.get("recall")), _ratio(entry.get("f1")),
        str(entry.get("tp", 0)), str(entry.get("fp", 0)), str(entry.get("fn", 0)),
    ]


_COUNT_HEADERS = ("P", "R", "F1", "tp", "fp", "fn")


def format_table(result: Mapping[str, Any]) -> str:
    """The result as plain-text tables for a terminal."""
    out: list[str] = []
    model = result.get("model") or "-"
    out.append(f"mode {result.get('mode', '-')}, model {model}, {len(result.get('by_report', {}))} reports")
    out.append("")
    out += _table(("", *_COUNT_HEADERS), [
        ["fields", *_count_cells(result.get("overall", {}))],
        ["findings", *_count_cells(result.get("findings", {}))],
    ])
    for title, key in (("family", "by_family"), ("format", "by_format")):
        section = result.get(key, {})
        if section:
            out.append("")
            out += _table((title, *_COUNT_HEADERS), [[name, *_count_cells(c)] for name, c in section.items()])

    by_report = result.get("by_report", {})
    if by_report:
        rows = []
        for stem, entry in by_report.items():
            usage = entry.get("usage", {})
            tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
            findings = entry.get("findings", {})
            rows.append([
                stem, str(entry.get("format", "")), *_count_cells(entry),
                _ratio(findings.get("f1")) if findings else "-",
                f"{float(entry.get('seconds', 0.0)):.2f}", str(tokens),
                str(usage.get("calls", 0)), str(usage.get("cache_hits", 0)),
            ])
        out.append("")
        out += _table(
            ("report", "format", *_COUNT_HEADERS, "find F1", "seconds", "tokens", "calls", "cache"), rows
        )
        failures = [(stem, e["error"]) for stem, e in by_report.items() if e.get("error")]
        if failures:
            out.append("")
            out.append(f"{len(failures)} extraction(s) failed and were scored as empty:")
            out += [f"  {stem}: {message}" for stem, message in failures]

    usage = result.get("usage", {})
    out.append("")
    out.append(
        f"usage: {usage.get('prompt_tokens', 0)} prompt + "
        f"{usage.get('completion_tokens', 0)} completion tokens, "
        f"{usage.get('calls', 0)} calls, {usage.get('cache_hits', 0)} cache hits; "
        f"{float(result.get('seconds', 0.0)):.2f} s"
    )
    for item in result.get("skipped", []):
        out.append(f"skipped {item.get('gold')}: {item.get('reason')}")
    return "\n".join(out)


# --- comparison ------------------------------------------------------------------------------------


def _delta_line(label: str, new: float | None, old: float | None) -> tuple[str, int]:
    """A line, and -1/0/+1 for worse/same/better."""
    if new is None or old is None:
        return f"{label}: {_ratio(old)} → {_ratio(new)}", 0
    delta = new - old
    if math.isclose(delta, 0.0, abs_tol=_EPSILON):
        return f"{label}: {new:.3f} (same)", 0
    verdict = "better" if delta > 0 else "WORSE"
    return f"{label}: {old:.3f} → {new:.3f} ({delta:+.3f}) {verdict}", 1 if delta > 0 else -1


def _get_f(entry: Mapping[str, Any] | None, key: str) -> float | None:
    if not entry or not isinstance(entry.get(key), int | float):
        return None
    return float(entry[key])


def _error_keys(entry: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(str(e.get("path")), str(e.get("kind"))) for e in entry.get("errors", [])}


def compare(result: Mapping[str, Any], baseline: Mapping[str, Any]) -> str:
    """What got better or worse from `baseline` to `result`: ratios, per report F1 and errors."""
    out: list[str] = []
    better = worse = 0

    def note(label: str, new: float | None, old: float | None, *, always: bool = True) -> None:
        nonlocal better, worse
        text, sign = _delta_line(label, new, old)
        better, worse = better + (sign > 0), worse + (sign < 0)
        # The headline ratios are always shown; the breakdowns only where something moved, or a
        # run over many reports would drown its one regression in "(same)" lines.
        if always or sign != 0 or new is None or old is None:
            out.append(text)

    for section in ("overall", "findings"):
        for metric in ("precision", "recall", "f1"):
            new_value, old_value = _get_f(result.get(section), metric), _get_f(baseline.get(section), metric)
            note(f"{section} {metric}", new_value, old_value)
    for key, title in (("by_family", "family"), ("by_format", "format")):
        new_section, old_section = result.get(key, {}), baseline.get(key, {})
        for name in sorted(set(new_section) | set(old_section)):
            new_value, old_value = _get_f(new_section.get(name), "f1"), _get_f(old_section.get(name), "f1")
            note(f"{title} {name} f1", new_value, old_value, always=False)

    new_reports, old_reports = result.get("by_report", {}), baseline.get("by_report", {})
    for stem in sorted(set(new_reports) | set(old_reports)):
        new, old = new_reports.get(stem), old_reports.get(stem)
        if new is None or old is None:
            out.append(f"report {stem}: only in {'this run' if old is None else 'the baseline'}")
            continue
        fixed = sorted(_error_keys(old) - _error_keys(new))
        introduced = sorted(_error_keys(new) - _error_keys(old))
        changed_errors = bool(fixed or introduced) or bool(new.get("error")) != bool(old.get("error"))
        note(f"report {stem} f1", _get_f(new, "f1"), _get_f(old, "f1"), always=changed_errors)
        if fixed:
            out.append(f"  fixed ({len(fixed)}): " + ", ".join(f"{p} ({k})" for p, k in fixed))
        if introduced:
            out.append(f"  new ({len(introduced)}): " + ", ".join(f"{p} ({k})" for p, k in introduced))
        if bool(new.get("error")) != bool(old.get("error")):
            out.append(f"  extraction error: {old.get('error') or 'none'} → {new.get('error') or 'none'}")

    out.append(f"{better} better, {worse} worse")
    return "\n".join(out)

