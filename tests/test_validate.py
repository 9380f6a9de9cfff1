"""Each cross-check, on figures with a planted inconsistency and on consistent ones."""

from __future__ import annotations

import pytest

from extractor.document import Candidate, CleanText
from extractor.reconcile import reconcile
from extractor.schemas.report import FieldValue, Provenance
from extractor.schemas.templates import LEGACY_IDENTITIES
from extractor.validate import gb_findings, gb_narrative_findings, legacy_findings, share_findings, summarize
from tests import tablebuilders as tb

CLEAN = CleanText.identity("x" * 2000)


def _fields(values: dict[str, float]) -> dict[str, FieldValue]:
    return {p: FieldValue(value=v, provenance=Provenance(method="table", clean_span=(0, 1))) for p, v in values.items()}


def _kinds(findings: list) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(f.field, f.kind) for f in findings}


@pytest.mark.parametrize(("whole", "parts"), [i for i in LEGACY_IDENTITIES if i[0] != "proactive.total"])
def test_each_legacy_identity_catches_a_planted_error(whole: str, parts: tuple[str, ...]) -> None:
    good = {whole: float(len(parts) * 2), **{p: 2.0 for p in parts}}
    assert (whole, "sum_mismatch") not in _kinds(legacy_findings(_fields(good), {}, CLEAN))
    bad = dict(good)
    bad[parts[0]] = 3.0
    assert (whole, "sum_mismatch") in _kinds(legacy_findings(_fields(bad), {}, CLEAN))
    cumulative = {f"cumulative.{k}": v for k, v in bad.items()}
    assert (f"cumulative.{whole}", "sum_mismatch") in _kinds(legacy_findings(_fields(cumulative), {}, CLEAN))


def test_identity_is_not_checked_when_a_part_is_missing() -> None:
    fields = _fields({"applications.received": 5, "applications.channel.in_person": 1})
    assert legacy_findings(fields, {}, CLEAN) == []


def test_categories_without_other_may_fall_short_but_not_exceed() -> None:
    short = _fields({"proactive.total": 100, "proactive.category.institutional": 30})
    assert legacy_findings(short, {}, CLEAN) == []
    over = _fields({"proactive.total": 10, "proactive.category.institutional": 30})
    assert ("proactive.total", "implausible") in _kinds(legacy_findings(over, {}, CLEAN))


def test_channel_larger_than_the_deduplicated_total_is_implausible() -> None:
    fields = _fields({"proactive.total": 23, "proactive.channel.website": 75, "proactive.channel.wechat": 167})
    findings = legacy_findings(fields, {}, CLEAN)
    assert _kinds(findings) == {("proactive.total", "implausible")}
    assert {fig.path for fig in findings[0].figures} >= {"proactive.channel.website", "proactive.channel.wechat"}


def test_narrative_breakdown_that_does_not_add_up() -> None:
    def sentence(path: str, value: int, at: int) -> Candidate:
        return Candidate(path, value, "sentence", "t", at, at + 1)

    narrative = {
        "applications.answered": [sentence("applications.answered", 50, 0)],
        "applications.outcome.granted": [sentence("applications.outcome.granted", 4, 1)],
        "applications.outcome.partial": [sentence("applications.outcome.partial", 1, 3)],
        "applications.outcome.denied": [sentence("applications.outcome.denied", 4, 5)],
        "applications.outcome.other": [sentence("applications.outcome.other", 39, 7)],
    }
    fields = _fields({"applications.answered": 50})
    assert ("applications.answered", "sum_mismatch") in _kinds(legacy_findings(fields, narrative, CLEAN))
    # the same parts far from the whole, or only two of them, are no breakdown
    far = {k: [sentence(k, int(v[0].value), 900 + i)] for i, (k, v) in enumerate(narrative.items())}
    far["applications.answered"] = [sentence("applications.answered", 50, 0)]
    assert legacy_findings(fields, far, CLEAN) == []
    two = {k: v for k, v in narrative.items() if k in ("applications.answered", "applications.outcome.granted",
                                                        "applications.outcome.partial")}
    assert legacy_findings(fields, two, CLEAN) == []


def test_stated_share_checked_against_count_and_total() -> None:
    text = "不予公开4件,占6.89%;同意公开23件,占46%。"
    clean = CleanText.identity(text)
    denied = Candidate("applications.outcome.denied", 4, "sentence", "t", text.index("4"), text.index("4") + 1)
    granted_at = text.index("23")
    granted = Candidate("applications.outcome.granted", 23, "sentence", "t", granted_at, granted_at + 2)
    fields = _fields({"applications.received": 50})
    findings = share_findings(fields, {"a": [denied], "b": [granted]}, clean, "applications.received")
    assert _kinds(findings) == {("applications.outcome.denied", "implausible")}


def test_share_tolerance_accepts_rounding() -> None:
    text = "当面申请7件,占14%"
    clean = CleanText.identity(text)
    c = Candidate("applications.channel.in_person", 7, "sentence", "t", 4, 5)
    assert share_findings(_fields({"applications.received": 49}), {"a": [c]}, clean, "applications.received") == []


def _gb_fields(grid: dict[str, list[int]]) -> dict[str, float]:
    return {f"requests.{r}.{c}": float(v) for r, vs in grid.items() for c, v in zip(tb.COLUMNS, vs, strict=True)}


def test_gb_consistent_table_has_no_findings() -> None:
    import random

    values = _gb_fields(tb.request_grid(random.Random(5), True))
    values.update({f"review.{o}": 0.0 for o in ("upheld", "corrected", "other", "pending", "total")})
    assert gb_findings(_fields(values)) == []


def test_gb_row_total_column_identity_and_review_block() -> None:
    import random

    grid = tb.request_grid(random.Random(6), False)
    values = _gb_fields(grid)
    values["requests.granted.natural"] += 1  # breaks its row total and the natural column's outcome sum
    values.update({"review.upheld": 10, "review.corrected": 1, "review.other": 0, "review.pending": 0,
                   "review.total": 0})
    kinds = _kinds(gb_findings(_fields(values)))
    assert ("requests.granted.total", "sum_mismatch") in kinds
    assert ("requests.total.natural", "sum_mismatch") in kinds
    assert ("review.total", "sum_mismatch") in kinds


def test_gb_row_error_is_not_blamed_on_the_total_row_too() -> None:
    import random

    values = _gb_fields(tb.request_grid(random.Random(7), True))
    values["requests.new_received.total"] += 1  # its row no longer adds up, nor does the flow
    kinds = _kinds(gb_findings(_fields(values)))
    assert kinds == {("requests.new_received.total", "sum_mismatch")}


@pytest.mark.parametrize(("stated", "conflict"), [(14, False), (17, False), (15, True)])
def test_gb_prose_request_count_against_the_table(stated: int, conflict: bool) -> None:
    # 14 new and 3 carried over: the prose may count either 14 or 17.
    fields = _fields({"requests.new_received.total": 14, "requests.carried_over.total": 3})
    prose = Candidate("applications.received", stated, "sentence", "applications_received", 10, 12)
    kinds = _kinds(gb_narrative_findings(fields, [prose], CLEAN))
    assert kinds == ({("requests.new_received.total", "conflict")} if conflict else set())


def test_conflict_between_table_and_narrative_keeps_the_table() -> None:
    text = "x" * 50
    clean = CleanText.identity(text)
    table = Candidate("applications.outcome.granted", 23, "table", "legacy_table", 40, 42)
    prose = Candidate("applications.outcome.granted", 4, "sentence", "s", 10, 11)
    merged = reconcile([prose, table], clean)
    assert merged.fields["applications.outcome.granted"].value == 23
    assert merged.fields["applications.outcome.granted"].provenance.method == "table"
    assert _kinds(merged.findings) == {("applications.outcome.granted", "conflict")}


def test_the_same_value_stated_twice_is_no_conflict() -> None:
    clean = CleanText.identity("x" * 50)
    a = Candidate("proactive.total", 5, "table", "t", 1, 2)
    b = Candidate("proactive.total", 5, "sentence", "s", 10, 11)
    assert reconcile([a, b], clean).findings == []


def test_unknown_paths_are_dropped() -> None:
    clean = CleanText.identity("x" * 5)
    merged = reconcile([Candidate("proactive.totl", 5, "table", "t", 1, 2)], clean)
    assert merged.fields == {}


def test_summary_says_where_each_indicator_came_from() -> None:
    fields = _fields({"proactive.total": 10, "requests.new_received.total": 4, "litigation.direct.total": 1,
                      "litigation.after_review.total": 2, "review.total": 3})
    summary = summarize(fields, "gb2021")
    assert summary.indicators["lawsuits"].value == 3
    assert summary.indicators["lawsuits"].from_fields == ["litigation.direct.total", "litigation.after_review.total"]
    assert summary.indicators["requests_received"].value == 4
    assert "granted" not in summary.indicators
