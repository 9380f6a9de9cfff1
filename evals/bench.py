"""Benchmarks that print the figures the README quotes.

``tokens``: what chunking saves. For every report, the prompt tokens hybrid mode sends (the
server's own usage figures; answers served from the cache count with what they cost when
first asked), against the tokens of sending the whole clean report in one prompt: counted
by the server's tokenizer where it has one (llama-cpp-python's ``/extras/tokenize``),
estimated otherwise (and then said so).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..chunking import estimate_tokens
from ..config import Config
from ..load import expand_inputs
from ..pipeline import analyse, extract, read_source
from ..prompting import load_prompt


def _server_tokens(base_url: str | None, text: str) -> int | None:
    if not base_url:
        return None
    root = base_url.rstrip("/").removesuffix("/v1")
    request = urllib.request.Request(
        f"{root}/extras/tokenize", data=json.dumps({"input": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError):
        return None
    tokens = body.get("tokens")
    return len(tokens) if isinstance(tokens, list) else None


def token_savings(reports: Path, config: Config) -> list[dict[str, Any]]:
    config = replace(config, mode="hybrid")
    paths, _ = expand_inputs([str(reports)])
    rows: list[dict[str, Any]] = []
    overhead = load_prompt("appendix")
    for path in paths:
        doc = analyse(read_source(path, config))
        whole_text = overhead.system + overhead.user.replace("{chunk}", doc.text)
        counted = _server_tokens(config.base_url, whole_text)
        report = extract(path, config=config)
        rows.append({
            "report": path.name,
            "hybrid_prompt_tokens": report.usage.prompt_tokens + report.usage.cached_prompt_tokens,
            "calls": report.usage.calls + report.usage.cache_hits,
            "chunks_sent": report.usage.chunks_sent,
            "chunks_skipped": report.usage.chunks_skipped,
            "whole_report_tokens": counted if counted is not None else estimate_tokens(whole_text),
            "whole_report_counted": counted is not None,
        })
    return rows


def format_savings(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'report':<28} {'hybrid sent':>11} {'calls':>5} {'skipped':>7} {'whole report':>12}"]
    for r in rows:
        mark = "" if r["whole_report_counted"] else " (est.)"
        lines.append(f"{r['report'][:28]:<28} {r['hybrid_prompt_tokens']:>11} {r['calls']:>5} "
                     f"{r['chunks_skipped']:>7} {r['whole_report_tokens']:>12}{mark}")
    if rows:
        sent = sum(r["hybrid_prompt_tokens"] for r in rows) / len(rows)
        whole = sum(r["whole_report_tokens"] for r in rows) / len(rows)
        lines.append(f"per report: hybrid sends {sent:.0f} prompt tokens; the whole report in one prompt is "
                     f"{whole:.0f} tokens")
    return "\n".join(lines)
