"""Choose one value per field path from the candidates of every method, and say why.

Precedence: a table cell beats a sentence (the table is what the report's own
arithmetic can check); among sentences the first statement wins. A sentence that
states a different value for a fact the table (or an earlier sentence) already gives
is a ``conflict`` finding on that field; the kept value is the table's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .document import Candidate, CleanText
from .schemas.report import Dispute, FieldValue, Figure, Finding, Provenance
from .schemas.vocabulary import spec_for

_METHOD_RANK = {"table": 0, "shape": 1, "sentence": 2, "model": 3}


@dataclass
class Reconciled:
    fields: dict[str, FieldValue] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    by_path: dict[str, list[Candidate]] = field(default_factory=dict)
    disputes: list[Dispute] = field(default_factory=list)


def provenance(candidate: Candidate, clean: CleanText) -> Provenance:
    # Built unvalidated: a Candidate's fields already have the types Provenance declares,
    # and a report has a hundred or more of them.
    return Provenance.model_construct(
        method=candidate.method,
        rule=candidate.rule,
        clean_span=(candidate.start, candidate.end),
        source_span=clean.to_source(candidate.start, candidate.end),
        text=clean.text[candidate.start:candidate.end],
        table=candidate.table,
        row=candidate.row,
        column=candidate.column,
    )


def figure(candidate: Candidate, clean: CleanText) -> Figure:
    return Figure(
        path=candidate.path,
        value=candidate.value,
        clean_span=(candidate.start, candidate.end),
        source_span=clean.to_source(candidate.start, candidate.end),
    )


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def reconcile(candidates: Iterable[Candidate], clean: CleanText, *, skip_prefixes: Sequence[str] = ()) -> Reconciled:
    out = Reconciled()
    grouped: dict[str, list[Candidate]] = defaultdict(list)
    skip = tuple(skip_prefixes)
    wanted: dict[str, bool] = {}  # a report has hundreds of candidates over far fewer paths
    for c in candidates:
        keep = wanted.get(c.path)
        if keep is None:
            keep = wanted[c.path] = spec_for(c.path) is not None and not c.path.startswith(skip)
        if keep:
            grouped[c.path].append(c)
    for path, group in grouped.items():
        ordered = sorted(group, key=lambda c: (_METHOD_RANK[c.method], c.start))
        # one span stated once is one statement, however many rules matched it
        unique: list[Candidate] = []
        spans: set[tuple[int, int]] = set()
        for c in ordered:
            if (c.start, c.end) not in spans:
                spans.add((c.start, c.end))
                unique.append(c)
        kept = unique[0]
        out.by_path[path] = unique
        out.fields[path] = FieldValue.model_construct(value=kept.value, provenance=provenance(kept, clean))
        differing = [c for c in unique[1:] if not _same(c.value, kept.value)]
        if differing and path.split(".", 1)[0] != "meta":
            out.findings.append(
                Finding(
                    field=path,
                    kind="conflict",
                    message=f"{path}: stated as {kept.value} ({kept.method}) and as "
                    + ", ".join(f"{c.value} ({c.method})" for c in differing)
                    + f"; kept {kept.value}",
                    figures=[figure(kept, clean), *(figure(c, clean) for c in differing)],
                )
            )
    return out


def attach_model(merged: Reconciled, model: Iterable[Candidate], clean: CleanText) -> None:
    """Add the model's grounded values where the rules found nothing; record where they disagree.

    A model never overrules a rule: a rule's table cell (checked by the table's arithmetic
    where it holds) or sentence stands, and a differing model value becomes a dispute on
    that field, not a finding about the report.
    """
    for candidate in sorted(model, key=lambda c: c.start):
        path = candidate.path
        if spec_for(path) is None and not path.startswith("ext."):
            continue
        kept = merged.fields.get(path)
        if kept is None:
            merged.fields[path] = FieldValue(value=candidate.value, provenance=provenance(candidate, clean))
            merged.by_path.setdefault(path, []).append(candidate)
            continue
        if kept.provenance.method == "model" or _same(kept.value, candidate.value):
            continue
        merged.disputes.append(Dispute(
            field=path, kept=kept.value, kept_method=kept.provenance.method, other=candidate.value,
            other_method="model", other_span=(candidate.start, candidate.end)))
