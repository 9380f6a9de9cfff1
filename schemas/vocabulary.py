"""The field vocabulary (fields.tsv): every path a report can be flattened to, with its type and unit.

The rule engine, the flattening, the scorer and the gold checker all read this one table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

REQUEST_ROWS: tuple[str, ...] = (
    "new_received", "carried_over", "granted", "partial",
    "denied_state_secret", "denied_law", "denied_security", "denied_third_party",
    "denied_internal", "denied_process", "denied_enforcement", "denied_query",
    "unable_not_held", "unable_create", "unable_unclear",
    "reject_petition", "reject_duplicate", "reject_publication", "reject_excessive", "reject_confirm",
    "other", "other_no_supplement", "other_no_fee", "other_misc",
    "total", "carried_forward",
)
REQUEST_COLUMNS: tuple[str, ...] = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
LITIGATION_OUTCOMES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
CUMULATIVE_PREFIX = "cumulative."
FORMATS: tuple[str, ...] = ("legacy", "gb2019", "gb2021")
LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "department")


@dataclass(frozen=True)
class FieldSpec:
    path: str
    type: str  # str, int, float, enum, date
    unit: str
    formats: tuple[str, ...]
    label: str
    note: str

    @property
    def family(self) -> str:
        return family_of(self.path)


def family_of(path: str) -> str:
    """Top-level family used in score breakdowns; cumulative paths keep their own family."""
    return path.split(".", 1)[0]


def _expand(spec: FieldSpec) -> list[FieldSpec]:
    path = spec.path
    if path == "requests.{row}.{col}":
        return [
            FieldSpec(f"requests.{r}.{c}", spec.type, spec.unit, spec.formats, spec.label, spec.note)
            for r in REQUEST_ROWS
            for c in REQUEST_COLUMNS
        ]
    if "{outcome}" in path:
        return [
            FieldSpec(path.replace("{outcome}", o), spec.type, spec.unit, spec.formats, spec.label, spec.note)
            for o in LITIGATION_OUTCOMES
        ]
    return [spec]


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, FieldSpec]:
    """Every concrete, non-cumulative path of the vocabulary."""
    text = resources.files("extractor.schemas").joinpath("fields.tsv").read_text(encoding="utf-8")
    specs: dict[str, FieldSpec] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        if row["path"].startswith("cumulative."):
            continue
        spec = FieldSpec(
            path=row["path"],
            type=row["type"],
            unit=row["unit"] or "",
            formats=tuple(f for f in (row["formats"] or "").split(",") if f),
            label=row["label_zh"] or "",
            note=row.get("note") or "",
        )
        for concrete in _expand(spec):
            specs[concrete.path] = concrete
    return specs


def spec_for(path: str) -> FieldSpec | None:
    """The spec of a path, cumulative paths taking the type of the path they accumulate."""
    vocab = vocabulary()
    if path.startswith(CUMULATIVE_PREFIX):
        base = vocab.get(path[len(CUMULATIVE_PREFIX):])
        if base is None or base.family == "meta":
            return None
        return FieldSpec(path, base.type, base.unit, ("legacy",), f"{base.label}（历年累计）", base.note)
    return vocab.get(path)


def is_known(path: str) -> bool:
    return spec_for(path) is not None
