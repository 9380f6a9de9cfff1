"""Cross-check a report against its own arithmetic and derive the comparable summary.

Identities come from ``extractor.schemas.templates``. An identity is checked only when
the whole and every part were stated: a missing part is not a zero. Each identity is
checked on the kept values and, separately, on the narrative's own figures, because a
report's prose can add up wrongly where its table does not.

Tolerance for stated shares (占21.17%): a share agrees with its count and total when
it is within half a unit of its last printed decimal place of count/total×100, widened
to 0.1 percentage point for rounding done on already rounded figures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .document import Candidate, CleanText
from .reconcile import figure
from .schemas.report import FieldValue, Figure, Finding, Summary, SummaryIndicator
from .schemas.templates import LEGACY_BOUNDS, LEGACY_IDENTITIES, REQUEST_ROWS_23, REQUEST_ROWS_25, REVIEW_BLOCKS
from .schemas.vocabulary import REQUEST_COLUMNS

_EPS = 1e-6
_CATEGORY_OTHER = "proactive.category.other"


def _num(fields: Mapping[str, FieldValue], path: str) -> float | None:
    fv = fields.get(path)
    if fv is None or not isinstance(fv.value, int | float):
        return None
    return float(fv.value)


def _fig(fields: Mapping[str, FieldValue], path: str) -> Figure:
    fv = fields[path]
    return Figure(path=path, value=fv.value, clean_span=fv.provenance.clean_span,
                  source_span=fv.provenance.source_span)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _sum_finding(whole: str, parts: Sequence[str], fields: Mapping[str, FieldValue], note: str = "") -> Finding:
    total = sum(_num(fields, p) or 0.0 for p in parts)
    return Finding(
        field=whole,
        kind="sum_mismatch",
        message=f"{whole} = {_fmt(_num(fields, whole) or 0)} but its parts add up to {_fmt(total)}{note}",
        figures=[_fig(fields, whole), *(_fig(fields, p) for p in parts)],
    )


def _check_sum(whole: str, parts: Sequence[str], fields: Mapping[str, FieldValue]) -> Finding | None:
    w = _num(fields, whole)
    values = [_num(fields, p) for p in parts]
    if w is None or any(v is None for v in values):
        return None
    if abs(sum(v for v in values if v is not None) - w) > _EPS:
        return _sum_finding(whole, parts, fields)
    return None


def legacy_findings(fields: Mapping[str, FieldValue], narrative: Mapping[str, list[Candidate]],
                    clean: CleanText) -> list[Finding]:
    findings: list[Finding] = []
    flagged: set[tuple[str, str]] = set()

    def add(f: Finding | None) -> None:
        if f is not None and (f.field, f.kind) not in flagged:
            flagged.add((f.field, f.kind))
            findings.append(f)

    for prefix in ("", "cumulative."):
        for whole, parts in LEGACY_IDENTITIES:
            w, ps = prefix + whole, [prefix + p for p in parts]
            if whole == "proactive.total":
                # A list of categories without 其他类 may be only the main ones: only an
                # excess over the total is then an error.
                if prefix + _CATEGORY_OTHER not in fields:
                    present = [p for p in ps if p in fields]
                    total = _num(fields, w)
                    if present and total is not None:
                        s = sum(_num(fields, p) or 0.0 for p in present)
                        if s > total + _EPS:
                            add(Finding(field=w, kind="implausible",
                                        message=f"{w}: categories add up to {_fmt(s)}, more than {_fmt(total)}",
                                        figures=[_fig(fields, w), *(_fig(fields, p) for p in present)]))
                    continue
            add(_check_sum(w, ps, fields))
        for whole, parts in LEGACY_BOUNDS:
            w = prefix + whole
            total = _num(fields, w)
            if total is None:
                continue
            over = [prefix + p for p in parts if (_num(fields, prefix + p) or 0.0) > total + _EPS]
            if over:
                add(Finding(field=w, kind="implausible",
                            message=f"{w} = {_fmt(total)} but " + ", ".join(
                                f"{p} = {_fmt(_num(fields, p) or 0)}" for p in over) + " is larger",
                            figures=[_fig(fields, w), *(_fig(fields, p) for p in over)]))
    for f in narrative_breakdown_findings(narrative, clean):
        add(f)
    return findings


# A whole stated in the prose and, right after it, its parts (其中:...): the parts the
# prose lists must add up to it. Three parts at least, so that a lone 其中 is no breakdown.
NARRATIVE_BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("applications.answered", "applications.outcome."),
    ("applications.received", "applications.channel."),
    ("proactive.total", "proactive.category."),
)
_BREAKDOWN_WINDOW = 400


def narrative_breakdown_findings(narrative: Mapping[str, list[Candidate]], clean: CleanText) -> list[Finding]:
    findings: list[Finding] = []
    for whole_path, part_prefix in NARRATIVE_BREAKDOWNS:
        for whole in narrative.get(whole_path, []):
            parts: dict[str, Candidate] = {}
            for path, cands in narrative.items():
                if not path.startswith(part_prefix):
                    continue
                near = [c for c in cands if whole.end <= c.start <= whole.end + _BREAKDOWN_WINDOW]
                if near:
                    parts[path] = near[0]
            if len(parts) < 3 or (whole_path == "proactive.total" and part_prefix + "other" not in parts):
                continue
            total = float(whole.value)
            s = sum(float(c.value) for c in parts.values())
            if abs(s - total) > _EPS:
                findings.append(Finding(
                    field=whole_path, kind="sum_mismatch",
                    message=f"the narrative states {whole_path} = {_fmt(total)} and lists parts adding up to {_fmt(s)}",
                    figures=[figure(whole, clean), *(figure(c, clean) for c in parts.values())]))
                break
    return findings


def gb_findings(fields: Mapping[str, FieldValue]) -> list[Finding]:
    findings: list[Finding] = []
    rows = REQUEST_ROWS_25 if any(p.startswith("requests.other_misc.") for p in fields) else REQUEST_ROWS_23
    outcome_rows = rows[2:-2]
    columns = REQUEST_COLUMNS[:-1]
    for row in rows:
        f = _check_sum(f"requests.{row}.total", [f"requests.{row}.{c}" for c in columns], fields)
        if f:
            findings.append(f)
    for col in REQUEST_COLUMNS:
        total = f"requests.total.{col}"
        f = _check_sum(total, [f"requests.{r}.{col}" for r in outcome_rows], fields)
        if f and all(x.field != total for x in findings):
            findings.append(f)
        new, old, fwd = (f"requests.new_received.{col}", f"requests.carried_over.{col}",
                         f"requests.carried_forward.{col}")
        values = [_num(fields, p) for p in (new, old, total, fwd)]
        if all(v is not None for v in values):
            a, b, t, c = (v or 0.0 for v in values)
            # A cell already found wrong by its own row explains the failure; blaming the
            # 总计 cell as well would report one error twice.
            flagged = {x.field for x in findings}
            if abs(a + b - t - c) > _EPS and not flagged & {new, old, total, fwd}:
                findings.append(Finding(
                    field=total, kind="sum_mismatch",
                    message=f"{new} + {old} = {_fmt(a + b)} but {total} + {fwd} = {_fmt(t + c)}",
                    figures=[_fig(fields, p) for p in (new, old, total, fwd)]))
    for block in REVIEW_BLOCKS:
        f = _check_sum(f"{block}.total", [f"{block}.{o}" for o in ("upheld", "corrected", "other", "pending")],
                       fields)
        if f:
            findings.append(f)
    return findings


def gb_narrative_findings(fields: Mapping[str, FieldValue], received: Sequence[Candidate],
                          clean: CleanText) -> list[Finding]:
    """The prose's count of requests against the applications table. The prose may count
    this year's new requests or those plus the ones carried over; matching neither, the
    report states two numbers for one fact."""
    new, old = "requests.new_received.total", "requests.carried_over.total"
    table_new = _num(fields, new)
    stated = [c for c in received if isinstance(c.value, int | float)]
    if table_new is None or not stated:
        return []
    readings = {table_new, table_new + (_num(fields, old) or 0.0)}
    if any(abs(float(c.value) - r) <= _EPS for c in stated for r in readings):
        return []
    first = stated[0]
    return [Finding(
        field=new, kind="conflict",
        message=f"the narrative states {_fmt(float(first.value))} requests received; the applications table "
                f"has {_fmt(table_new)} new" + (f" and {_fmt(_num(fields, old) or 0)} carried over"
                                                 if _num(fields, old) else ""),
        figures=[_fig(fields, new), figure(first, clean)])]


_SHARE = re.compile(r"(\d+)件[,，]?\s*占(?:比)?\s*(\d+(?:\.\d+)?)%")


def share_findings(fields: Mapping[str, FieldValue], narrative: Mapping[str, list[Candidate]],
                   clean: CleanText, total_path: str) -> list[Finding]:
    """A stated share (占6.89%) that is not its count over the total is implausible."""
    total = _num(fields, total_path)
    if not total:
        return []
    findings: list[Finding] = []
    by_span = {(c.start, c.end): c for cs in narrative.values() for c in cs}
    for m in _SHARE.finditer(clean.text):
        candidate = by_span.get((m.start(1), m.end(1)))
        if candidate is None or not candidate.path.startswith("applications."):
            continue
        count, share = float(m.group(1)), float(m.group(2))
        decimals = len(m.group(2).split(".")[1]) if "." in m.group(2) else 0
        tolerance = max(0.5 * 10 ** (-decimals), 0.1)
        if abs(count / total * 100 - share) > tolerance:
            findings.append(Finding(
                field=candidate.path, kind="implausible",
                message=f"{candidate.path}: {m.group(1)} is stated as {share}% of {_fmt(total)}, "
                        f"but it is {count / total * 100:.2f}%",
                figures=[figure(candidate, clean), _fig(fields, total_path)]))
    return findings


def summarize(fields: Mapping[str, FieldValue], fmt: str) -> Summary:
    """Indicators a user charts across years, whatever the template."""
    indicators: dict[str, SummaryIndicator] = {}

    def put(name: str, paths: Sequence[str]) -> None:
        values = [_num(fields, p) for p in paths]
        if paths and all(v is not None for v in values):
            total = float(sum(v for v in values if v is not None))
            indicators[name] = SummaryIndicator(value=int(total) if total.is_integer() else total,
                                                from_fields=list(paths))

    def first(name: str, *alternatives: Sequence[str]) -> None:
        for paths in alternatives:
            if all(p in fields for p in paths):
                put(name, paths)
                return

    first("items_disclosed", ["proactive.total"])
    if fmt == "legacy":
        first("requests_received", ["applications.received"])
        first("granted", ["applications.outcome.granted"])
        first("partly_granted", ["applications.outcome.partial"])
        first("refused", ["applications.outcome.denied"])
        first("lawsuits", ["litigation.total"])
    else:
        first("requests_received", ["requests.new_received.total"])
        first("granted", ["requests.granted.total"])
        first("partly_granted", ["requests.partial.total"])
        denied = [f"requests.{r}.total" for r in REQUEST_ROWS_25 if r.startswith("denied_")]
        first("refused", denied)
        first("lawsuits", ["litigation.direct.total", "litigation.after_review.total"], ["litigation.total"])
    first("appeals", ["review.total"])
    first("fees_yuan", ["fees.amount_yuan"])
    return Summary(indicators=indicators)
