"""Command line: `extractor extract|normalize|eval|gold check`.

Exit status: 0 when every file succeeded, 1 when some failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from .config import MODES, Config, config_from_env
from .errors import ConfigError, ExtractorError, GoldFileError
from .export import dumps, failure_record, jsonl, report_json, unique_stem, wide_csv, write_atomic
from .load import expand_inputs
from .pipeline import analyse, extract, open_cache, read_source
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


def cmd_extract(args: argparse.Namespace) -> int:
    config = _config(args)
    mode = config.resolved_mode()
    paths, failures = expand_inputs(args.paths)
    out_dir = Path(args.out)
    note = "" if config.mode != "auto" else (" (auto: a model is configured)" if mode != "rules"
                                             else " (auto: no model configured)")
    _err(f"mode: {mode}{note}")
    taken: set[str] = set()
    reports: list[Report] = []
    failed: list[dict[str, object]] = []
    for missing, error in failures:
        _err(f"error: {error}")
        failed.append(failure_record(Path(missing).name, missing, error.cause, type(error).__name__))
    cache = open_cache(config) if mode != "rules" else None
    bar = tqdm(paths, unit="file", disable=len(paths) <= 1, file=sys.stderr)
    for path in bar:
        stem = unique_stem(path.stem, taken)
        try:
            report = extract(path, config=config, include_text=args.include_text, cache=cache)
        except ExtractorError as exc:
            tqdm.write(f"error: {exc}", file=sys.stderr)
            record = failure_record(path.name, str(path), exc.cause, type(exc).__name__)
            failed.append(record)
            write_atomic(out_dir / f"{stem}.error.json", dumps(record) + "\n")
            continue
        (out_dir / f"{stem}.error.json").unlink(missing_ok=True)
        write_atomic(out_dir / f"{stem}.json", report_json(report) + "\n")
        reports.append(report)
    if cache is not None:
        cache.close()
    for report in reports:
        for warning in report.warnings:
            if "chunk " in warning:
                _err(f"warning: {warning}")
    if "jsonl" in args.format:
        write_atomic(out_dir / "results.jsonl", jsonl(r.model_dump_json(exclude_none=True) for r in reports))
    if "csv" in args.format:
        write_atomic(out_dir / "results.csv", wide_csv(reports))
    if failed:
        write_atomic(out_dir / "failures.jsonl", jsonl(json.dumps(f, ensure_ascii=False) for f in failed))
    else:
        (out_dir / "failures.jsonl").unlink(missing_ok=True)
    findings = sum(len(r.findings) for r in reports)
    total = len(paths) + len(failures)
    _err(f"files: {total}, succeeded: {len(reports)}, failed: {len(failed)}, findings: {findings}; "
         f"mode: {mode}; results in {out_dir}")
    return EXIT_OK if not failed else EXIT_SOME_FAILED


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
    from .evals.bench import format_savings, token_savings

    config = _config(args)
    if not config.model_configured:
        raise ConfigError("bench tokens needs a model: set EXTRACTOR_MODEL and EXTRACTOR_BASE_URL "
                          "(e.g. `extractor local-server` and its URL)")
    print(format_savings(token_savings(Path(args.reports), config)))
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
    ex.add_argument("--format", nargs="+", choices=["json", "jsonl", "csv"], default=["json"],
                    help="json per report always; jsonl and csv add combined files")
    ex.add_argument("--max-bytes", type=int, default=None, help="skip files larger than this")
    ex.add_argument("--include-text", action="store_true", help="put the clean text into each result")
    _add_model_flags(ex)
    ex.set_defaults(func=cmd_extract)

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
    bench.add_argument("what", choices=["tokens"], help="tokens: what chunking saves against one whole-report prompt")
    bench.add_argument("--reports", default="evals/corpus/seeds")
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
