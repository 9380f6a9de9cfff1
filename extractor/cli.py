"""Command line: `extractor extract|normalize|eval|gold check`.

Exit status: 0 when every file succeeded, 1 when some failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from .config import MODES, Config, config_from_env
from .errors import ConfigError, ExtractorError, GoldFileError, InputError
from .export import FORMATS, dumps, failure_record, write_atomic
from .load import expand_inputs
from .pipeline import PIPELINE_VERSION, analyse, extract, open_cache, read_source
from .schemas.report import Report

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _config(args: argparse.Namespace) -> Config:
    cache_dir = getattr(args, "cache_dir", None)
    return config_from_env(
        mode=getattr(args, "mode", None),
        max_bytes=getattr(args, "max_bytes", None),
        model=getattr(args, "model", None),
        base_url=getattr(args, "base_url", None),
        api_key=getattr(args, "api_key", None),
        instructor_mode=getattr(args, "instructor_mode", None),
        concurrency=getattr(args, "concurrency", None),
        token_budget=getattr(args, "token_budget", None),
        chunk_tokens=getattr(args, "chunk_tokens", None),
        cache_dir=Path(cache_dir) if cache_dir else None,
        use_cache=False if getattr(args, "no_cache", False) else None,
    )


def _add_model_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model (any OpenAI-compatible server; flags override EXTRACTOR_* variables)")
    group.add_argument("--model", help="model name (EXTRACTOR_MODEL)")
    group.add_argument("--base-url", help="server URL, e.g. http://127.0.0.1:8080/v1 (EXTRACTOR_BASE_URL)")
    group.add_argument("--api-key", help="API key (EXTRACTOR_API_KEY; prefer the variable: flags show in ps)")
    group.add_argument("--instructor-mode", choices=["tools", "json_schema", "json", "md_json"],
                       help="how the schema is enforced; default: chosen per server")
    group.add_argument("--concurrency", type=int, help="model calls in flight (default 4)")
    group.add_argument("--token-budget", type=int, help="most prompt tokens to spend on one report")
    group.add_argument("--chunk-tokens", type=int, help="largest chunk sent in one call (default 1500)")
    group.add_argument("--cache-dir", help="response cache folder (EXTRACTOR_CACHE_DIR)")
    group.add_argument("--no-cache", action="store_true", help="neither read nor write the response cache")


def _default_workers(files: int) -> int:
    # Starting a process costs about a second; below a few hundred files one process is quicker.
    return 1 if files < 200 else max(1, os.cpu_count() or 1)


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import Options, run_batch

    config = _config(args)
    mode = config.resolved_mode()
    paths, failures = expand_inputs(args.paths)
    out_dir = Path(args.out)
    note = "" if config.mode != "auto" else (" (auto: a model is configured)" if mode != "rules"
                                             else " (auto: no model configured)")
    workers = args.workers if args.workers is not None else _default_workers(len(paths))
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    _err(f"mode: {mode}{note}; {len(paths)} files; workers: {workers}; engine: {args.engine}")
    for _, error in failures:
        _err(f"error: {error}")
    prior = [failure_record(Path(missing).name, missing, error.cause, type(error).__name__)
             for missing, error in failures]
    options = Options(config=config, mode=mode, include_text=args.include_text, review=args.review)
    bar = tqdm(total=len(paths), unit="file", disable=len(paths) <= 1, file=sys.stderr, smoothing=0.05)

    def progress(done: int, total: int) -> None:
        bar.update(done - bar.n)

    def log(message: str) -> None:
        tqdm.write(message, file=sys.stderr)

    # `kill` (SIGTERM) stops the run the way Ctrl-C does: workers stopped, manifest closed.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        summary = run_batch(paths, out_dir, options, workers=workers, engine=args.engine, force=args.force,
                            formats=args.format, prior_failures=prior, progress=progress, log=log)
    except KeyboardInterrupt:
        bar.close()
        _err(f"interrupted: every result written under {out_dir} is complete and recorded in "
             f"{out_dir / 'manifest.jsonl'}; run the same command again to resume")
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        bar.close()
    rate = summary.done / summary.seconds if summary.seconds else 0.0
    _err(f"files: {summary.total}, succeeded: {summary.succeeded}, failed: {summary.failed}, "
         f"skipped as finished: {summary.skipped}, findings: {summary.findings}; "
         f"{summary.done} extracted in {summary.seconds:.1f} s ({rate:.1f}/s); mode: {mode}; results in {out_dir}")
    return EXIT_OK if not summary.failed else EXIT_SOME_FAILED


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _clean_text_for(result: Path, report: Report, source: str | None, config: Config) -> str:
    """The clean text a result's spans point into: stored in it, or rebuilt from its report."""
    if report.clean_text is not None:
        return report.clean_text
    if source is None:
        manifest = result.parent / "manifest.jsonl"
        if manifest.is_file():
            for line in manifest.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError):
                    entry = json.loads(line)
                    if entry.get("stem") == result.stem:
                        source = entry.get("path")
    if source is None:
        raise InputError("the result holds no clean text and names no report file; pass the report with "
                         "--source FILE, or extract with --include-text", source=str(result))
    doc = analyse(read_source(source, config))
    if report.pipeline_version and report.pipeline_version != PIPELINE_VERSION:
        raise InputError(f"the result was made by pipeline {report.pipeline_version}, this is {PIPELINE_VERSION}: "
                         f"its spans may not fit today's clean text; extract it again", source=str(result))
    return doc.text


def cmd_review(args: argparse.Namespace) -> int:
    from .evals.harness import load_prediction
    from .review import render_review

    config = _config(args)
    result = Path(args.result)
    try:
        report = load_prediction(result)
        text = _clean_text_for(result, report, args.source, config)
        page = render_review(report.model_copy(update={"clean_text": text}))
    except ExtractorError as exc:
        _err(f"error: {exc}")
        return EXIT_SOME_FAILED
    target = Path(args.html) if args.html else result.with_suffix(".html")
    write_atomic(target, page)
    _err(f"review page: {target}")
    return EXIT_OK


def cmd_normalize(args: argparse.Namespace) -> int:
    config = _config(args)
    try:
        source = read_source(args.path, config)
        doc = analyse(source)
    except ExtractorError as exc:
        _err(f"error: {exc}")
        return EXIT_SOME_FAILED
    _err(f"{source.name}: {source.kind}, encoding {source.encoding or 'n/a'}, "
         f"{len(doc.clean.repairs)} repairs, {len(doc.sections)} sections, {len(doc.tables)} tables")
    sys.stdout.write(doc.text if doc.text.endswith("\n") else doc.text + "\n")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .evals.harness import compare, format_table, run_eval_detailed
    from .evals.html_report import render_html

    config = _config(args)
    mode = config.resolved_mode()

    cache = open_cache(config) if mode != "rules" else None

    def extract_fn(path: Path) -> Report:
        return extract(path, config=config, include_text=bool(args.html), cache=cache)

    run = run_eval_detailed(
        Path(args.reports), Path(args.gold), extract_fn=extract_fn,
        predictions_dir=Path(args.predictions) if args.predictions else None,
        mode=mode, model=config.model,
    )
    if cache is not None:
        cache.close()
    result = run.result
    print(format_table(result))
    if args.baseline:
        try:
            baseline = json.loads(Path(args.baseline).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _err(f"error: cannot read baseline {args.baseline}: {exc}")
            return EXIT_USAGE
        print(compare(result, baseline))
    if args.json:
        write_atomic(Path(args.json), dumps(result) + "\n")
    if args.html:
        write_atomic(Path(args.html), render_html(result, run.sources()))
    return EXIT_OK


def cmd_cache(args: argparse.Namespace) -> int:
    from .llm import ResponseCache

    config = _config(args)
    cache = ResponseCache(config.resolved_cache_dir(), config.cache_bytes)
    try:
        if args.action == "stats":
            stats = cache.stats()
            print(f"{stats['directory']}: {stats['entries']} answers, {stats['bytes']} bytes")
        else:
            print(f"removed {cache.clear()} answers from {cache.directory}")
    finally:
        cache.close()
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from .evals import bench

    config = _config(args)
    if args.what == "batch":
        sizes = [int(n) for n in args.sizes.split(",") if n.strip()]
        work_dir = Path(args.work_dir) if args.work_dir else None
        runs = bench.batch_bench(sizes, workers=args.workers, seed=args.seed, work_dir=work_dir,
                                 log=lambda message: _err(f"bench: {message}"))
        print(f"rules only, corpora generated from the bundled reports (seed {args.seed}); "
              f"{args.workers} worker(s) on {os.cpu_count()} cores")
        print(bench.format_batch(runs, os.cpu_count() or 1))
        if args.hybrid:
            if not config.model_configured:
                raise ConfigError("--hybrid needs a model: set EXTRACTOR_MODEL and EXTRACTOR_BASE_URL "
                                  "(e.g. `extractor local-server` and its URL)")
            print(bench.format_hybrid(bench.hybrid_tokens(args.hybrid, config, seed=args.seed, work_dir=work_dir)))
        return EXIT_OK
    if not config.model_configured:
        raise ConfigError("bench tokens needs a model: set EXTRACTOR_MODEL and EXTRACTOR_BASE_URL "
                          "(e.g. `extractor local-server` and its URL)")
    print(bench.format_savings(bench.token_savings(Path(args.reports), config)))
    return EXIT_OK


def cmd_local_server(args: argparse.Namespace) -> int:
    from .local_server import serve

    return serve(port=args.port, threads=args.threads)


def cmd_gold_check(args: argparse.Namespace) -> int:
    from .evals.gold import check_gold_dir

    try:
        problems = check_gold_dir(Path(args.dir))
    except GoldFileError as exc:
        _err(f"error: {exc}")
        return EXIT_SOME_FAILED
    bad = 0
    for name, items in sorted(problems.items()):
        for item in items:
            print(f"{name}: {item}")
        bad += bool(items)
    print(f"{len(problems)} gold files, {bad} with problems")
    return EXIT_OK if not bad else EXIT_SOME_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="extractor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract reports into JSON results")
    ex.add_argument("paths", nargs="+", help="files, folders or glob patterns")
    ex.add_argument("--out", default="out", help="folder for the results (default: out)")
    ex.add_argument("--mode", choices=MODES, default=None, help="default: auto (rules when no model)")
    ex.add_argument("--format", nargs="+", choices=list(FORMATS), default=list(FORMATS),
                    help="combined outputs besides the JSON of each report (default: all)")
    ex.add_argument("--workers", type=int, default=None,
                    help="processes for the rules (default: 1 below 200 files, else one per core)")
    ex.add_argument("--engine", choices=["local", "ray"], default="local",
                    help="ray: run reports as Ray tasks (RAY_ADDRESS joins a cluster); needs the ray extra")
    ex.add_argument("--force", action="store_true", help="redo reports the manifest says are finished")
    ex.add_argument("--review", action="store_true",
                    help="also write review/<stem>.html for every report and review/index.html")
    ex.add_argument("--max-bytes", type=int, default=None, help="skip files larger than this")
    ex.add_argument("--include-text", action="store_true", help="put the clean text into each result")
    _add_model_flags(ex)
    ex.set_defaults(func=cmd_extract)

    rv = sub.add_parser("review", help="a page showing where every value of a result came from")
    rv.add_argument("result", help="a <stem>.json written by `extractor extract`")
    rv.add_argument("--html", help="the page to write (default: the result's name with .html)")
    rv.add_argument("--source", help="the report file, when the result holds no clean text "
                                     "(default: the path recorded in the run's manifest.jsonl)")
    rv.set_defaults(func=cmd_review)

    no = sub.add_parser("normalize", help="print the clean text the pipeline sees")
    no.add_argument("path")
    no.add_argument("--max-bytes", type=int, default=None)
    no.set_defaults(func=cmd_normalize)

    ev = sub.add_parser("eval", help="score a run against gold files")
    ev.add_argument("--reports", required=True, help="folder of reports")
    ev.add_argument("--gold", required=True, help="folder of <stem>.gold.json files")
    ev.add_argument("--mode", choices=MODES, default=None)
    ev.add_argument("--predictions", help="score results already written by `extractor extract`")
    ev.add_argument("--json", help="write the scores as JSON")
    ev.add_argument("--html", help="write a page with every error beside its source text")
    ev.add_argument("--baseline", help="an earlier --json to compare with")
    _add_model_flags(ev)
    ev.set_defaults(func=cmd_eval)

    cache = sub.add_parser("cache", help="the model response cache")
    cache.add_argument("action", choices=["stats", "clear"])
    cache.add_argument("--cache-dir", help="response cache folder (EXTRACTOR_CACHE_DIR)")
    cache.set_defaults(func=cmd_cache)

    bench = sub.add_parser("bench", help="benchmarks behind the README's figures")
    bench.add_argument("what", choices=["batch", "tokens"],
                       help="batch: rules-only throughput, peak memory and resume over generated corpora; "
                            "tokens: what chunking saves against one whole-report prompt")
    bench.add_argument("--reports", default="evals/corpus/seeds", help="tokens: the reports to measure")
    bench.add_argument("--sizes", default="500,2000", help="batch: corpus sizes, comma-separated")
    bench.add_argument("--workers", type=int, default=1, help="batch: worker processes per run")
    bench.add_argument("--seed", type=int, default=0, help="batch: corpus generator seed")
    bench.add_argument("--work-dir", help="batch: where the corpora and outputs go (removed afterwards)")
    bench.add_argument("--hybrid", type=int, default=0, metavar="N",
                       help="batch: also run hybrid mode over N generated reports with the configured model")
    _add_model_flags(bench)
    bench.set_defaults(func=cmd_bench)

    local = sub.add_parser("local-server", help="serve the bundled demonstration model on 127.0.0.1")
    local.add_argument("--port", type=int, default=8080)
    local.add_argument("--threads", type=int, default=2)
    local.set_defaults(func=cmd_local_server)

    gold = sub.add_parser("gold", help="gold-file tools")
    gold_sub = gold.add_subparsers(dest="gold_command", required=True)
    gc = gold_sub.add_parser("check", help="validate gold files")
    gc.add_argument("dir")
    gc.set_defaults(func=cmd_gold_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted; results written so far are complete")
        return 130


if __name__ == "__main__":
    sys.exit(main())
