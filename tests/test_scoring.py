"""The scoring rules of evals/gold/FORMAT.md, and self-scoring of every bundled gold file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from extractor.evals.gold import GoldFile, GoldFinding, gold_files, load_gold
from extractor.evals.scoring import (
    Counts,
    aggregate,
    normalize_string,
    score_report,
    values_match,
)
from extractor.schemas.vocabulary import is_known, spec_for, vocabulary

GOLD_ROOT = Path(__file__).resolve().parents[1] / "evals" / "gold"
ALL_GOLD = [p for sub in ("seeds", "dev") for p in gold_files(GOLD_ROOT / sub)]


def gold(
    fields: dict[str, Any], findings: Sequence[tuple[str, str]] = (), unscored: Sequence[str] = ()
) -> GoldFile:
    return GoldFile(
        source="r.txt",
        fields=dict(fields),
        findings=[GoldFinding(f, k) for f, k in findings],
        unscored=list(unscored),
    )


def first_alias(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


def prediction_from(g: GoldFile) -> dict[str, Any]:
    return {path: first_alias(v) for path, v in g.fields.items()}


# --- normalize_string / values_match ---------------------------------------------------------------


def test_normalize_string_nfkc_whitespace_traditional() -> None:
    assert normalize_string("０５９８－３５６００１０") == "0598-3560010"
    assert normalize_string(" 安砂 镇\t人民\n政府\u3000") == "安砂镇人民政府"
    assert normalize_string("據縣政府官網") == "据县政府官网"
    assert normalize_string("") == ""


@pytest.mark.parametrize(
    ("gold_value", "predicted", "path"),
    [
        (137, 137.0, "proactive.total"),
        (137, "137", "proactive.total"),
        ("137", 137, "proactive.total"),
        (137.0, "137.0", "proactive.total"),
        (137, "１３７", "proactive.total"),
        (7730.28, "7730.28", "proactive.fees.amount_wan"),
        (16274371, "16,274,371", "proactive.procurement.amount_yuan"),
        (0, 0, "applications.received"),
        ("0598-3560010", "０５９８－３５６００１０", "meta.contact.phone"),
        ("安砂镇人民政府", "安砂镇 人民政府", "meta.agency"),
        ("连江县人民政府", "連江縣人民政府", "meta.agency"),
        (["永安市安砂镇人民政府", "安砂镇人民政府"], "安砂镇人民政府", "meta.agency"),
        ([652, 11], 11, "responses.interpretations"),
        ("2021-01-07", "2021-01-07", "meta.published"),
        ("366021", 366021, "meta.contact.postcode"),
    ],
)
def test_values_match(gold_value: Any, predicted: Any, path: str) -> None:
    assert values_match(gold_value, predicted, path)


@pytest.mark.parametrize(
    ("gold_value", "predicted", "path"),
    [
        (137, 138, "proactive.total"),
        (137, None, "proactive.total"),
        (0, None, "proactive.total"),
        (137, "137条", "proactive.total"),
        (["安砂镇人民政府", "安砂镇"], "永安市", "meta.agency"),
        ([652, 11], 12, "responses.interpretations"),
        ("2021-01-07", "2021-01-08", "meta.published"),
        # Phone numbers and postcodes are text: leading zeros matter.
        ("05988370116", "5988370116", "meta.contact.phone"),
    ],
)
def test_values_do_not_match(gold_value: Any, predicted: Any, path: str) -> None:
    assert not values_match(gold_value, predicted, path)


# --- Counts ----------------------------------------------------------------------------------------


def test_counts_ratios_and_edge_cases() -> None:
    c = Counts(tp=3, fp=1, fn=2)
    assert c.precision == pytest.approx(0.75)
    assert c.recall == pytest.approx(0.6)
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    nothing = Counts()
    assert (nothing.precision, nothing.recall, nothing.f1) == (1.0, 1.0, 1.0)
    missed_all = Counts(fn=4)
    assert (missed_all.precision, missed_all.recall, missed_all.f1) == (0.0, 0.0, 0.0)
    only_extras = Counts(fp=2)
    assert (only_extras.precision, only_extras.recall, only_extras.f1) == (0.0, 0.0, 0.0)
    assert Counts(1, 2, 3) + Counts(4, 5, 6) == Counts(5, 7, 9)
    assert set(c.as_dict()) == {"precision", "recall", "f1", "tp", "fp", "fn"}


# --- score_report ----------------------------------------------------------------------------------


def test_true_positive_false_negative_false_positive() -> None:
    g = gold({"proactive.total": 137, "review.total": 0, "meta.year": 2017})
    s = score_report(g, {"proactive.total": "137", "meta.year": 2018, "litigation.total": 3})
    # review.total missing (fn), meta.year wrong (fn + fp), litigation.total extra (fp)
    assert (s.tp, s.fp, s.fn) == (1, 2, 2)
    kinds = {e["path"]: e["kind"] for e in s.errors}
    assert kinds == {"review.total": "missing", "meta.year": "wrong", "litigation.total": "extra"}
    wrong = next(e for e in s.errors if e["kind"] == "wrong")
    assert wrong == {"path": "meta.year", "kind": "wrong", "gold": 2017, "predicted": 2018}


def test_gold_zero_and_missing_prediction_is_false_negative() -> None:
    s = score_report(gold({"fees.amount_yuan": 0}), {})
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)
    assert s.errors == [{"path": "fees.amount_yuan", "kind": "missing", "gold": 0, "predicted": None}]


def test_none_predictions_count_neither_way_but_gold_is_still_missed() -> None:
    s = score_report(gold({"proactive.total": 5}), {"proactive.total": None, "review.total": None})
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)


def test_unscored_paths_are_ignored() -> None:
    g = gold({"proactive.total": 5}, unscored=["applications.received", "proactive.total"])
    s = score_report(g, {"applications.received": 9, "proactive.total": 6})
    assert (s.tp, s.fp, s.fn) == (0, 0, 0)
    assert s.errors == []


def test_out_of_vocabulary_paths_are_ignored() -> None:
    s = score_report(gold({"proactive.total": 5}), {
        "proactive.total": 5, "ext.pages": 3, "proactive.totl": 5, "cumulative.meta.year": 1,
    })
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)


def test_empty_gold_and_empty_prediction() -> None:
    both_empty = score_report(gold({}), {})
    assert (both_empty.counts.f1, both_empty.findings.f1) == (1.0, 1.0)
    one_fact = gold({"proactive.total": 1}, findings=[("proactive.total", "conflict")])
    empty_prediction = score_report(one_fact, {})
    assert empty_prediction.counts == Counts(fn=1)
    assert empty_prediction.findings == Counts(fn=1)
    assert empty_prediction.counts.f1 == 0.0
    empty_gold = score_report(gold({}), {"proactive.total": 1}, [("proactive.total", "conflict")])
    assert empty_gold.counts == Counts(fp=1)
    assert empty_gold.findings == Counts(fp=1)


def test_findings_scored_as_pairs() -> None:
    g = gold({}, findings=[
        ("applications.outcome.denied", "conflict"),
        ("applications.outcome.denied", "implausible"),
        ("applications.received", "sum_mismatch"),
    ])
    s = score_report(g, {}, [
        ("applications.outcome.denied", "conflict"),
        ("applications.outcome.denied", "conflict"),  # a duplicate is one claim
        ("applications.received", "conflict"),  # right field, wrong kind
        ("proactive.total", "ambiguous"),  # not a gold kind: neither way
        ("not.a.path", "conflict"),  # not a vocabulary path: neither way
    ])
    assert s.findings == Counts(tp=1, fp=1, fn=2)
    finding_errors = {(e["path"], e["kind"]) for e in s.errors}
    assert finding_errors == {
        ("applications.outcome.denied", "finding_missing"),
        ("applications.received", "finding_missing"),
        ("applications.received", "finding_extra"),
    }


def test_findings_on_unscored_fields_count_only_when_the_gold_has_them() -> None:
    g = gold({}, findings=[("applications.received", "sum_mismatch")], unscored=["applications.received"])
    claims = [("applications.received", "sum_mismatch"), ("applications.received", "conflict")]
    s = score_report(g, {}, claims)
    assert s.findings == Counts(tp=1)


def test_family_counts() -> None:
    g = gold({"meta.year": 2020, "requests.total.total": 3, "cumulative.proactive.total": 10})
    s = score_report(g, {"meta.year": 2020, "requests.total.total": 4, "review.total": 0})
    assert s.by_family["meta"] == Counts(tp=1)
    assert s.by_family["requests"] == Counts(fp=1, fn=1)
    assert s.by_family["cumulative"] == Counts(fn=1)
    assert s.by_family["review"] == Counts(fp=1)


def test_aggregate_by_family_format_and_report() -> None:
    a = score_report(
        gold({"meta.format": "legacy", "proactive.total": 1}), {"meta.format": "legacy"}, name="a"
    )
    b = score_report(gold({"meta.format": "gb2021", "proactive.total": 2}),
                     {"meta.format": "gb2021", "proactive.total": 2}, name="b")
    c = score_report(gold({"proactive.total": 2}), {"proactive.total": 3}, name="c")
    run = aggregate([a, b, c])
    assert run.overall == Counts(tp=3, fp=1, fn=2)
    assert run.by_format == {
        "gb2021": Counts(tp=2), "legacy": Counts(tp=1, fn=1), "unknown": Counts(fp=1, fn=1),
    }
    assert run.by_family == {"meta": Counts(tp=2), "proactive": Counts(tp=1, fp=1, fn=2)}
    assert list(run.by_report) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="two reports"):
        aggregate([a, a])


# --- self-scoring on the bundled gold --------------------------------------------------------------


def test_bundled_gold_present() -> None:
    assert len(ALL_GOLD) >= 9


@pytest.mark.parametrize("path", ALL_GOLD, ids=lambda p: p.name)
def test_gold_scores_itself_perfectly(path: Path) -> None:
    g = load_gold(path)
    s = score_report(g, prediction_from(g), [(f.field, f.kind) for f in g.findings])
    assert s.counts.f1 == 1.0
    assert s.findings.f1 == 1.0
    assert s.fp == 0 and s.fn == 0
    assert s.errors == []


def _type_of(path: str) -> str | None:
    spec = spec_for(path)
    return None if spec is None else spec.type


def _wrong_value(value: Any) -> Any:
    aliases = value if isinstance(value, list) else [value]
    return max(int(v) for v in aliases) + 1000


@pytest.mark.parametrize("path", ALL_GOLD, ids=lambda p: p.name)
def test_planted_errors_give_exact_counts(path: Path) -> None:
    g = load_gold(path)
    scored = [p for p in g.fields if p not in g.unscored]
    n = len(scored)
    pred = prediction_from(g)
    numeric = [p for p in scored if _type_of(p) == "int"]
    changed = numeric[:2]
    dropped = [p for p in scored if p not in changed][:3]
    for p in dropped:
        del pred[p]
    for p in changed:
        pred[p] = _wrong_value(g.fields[p])
    extra = next(p for p in vocabulary() if p not in g.fields and p not in g.unscored)
    pred[extra] = 7
    pred["proactive.not_a_path"] = 1
    assert not is_known("proactive.not_a_path")
    gold_pairs = {(f.field, f.kind) for f in g.findings}
    # A finding on a scored field (findings on unscored fields count neither way).
    extra_finding = next((f, "conflict") for f in scored if (f, "conflict") not in gold_pairs)
    findings = [*sorted(gold_pairs), extra_finding]

    s = score_report(g, pred, findings)
    assert (s.tp, s.fn, s.fp) == (n - 5, 5, 3)
    assert s.findings == Counts(tp=len(gold_pairs), fp=1, fn=0)
    kinds = sorted(e["kind"] for e in s.errors)
    assert kinds == sorted(["missing"] * 3 + ["wrong"] * 2 + ["extra", "finding_extra"])
