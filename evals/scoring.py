"""Scoring: compare one extractor output with one gold file, and add the scores of a run up.

Everything here is pure (no I/O) so that the rules of `gold/FORMAT.md` can be tested on their own.

Conventions for the ratios (see `Counts`): an empty ratio (denominator 0) is 1.0 when the score has
no error at all (tp = fp = fn = 0: nothing to find, nothing claimed) and 0.0 otherwise. So a report
with gold facts and an empty prediction has P = R = F1 = 0, and a prediction of facts the gold does
not have, for a gold with nothing in it, has P = R = F1 = 0 as well. Run-level figures are
micro-averages: counts are summed first and the ratios taken once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from extractor.schemas.vocabulary import family_of, is_known, spec_for

if TYPE_CHECKING:
    from opencc import OpenCC

    from .gold import GoldFile

Scalar = int | float | str
GoldValue = Scalar | list[Scalar]

FINDING_KINDS: tuple[str, ...] = ("sum_mismatch", "conflict", "implausible")
UNKNOWN_FORMAT = "unknown"

# Zero-width characters are not whitespace to `\s`, but scraped pages are full of them and no
# reader could tell "安砂\u200b镇" from "安砂镇".
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
# Only plain decimal numbers: float() would also take "nan", "inf" and "1e3", none of which a
# report writes for a count or an amount.
_NUMBER = re.compile(r"[+\-−]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Type names (from fields.tsv) whose values are text even when they look like digits: postcodes and
# phone numbers keep their leading zeros, so two strings on these paths are never compared as numbers.
_TEXT_TYPES = frozenset({"str", "enum", "date"})
_FLOAT_TOLERANCE = 1e-9


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    # Building the converter loads its dictionaries (tens of milliseconds); do it once, and only
    # when a string is actually compared.
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalize_string(s: str) -> str:
    """NFKC, every whitespace (and zero-width) character removed, traditional → simplified."""
    text = unicodedata.normalize("NFKC", s)
    text = _INVISIBLE.sub("", text)
    return str(_t2s().convert(text)) if text else text


def _as_number(value: object) -> int | float | None:
    """The number a value holds, or None. Booleans are not numbers here (True is not 1 fact)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        return None
    text = text.replace("−", "-")
    if "." in text:
        number = float(text)
        return int(number) if number.is_integer() else number
    return int(text)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(normalize_string(value))
        except ValueError:
            return None
    return None


def _numbers_equal(a: int | float, b: int | float) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    # Amounts converted between 元 and 万元 pick up representation noise (7730.280000000001).
    return math.isclose(a, b, rel_tol=_FLOAT_TOLERANCE, abs_tol=_FLOAT_TOLERANCE)


def _as_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _match_one(gold: object, predicted: object, path: str) -> bool:
    if gold is None or predicted is None:
        return False
    spec = spec_for(path)
    kind = spec.type if spec is not None else None
    if kind == "date":
        gold_date, predicted_date = _as_date(gold), _as_date(predicted)
        if gold_date is not None and predicted_date is not None:
            return gold_date == predicted_date
    both_text = isinstance(gold, str) and isinstance(predicted, str)
    if not (both_text and kind in _TEXT_TYPES):
        gold_number, predicted_number = _as_number(gold), _as_number(predicted)
        if gold_number is not None and predicted_number is not None:
            return _numbers_equal(gold_number, predicted_number)
    return normalize_string(_as_text(gold)) == normalize_string(_as_text(predicted))


def values_match(gold: object, predicted: object, path: str) -> bool:
    """Whether a predicted value is right for a gold value (a list of aliases: any of them)."""
    if predicted is None:
        return False
    if isinstance(gold, list | tuple):
        return any(_match_one(g, predicted, path) for g in gold)
    return _match_one(gold, predicted, path)


@dataclass(frozen=True)
class Counts:
    """True/false positives and false negatives; the ratios follow the module's conventions."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def perfect(self) -> bool:
        return self.fp == 0 and self.fn == 0

    @property
    def precision(self) -> float:
        claimed = self.tp + self.fp
        if claimed == 0:
            return 1.0 if self.perfect else 0.0
        return self.tp / claimed

    @property
    def recall(self) -> float:
        expected = self.tp + self.fn
        if expected == 0:
            return 1.0 if self.perfect else 0.0
        return self.tp / expected

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }


def _add(table: dict[str, Counts], key: str, counts: Counts) -> None:
    table[key] = table.get(key, Counts()) + counts


@dataclass
class ReportScore:
    """The score of one report: fields overall and per family, findings, and every error."""

    name: str
    format: str
    counts: Counts = field(default_factory=Counts)
    by_family: dict[str, Counts] = field(default_factory=dict)
    findings: Counts = field(default_factory=Counts)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tp(self) -> int:
        return self.counts.tp

    @property
    def fp(self) -> int:
        return self.counts.fp

    @property
    def fn(self) -> int:
        return self.counts.fn

    @property
    def finding_tp(self) -> int:
        return self.findings.tp

    @property
    def finding_fp(self) -> int:
        return self.findings.fp

    @property
    def finding_fn(self) -> int:
        return self.findings.fn


@dataclass
class RunScore:
    overall: Counts
    findings: Counts
    by_family: dict[str, Counts]
    by_format: dict[str, Counts]
    by_report: dict[str, ReportScore]


def gold_format(gold: GoldFile) -> str:
    """The report format the gold names (first alias), or "unknown"."""
    value = gold.fields.get("meta.format")
    if isinstance(value, list):
        value = value[0] if value else None
    return UNKNOWN_FORMAT if value is None else str(value)


def score_report(
    gold: GoldFile,
    predicted: Mapping[str, object],
    predicted_findings: Iterable[tuple[str, str]] = (),
    *,
    name: str | None = None,
) -> ReportScore:
    """Score one output (path → value, and (field, kind) findings) against its gold, per FORMAT.md."""
    unscored = set(gold.unscored)
    score = ReportScore(name=name or PurePath(gold.source).stem or "report", format=gold_format(gold))
    counts = Counts()

    def record(path: str, delta: Counts, kind: str | None, gold_value: object, value: object) -> None:
        nonlocal counts
        counts = counts + delta
        _add(score.by_family, family_of(path), delta)
        if kind is not None:
            score.errors.append({"path": path, "kind": kind, "gold": gold_value, "predicted": value})

    # A null gold value is a broken gold entry (check_gold reports it); it is left out on both sides
    # rather than turned into a fact nobody can match.
    scored_gold = {p: v for p, v in gold.fields.items() if p not in unscored and v is not None}
    for path in sorted(scored_gold):
        gold_value = scored_gold[path]
        value = predicted.get(path)
        if value is None:
            record(path, Counts(fn=1), "missing", gold_value, None)
        elif values_match(gold_value, value, path):
            record(path, Counts(tp=1), None, gold_value, value)
        else:
            record(path, Counts(fp=1, fn=1), "wrong", gold_value, value)
    for path in sorted(predicted):
        value = predicted[path]
        if value is None or path in scored_gold or path in unscored or path in gold.fields:
            continue
        if not is_known(path):
            continue
        record(path, Counts(fp=1), "extra", None, value)
    score.counts = counts
    # One list in path order reads better than gold errors followed by extras.
    score.errors.sort(key=lambda error: str(error["path"]))

    gold_pairs = {(f.field, f.kind) for f in gold.findings}
    # Findings follow the field rules: kinds outside the gold vocabulary (the extractor's own
    # "ambiguous") and fields that are unknown or unscored count neither way unless the gold has them.
    claimed = {
        (f, k) for f, k in predicted_findings
        if (f, k) in gold_pairs or (k in FINDING_KINDS and is_known(f) and f not in unscored)
    }
    hits, missed, extra = gold_pairs & claimed, gold_pairs - claimed, claimed - gold_pairs
    score.findings = Counts(tp=len(hits), fp=len(extra), fn=len(missed))
    for f, k in sorted(missed):
        score.errors.append({"path": f, "kind": "finding_missing", "gold": k, "predicted": None})
    for f, k in sorted(extra):
        score.errors.append({"path": f, "kind": "finding_extra", "gold": None, "predicted": k})
    return score


def aggregate(scores: Iterable[ReportScore]) -> RunScore:
    """Micro-averaged totals overall, per family, per format, and the reports by name."""
    overall, findings = Counts(), Counts()
    by_family: dict[str, Counts] = {}
    by_format: dict[str, Counts] = {}
    by_report: dict[str, ReportScore] = {}
    for score in scores:
        if score.name in by_report:
            raise ValueError(f"two reports are named {score.name!r}; names key the per-report scores")
        by_report[score.name] = score
        overall = overall + score.counts
        findings = findings + score.findings
        _add(by_format, score.format, score.counts)
        for family, counts in score.by_family.items():
            _add(by_family, family, counts)
    return RunScore(
        overall=overall,
        findings=findings,
        by_family=dict(sorted(by_family.items())),
        by_format=dict(sorted(by_format.items())),
        by_report=by_report,
    )
