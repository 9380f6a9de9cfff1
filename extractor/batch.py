"""Batch runs over many reports: resumable, spread over processes, written whole or not at all.

Only the driver writes files. Workers (processes, or Ray tasks) turn one input into an
:class:`Outcome` holding the finished JSON text, so a killed worker can leave nothing half
written, and a Ray cluster needs no shared filesystem (the driver sends each file's bytes).

Resuming: ``manifest.jsonl`` under ``--out`` gets one line per finished input, naming its
content hash, the pipeline version and the settings that shape a result. A re-run skips every
input whose line matches and whose result is still there. The line is appended only after the
result is in place, so a run stopped at any moment resumes without losing or duplicating work.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .config import Config
from .errors import ConfigError, ExtractorError
from .export import dumps, failure_record, report_json, write_atomic, write_combined
from .load import load_bytes
from .pipeline import (
    PIPELINE_VERSION,
    analyse,
    extract,
    extract_async,
    make_client,
    open_cache,
    read_source,
    rules_report,
)
from .schemas.report import Report

Engine = Literal["local", "ray"]
MANIFEST = "manifest.jsonl"
REVIEW_DIR = "review"


@dataclass(frozen=True)
class Task:
    path: str
    stem: str
    sha256: str
    data: bytes | None = None  # sent along where the worker cannot read the path itself (Ray)


@dataclass(frozen=True)
class Outcome:
    stem: str
    path: str
    sha256: str
    ok: bool
    result_json: str = ""  # the report, as written to <stem>.json
    error: dict[str, Any] = field(default_factory=dict)
    review_html: str | None = None
    findings: int = 0
    model_warnings: tuple[str, ...] = ()  # chunks the model could not answer; the rules' result stands


@dataclass(frozen=True)
class Options:
    """What a worker needs besides the task: sent once per task, so it stays small."""

    config: Config
    mode: str
    include_text: bool = False
    review: bool = False


@dataclass
class BatchSummary:
    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    findings: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def succeeded(self) -> int:
        return self.total - self.failed


def settings_key(options: Options) -> str:
    """The settings a result depends on: a change of any of them means the result is redone."""
    config = options.config
    parts = {"pipeline": PIPELINE_VERSION, "mode": options.mode, "text": options.include_text or options.review}
    if options.mode != "rules":
        parts |= {"model": config.model, "base_url": config.base_url, "instructor_mode": config.instructor_mode,
                  "temperature": config.temperature, "chunk_tokens": config.chunk_tokens,
                  "token_budget": config.token_budget}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assign_stems(paths: Sequence[Path]) -> list[str]:
    """Output names that do not depend on the order or the company a file comes in.

    A file name that occurs once keeps its stem; names shared by several inputs (a crawl's
    many ``index.html``) each get a short hash of their own path, so adding files to a run
    never renames the results of others that did not collide.
    """
    counts: dict[str, int] = {}
    for p in paths:
        counts[p.stem] = counts.get(p.stem, 0) + 1
    stems = []
    for p in paths:
        if counts[p.stem] == 1:
            stems.append(p.stem)
        else:
            tag = hashlib.sha256(str(p.resolve()).encode("utf-8")).hexdigest()[:8]
            stems.append(f"{p.stem}-{tag}")
    return stems


# -- the per-report function ---------------------------------------------------------------


def _render_review(report: Report) -> str:
    from .review import render_review

    return render_review(report, index_href="index.html")


def _finish(task: Task, report: Report, options: Options) -> Outcome:
    review_html = _render_review(report) if options.review else None
    if options.review and not options.include_text:
        report = report.model_copy(update={"clean_text": None})
    return Outcome(task.stem, task.path, task.sha256, True, report_json(report), review_html=review_html,
                   findings=len(report.findings),
                   model_warnings=tuple(w for w in report.warnings if "chunk " in w))


def _failed(task: Task, exc: Exception) -> Outcome:
    if isinstance(exc, ExtractorError):
        record = failure_record(Path(task.path).name, task.path, exc.cause, type(exc).__name__)
    else:  # a bug met on one strange input must not stop the other ten thousand
        record = failure_record(Path(task.path).name, task.path,
                                f"internal error ({type(exc).__name__}: {exc}); please report it with this file",
                                "InternalError")
    return Outcome(task.stem, task.path, task.sha256, False, error=record)


def process_task(task: Task, options: Options) -> Outcome:
    """Extract one input in rules mode: what every worker process or Ray task runs."""
    with_text = options.include_text or options.review
    try:
        if task.data is not None:
            source = load_bytes(task.data, Path(task.path).name, max_bytes=options.config.max_bytes)
            report = rules_report(analyse(source), include_text=with_text)
        else:
            report = extract(task.path, config=options.config, mode="rules", include_text=with_text)
        return _finish(task, report, options)
    except Exception as exc:
        return _failed(task, exc)


def analyse_task(task: Task, options: Options) -> tuple[Any, Outcome | None]:
    """The CPU half of a model-mode report, run in a worker: the document, or the failure."""
    try:
        return analyse(read_source(task.path, options.config)), None
    except Exception as exc:
        return None, _failed(task, exc)


# -- the manifest -------------------------------------------------------------------------


class Manifest:
    """Append-only record of finished inputs; the last line for a stem wins."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self.entries: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            with self.path.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                    except ValueError:  # the last line of a run killed while writing it
                        continue
                    if isinstance(entry, dict) and "stem" in entry:
                        self.entries[entry["stem"]] = entry
        self._fh: Any = None

    def finished(self, task: Task, settings: str, out_dir: Path) -> bool:
        entry = self.entries.get(task.stem)
        if entry is None or entry.get("sha256") != task.sha256 or entry.get("settings") != settings:
            return False
        result = out_dir / (f"{task.stem}.json" if entry.get("status") == "ok" else f"{task.stem}.error.json")
        try:
            size = result.stat().st_size
        except OSError:
            return False
        # Results are not fsynced one by one: one that a power cut emptied or cut short is redone.
        return entry.get("bytes", size) == size

    def record(self, outcome: Outcome, settings: str, size: int) -> None:
        entry = {"stem": outcome.stem, "path": outcome.path, "sha256": outcome.sha256, "settings": settings,
                 "pipeline": PIPELINE_VERSION, "status": "ok" if outcome.ok else "failed",
                 "findings": outcome.findings, "bytes": size}
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("a", encoding="utf-8")
        # A line reaches the OS before the next task is handed out: a killed driver loses none.
        self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._fh.flush()
        self.entries[outcome.stem] = entry

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def compact(self, stems: Iterable[str]) -> None:
        """Keep one line per input of this run, in input order."""
        self.close()
        lines = [json.dumps(self.entries[s], ensure_ascii=False) for s in stems if s in self.entries]
        write_atomic(self.path, "".join(line + "\n" for line in lines))


# -- engines ------------------------------------------------------------------------------


Progress = Callable[[Outcome], None]


def _bounded(submit: Callable[[Task], Future[Outcome]], tasks: Iterable[Task], in_flight: int,
             on_done: Progress) -> None:
    pending: set[Future[Outcome]] = set()
    try:
        for task in tasks:
            pending.add(submit(task))
            if len(pending) >= in_flight:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    on_done(fut.result())
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                on_done(fut.result())
    finally:
        for fut in pending:
            fut.cancel()


def run_local(tasks: Iterable[Task], options: Options, workers: int, on_done: Progress) -> None:
    if workers <= 1:
        for task in tasks:
            on_done(process_task(task, options))
        return
    # Fresh processes every so many reports keep any memory a strange input made from piling up.
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=2000) as pool:
        try:
            _bounded(lambda t: pool.submit(process_task, t, options), tasks, workers * 4, on_done)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def run_ray(tasks: Iterable[Task], options: Options, workers: int, on_done: Progress) -> None:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'gov-disclosure-extractor[ray]'") from exc
    started_here = not ray.is_initialized()
    if started_here:
        # RAY_ADDRESS joins an existing cluster; without it a local instance is started for this run.
        ray.init(address=os.environ.get("RAY_ADDRESS") or None, include_dashboard=False, log_to_driver=False,
                 num_cpus=None if os.environ.get("RAY_ADDRESS") else max(1, workers))
    remote = ray.remote(process_task)
    options_ref = ray.put(options)
    in_flight = max(2, workers * 4)
    pending: list[Any] = []
    try:
        for task in tasks:
            data = Path(task.path).read_bytes()
            pending.append(remote.remote(Task(task.path, task.stem, task.sha256, data), options_ref))
            if len(pending) >= in_flight:
                done, pending = ray.wait(pending, num_returns=1)
                for ref in done:
                    on_done(ray.get(ref))
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                on_done(ray.get(ref))
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()


def run_model_batch(tasks: Sequence[Task], options: Options, workers: int, on_done: Progress) -> None:
    """Model modes: the rules' CPU work in processes, every report's model calls on one event loop.

    One semaphore bounds the calls in flight across all reports (``--concurrency``); reports
    are started as their calls free up, so memory holds only the reports being asked about.
    """
    config = options.config

    async def go() -> None:
        client = make_client(config)
        cache = open_cache(config)
        calls = asyncio.Semaphore(config.concurrency)
        reports_in_flight = asyncio.Semaphore(max(2, config.concurrency * 2))
        pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
        loop = asyncio.get_running_loop()

        async def one(task: Task) -> None:
            async with reports_in_flight:
                doc, failure = await loop.run_in_executor(pool, analyse_task, task, options)
                if failure is not None:
                    on_done(failure)
                    return
                try:
                    report = await extract_async(doc, mode=options.mode, config=config, client=client,
                                                 cache=cache, include_text=options.include_text or options.review,
                                                 semaphore=calls)
                    outcome = _finish(task, report, options)
                except Exception as exc:  # model failures are warnings already; this is anything else
                    outcome = _failed(task, exc)
                on_done(outcome)

        try:
            await asyncio.gather(*(one(t) for t in tasks))
        finally:
            await client.aclose()
            if cache is not None:
                cache.close()
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    asyncio.run(go())


# -- the run ------------------------------------------------------------------------------


def _write_outcome(out_dir: Path, outcome: Outcome) -> int:
    """Write one input's result file (and review page); returns the result file's size."""
    if outcome.ok:
        size = write_atomic(out_dir / f"{outcome.stem}.json", outcome.result_json + "\n", durable=False)
        (out_dir / f"{outcome.stem}.error.json").unlink(missing_ok=True)
        if outcome.review_html is not None:
            write_atomic(out_dir / REVIEW_DIR / f"{outcome.stem}.html", outcome.review_html, durable=False)
        return size
    size = write_atomic(out_dir / f"{outcome.stem}.error.json", dumps(outcome.error) + "\n", durable=False)
    (out_dir / f"{outcome.stem}.json").unlink(missing_ok=True)
    return size


def run_batch(
    paths: Sequence[Path],
    out_dir: Path,
    options: Options,
    *,
    workers: int = 1,
    engine: Engine = "local",
    force: bool = False,
    formats: Sequence[str] = ("json", "jsonl", "csv", "parquet", "sqlite"),
    prior_failures: Sequence[dict[str, Any]] = (),
    progress: Callable[[int, int], Any] | None = None,
    log: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
) -> BatchSummary:
    """Extract every path into ``out_dir``; a re-run does only what is not finished yet.

    ``progress(done, total)`` is called as inputs finish (skipped ones count at once).
    KeyboardInterrupt is let through after the manifest is closed: every result written is
    whole and recorded, and the combined outputs are written only by a run that finished.
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob(".*.tmp"), *(out_dir / REVIEW_DIR).glob(".*.tmp")]:
        stale.unlink(missing_ok=True)  # what a killed run was writing when it stopped
    settings = settings_key(options)
    tasks: list[Task] = []
    failed_reads: list[dict[str, Any]] = list(prior_failures)
    for path, stem in zip(paths, assign_stems(paths), strict=True):
        try:
            tasks.append(Task(str(path), stem, file_sha256(path)))
        except OSError as exc:
            failed_reads.append(failure_record(path.name, str(path), f"cannot read the file: {exc.strerror or exc}",
                                               "InputError"))
    manifest = Manifest(out_dir)
    todo = [t for t in tasks if force or not manifest.finished(t, settings, out_dir)]
    summary = BatchSummary(total=len(tasks) + len(failed_reads), skipped=len(tasks) - len(todo))
    finished = summary.skipped
    if progress is not None:
        progress(finished, len(tasks))

    def on_done(outcome: Outcome) -> None:
        nonlocal finished
        manifest.record(outcome, settings, _write_outcome(out_dir, outcome))
        finished += 1
        summary.done += 1
        if not outcome.ok:
            log(f"error: {outcome.error.get('source')}: {outcome.error.get('error')}")
        for warning in outcome.model_warnings:
            log(f"warning: {warning}")
        if progress is not None:
            progress(finished, len(tasks))

    try:
        if options.mode != "rules":
            if engine == "ray":
                raise ConfigError("--engine ray runs rules mode; model modes run on one machine's event loop")
            run_model_batch(todo, options, workers, on_done)
        elif engine == "ray":
            run_ray(todo, options, workers, on_done)
        else:
            run_local(todo, options, workers, on_done)
    except KeyboardInterrupt:
        manifest.close()
        raise
    manifest.compact(t.stem for t in tasks)
    entries = [manifest.entries[t.stem] for t in tasks if t.stem in manifest.entries]
    for entry in entries:
        if entry["status"] != "ok":
            error = _read_json(out_dir / f"{entry['stem']}.error.json")
            summary.failures.append(error or failure_record(Path(entry["path"]).name, entry["path"],
                                                            "failed", "ExtractorError"))
        else:
            summary.findings += int(entry.get("findings", 0))
    summary.failures = [*failed_reads, *summary.failures]
    summary.failed = len(summary.failures)
    ok = [e for e in entries if e["status"] == "ok"]
    write_combined(out_dir, ok, formats=formats, failures=summary.failures)
    if options.review:
        _write_index(out_dir, ok, summary.failures)
    summary.seconds = time.perf_counter() - started
    return summary


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_index(out_dir: Path, entries: Sequence[dict[str, Any]], failures: Sequence[dict[str, Any]]) -> None:
    from .review import IndexEntry, index_entry, render_index

    items: list[IndexEntry] = []
    for entry in entries:
        report = Report.model_validate_json((out_dir / f"{entry['stem']}.json").read_text(encoding="utf-8"))
        items.append(index_entry(report, f"{entry['stem']}.html"))
    for failure in failures:
        items.append(IndexEntry(source=str(failure.get("source")), href=None, format="", fields=0, findings=[],
                                disputes=0, error=str(failure.get("error"))))
    write_atomic(out_dir / REVIEW_DIR / "index.html", render_index(items))
