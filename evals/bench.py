"""Benchmarks that print the figures the README quotes.

``tokens``: what chunking saves. For every report, the prompt tokens hybrid mode sends (the
server's own usage figures; answers served from the cache count with what they cost when
first asked), against the tokens of sending the whole clean report in one prompt: counted
by the server's tokenizer where it has one (llama-cpp-python's ``/extras/tokenize``),
estimated otherwise (and then said so).

``batch``: rules-only throughput and peak memory of ``extractor extract`` over corpora
generated from the bundled reports (``corpus_gen``), each run a separate process, and, on the
largest corpus, how much faster a re-run of a finished output and a resume after a kill are.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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


# -- batch: throughput, memory, resume ----------------------------------------------------------

_SKIPPED_RE = re.compile(r"skipped as finished: (\d+)")


@dataclass(frozen=True)
class BatchRun:
    """One `extractor extract` run over a generated corpus, as a separate process."""

    label: str
    files: int
    seconds: float
    peak_rss_mb: float
    skipped: int
    workers: int

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0


def _extract_command(corpus: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "extractor", "extract", str(corpus), "--out", str(out), "--mode", "rules",
            "--workers", str(workers)]


def _rules_env() -> dict[str, str]:
    # A benchmark of the rules must not find a model in the caller's environment.
    return {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}


def _timed_run(label: str, corpus: Path, out: Path, files: int, workers: int,
               kill_after: int | None = None) -> BatchRun:
    """Run the CLI; peak RSS is the largest process of its tree (wait4's figure).

    With ``kill_after``, the run is killed with SIGKILL (driver and workers) once that many
    inputs are recorded in its manifest, as a crash would stop it.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(_extract_command(corpus, out, workers), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=_rules_env(), start_new_session=True)
    assert proc.stderr is not None
    if kill_after is not None:
        manifest = out / "manifest.jsonl"
        while proc.poll() is None:
            if manifest.is_file() and manifest.read_bytes().count(b"\n") >= kill_after:
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if kill_after is None and proc.returncode != 0:
        raise RuntimeError(f"{label}: extract exited with {proc.returncode}: {err[-2000:]}")
    found = _SKIPPED_RE.search(err)
    return BatchRun(label, files, seconds, usage.ru_maxrss / 1024, int(found.group(1)) if found else 0, workers)


def batch_bench(sizes: Sequence[int], *, workers: int = 1, seed: int = 0, work_dir: Path | None = None,
                log: Callable[[str], None] = lambda message: None) -> list[BatchRun]:
    """Rules-only runs over generated corpora of each size, then, on the largest, a re-run
    of the finished output and a run killed halfway and resumed."""
    from .corpus_gen import generate_corpus

    if not sizes or min(sizes) < 2:
        raise ValueError("sizes must be at least 2 reports each")
    runs: list[BatchRun] = []
    with tempfile.TemporaryDirectory(prefix="extractor-bench-", dir=work_dir) as tmp:
        root = Path(tmp)
        for n in sorted(sizes):
            corpus = root / f"corpus-{n}"
            log(f"generating {n} reports (seed {seed})")
            generate_corpus(corpus, n, seed=seed)
            log(f"extracting {n} reports, {workers} worker(s)")
            runs.append(_timed_run("whole run", corpus, root / f"out-{n}", n, workers))
        n = max(sizes)
        corpus, out = root / f"corpus-{n}", root / f"out-{n}"
        log("re-running the finished output")
        runs.append(_timed_run("re-run, all finished", corpus, out, n, workers))
        log("killing a run halfway, then resuming it")
        resumed = root / f"resumed-{n}"
        _timed_run("killed", corpus, resumed, n, workers, kill_after=n // 2)
        runs.append(_timed_run("resume after a kill at half", corpus, resumed, n, workers))
    return runs


def format_batch(runs: Sequence[BatchRun], cores: int) -> str:
    lines = [f"{'run':<30} {'reports':>7} {'seconds':>8} {'reports/s':>9} {'per core':>8} {'skipped':>7} "
             f"{'peak RSS':>9}"]
    for r in runs:
        per_core = r.rate / min(r.workers, cores)
        lines.append(f"{r.label:<30} {r.files:>7} {r.seconds:>8.1f} {r.rate:>9.1f} {per_core:>8.1f} {r.skipped:>7} "
                     f"{r.peak_rss_mb:>6.0f} MB")
    whole = {r.files: r for r in runs if r.label == "whole run"}
    largest = whole[max(whole)]
    for r in runs:
        if r.label != "whole run" and r.seconds:
            lines.append(f"{r.label}: {largest.seconds / r.seconds:.1f}x faster than the whole run")
    return "\n".join(lines)


@dataclass(frozen=True)
class HybridTokens:
    reports: int
    prompt_tokens: int
    completion_tokens: int
    calls: int
    seconds: float
    rerun_calls: int  # the same batch again: every answer should come from the cache
    rerun_cache_hits: int


def hybrid_tokens(n: int, config: Config, *, seed: int = 0, work_dir: Path | None = None) -> HybridTokens:
    """Hybrid mode through the batch runner over ``n`` generated reports, with a fresh cache."""
    from ..batch import Options, run_batch
    from .corpus_gen import generate_corpus

    with tempfile.TemporaryDirectory(prefix="extractor-bench-", dir=work_dir) as tmp:
        root = Path(tmp)
        paths = generate_corpus(root / "corpus", n, seed=seed)
        config = replace(config, mode="hybrid", cache_dir=root / "cache", use_cache=True)
        options = Options(config=config, mode="hybrid")
        totals = []
        for out in (root / "out", root / "again"):
            started = time.perf_counter()
            run_batch(paths, out, options, formats=("json",), log=lambda message: None)
            seconds = time.perf_counter() - started
            usage = {"prompt_tokens": 0, "completion_tokens": 0, "calls": 0, "cache_hits": 0}
            for path in out.glob("*.json"):
                found = json.loads(path.read_text(encoding="utf-8")).get("usage", {})
                for key in usage:
                    usage[key] += int(found.get(key, 0))
            totals.append((usage, seconds))
    (first, seconds), (again, _) = totals
    return HybridTokens(n, first["prompt_tokens"], first["completion_tokens"], first["calls"], seconds,
                        again["calls"], again["cache_hits"])


def format_hybrid(h: HybridTokens) -> str:
    per = max(h.reports, 1)
    return (f"hybrid over {h.reports} generated reports: {h.prompt_tokens / per:,.0f} prompt + "
            f"{h.completion_tokens / per:,.0f} completion tokens and {h.calls / per:.1f} calls per report, "
            f"{h.seconds / per:.0f} s per report; the same batch again: {h.rerun_calls} calls, "
            f"{h.rerun_cache_hits} answers from the cache")
