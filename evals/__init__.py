"""Evaluation: gold files, scoring against them, the run harness and its reports (see gold/FORMAT.md)."""

from .gold import GoldFile, GoldFinding, check_gold, check_gold_dir, gold_files, load_gold
from .harness import (
    EvalRun,
    compare,
    find_cases,
    format_table,
    load_prediction,
    load_result,
    run_eval,
    run_eval_detailed,
    save_result,
    sources_from_reports,
)
from .html_report import render_html
from .scoring import (
    FINDING_KINDS,
    Counts,
    ReportScore,
    RunScore,
    aggregate,
    normalize_string,
    score_report,
    values_match,
)

__all__ = [
    "FINDING_KINDS",
    "Counts",
    "EvalRun",
    "GoldFile",
    "GoldFinding",
    "ReportScore",
    "RunScore",
    "aggregate",
    "check_gold",
    "check_gold_dir",
    "compare",
    "find_cases",
    "format_table",
    "gold_files",
    "load_gold",
    "load_prediction",
    "load_result",
    "normalize_string",
    "render_html",
    "run_eval",
    "run_eval_detailed",
    "save_result",
    "score_report",
    "sources_from_reports",
    "values_match",
]
