"""Narrative (prose) figures found by regular rules over the clean text.

``sentence_candidates`` reads the CLEAN text (simplified, NFKC, CJK/digit spaces removed)
and returns one ``Candidate`` per statement it recognises. It does not resolve duplicates:
when the prose states a fact twice with different values both candidates are returned, so
the caller can raise a ``conflict`` finding. The same (path, span) is never returned twice.

Every rule is written for the genre, not for a particular report: the phrasings come from
the national templates (2008 legacy, 国办公开办函〔2019〕60号, 〔2021〕30号) and the way
agencies paraphrase them. Precision is valued as much as recall, so the rules are strict
about units, approximations (``5500余条``), sub-totals after ``其中`` and channel-specific
counts; a figure the rules cannot tie to one field is left alone.

Spans are clean offsets of the VALUE (the digits, or the string). A stated zero has no
digits; its span is the negation phrase that states it (``未收到政府信息公开申请``).

This module is the entry point and fixes the order the rule families run in; the rules
themselves live in sibling modules: ``sentences_meta`` (``meta.*``),
``sentences_applications`` (requests, stated zeros, review and litigation),
``sentences_figures`` (proactive disclosure, fees, budget, staff, gazette, archives,
reading points, responses) and ``sentences_common`` (the collector, number parsing and the
shared pattern fragments).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .document import Candidate
from .sentences_applications import (
    APPLICATION_RULES,
    REMEDY_RULES,
    rule_completed_timing,
    rule_denied_reasons,
    rule_outcomes,
    rule_remedy_outcomes,
    rule_zero_applications,
    rule_zero_remedies,
)
from .sentences_common import Collector, Rule
from .sentences_figures import (
    BUDGET_RULES,
    FEE_RULES,
    GAZETTE_RULES,
    NORMATIVE_RULES,
    READING_POINT_RULES,
    STAFF_RULES,
    TRAINING_RULES,
    rule_archives,
    rule_budget,
    rule_categories,
    rule_fees,
    rule_proactive,
    rule_responses,
    rule_visitors,
)
from .sentences_meta import rule_meta

__all__ = ["for_format", "sentence_candidates"]


def _run_rules(c: Collector, rules: Iterable[Rule]) -> None:
    for r in rules:
        r.run(c)


def sentence_candidates(text: str) -> list[Candidate]:
    """Every narrative figure the regular rules find in the clean text, ordered by position."""
    c = Collector(text)
    # The order is kept as it was when the rules lived in one module: when two rules claim
    # the same (path, span) the first one wins and its rule name is the one reported.
    rule_meta(c)
    rule_proactive(c)
    rule_categories(c)
    _run_rules(c, NORMATIVE_RULES)
    _run_rules(c, APPLICATION_RULES)
    rule_outcomes(c)
    rule_completed_timing(c)
    rule_denied_reasons(c)
    rule_zero_applications(c)
    rule_zero_remedies(c)
    _run_rules(c, REMEDY_RULES)
    rule_remedy_outcomes(c)
    rule_fees(c)
    _run_rules(c, FEE_RULES)
    rule_budget(c)
    _run_rules(c, BUDGET_RULES)
    _run_rules(c, STAFF_RULES)
    _run_rules(c, GAZETTE_RULES)
    rule_archives(c)
    rule_visitors(c)
    _run_rules(c, READING_POINT_RULES)
    _run_rules(c, TRAINING_RULES)
    rule_responses(c)
    return sorted(c.out, key=lambda cand: (cand.start, cand.end, cand.path))


# Facts the narrative rules name by their legacy path that the gb templates name otherwise.
_GB_PATHS = {"proactive.normative_docs_issued": "proactive.normative.issued",
             "cumulative.proactive.normative_docs_issued": "cumulative.proactive.normative.issued"}


def for_format(candidates: list[Candidate], fmt: str) -> list[Candidate]:
    """The narrative read as the report's template asks.

    The gb templates have no table of channels: a report that states its year's figure as
    published on its website (``通过县政府门户网站主动公开政府信息4516条``) and gives no other
    total and no other channel is stating its total that way. And the count of normative
    documents issued has its gb path.
    """
    if fmt == "legacy":
        return candidates
    candidates = [replace(c, path=_GB_PATHS[c.path]) if c.path in _GB_PATHS else c for c in candidates]
    if any(c.path == "proactive.total" for c in candidates):
        return candidates
    channels = {c.path for c in candidates if c.path.startswith("proactive.channel.")}
    if channels != {"proactive.channel.website"}:
        return candidates
    website = [replace(c, path="proactive.total", rule="website_total")
               for c in candidates if c.path == "proactive.channel.website"]
    return sorted([*candidates, *website], key=lambda cand: (cand.start, cand.end, cand.path))
