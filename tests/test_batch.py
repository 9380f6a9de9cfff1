"""Batch runs: resume after a kill, the analyst outputs, workers, failures, Ray."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch import Manifest, Options, assign_stems, run_batch
from extractor.config import config_from_env
from extractor.evals.corpus_gen import generate_corpus

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "evals" / "corpus" / "seeds"
DEV = ROOT / "evals" / "corpus" / "dev"


def _options() -> Options:
    return Options(config=config_from_env({}), mode="rules")


def _comparable(out: Path) -> dict[str, object]:
    """Every output of a run, without the seconds each report took."""
    outputs: dict[str, object] = {}
    for path in sorted(out.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.get("usage", {}).pop("seconds", None)
        outputs[path.name] = data
    lines = []
    for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        data.get("usage", {}).pop("seconds", None)
        lines.append(data)
    outputs["results.jsonl"] = lines
    outputs["results.csv"] = (out / "results.csv").read_bytes()
    # a result's size in the manifest varies with the digits of its seconds
    outputs["manifest"] = [{k: v for k, v in json.loads(line).items() if k != "bytes"}
                           for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    db = sqlite3.connect(out / "results.sqlite")
    for table in ("reports", "fields", "findings", "disputes", "summary"):
        outputs[f"sqlite.{table}"] = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    db.close()
    import pandas as pd

    outputs["parquet"] = pd.read_parquet(out / "results.parquet").to_json()
    return outputs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root, 2000, seed=7)
    return root


def _run_cli(corpus: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "extractor", "extract", str(corpus), "--out", str(out), "--workers", "2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.is_file() else 0


def test_a_killed_run_resumes_to_the_outputs_of_an_uninterrupted_one(corpus: Path, tmp_path: Path) -> None:
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    assert _run_cli(corpus, whole).wait(timeout=900) == 0

    proc = _run_cli(corpus, resumed)
    deadline = time.monotonic() + 600
    while _lines(resumed / "manifest.jsonl") < 1000 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, as `kill -9` of the job would
    proc.wait(timeout=60)
    finished = _lines(resumed / "manifest.jsonl")
    assert 1000 <= finished < 2000
    assert not (resumed / "results.jsonl").exists()  # a killed run writes no combined output
    for result in resumed.glob("*.json"):
        json.loads(result.read_text(encoding="utf-8"))  # nothing half-written

    proc = _run_cli(corpus, resumed)
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err.decode()
    skipped = int(err.decode().split("skipped as finished: ")[1].split(",")[0])
    assert skipped >= finished - 8  # the few reports in flight when killed may be redone
    assert _comparable(resumed) == _comparable(whole)

    # a third run has nothing left to do
    proc = _run_cli(corpus, resumed)
    _, err = proc.communicate(timeout=300)
    assert "skipped as finished: 2000" in err.decode()


def test_interrupt_leaves_only_whole_results(tmp_path: Path) -> None:
    paths = sorted(SEEDS.glob("*.txt"))
    calls = 0

    def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(paths, tmp_path, _options(), progress=progress)
    assert _lines(tmp_path / "manifest.jsonl") == 2
    assert not (tmp_path / "results.csv").exists()
    summary = run_batch(paths, tmp_path, _options())
    assert summary.skipped == 2 and summary.done == 3


def test_resume_redoes_changed_files_and_force_redoes_all(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS.glob("*.txt"):
        (src / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    paths = sorted(src.glob("*.txt"))
    assert run_batch(paths, out, _options()).done == 5
    first = paths[0]
    first.write_bytes(first.read_bytes() + "\n附件：无\n".encode())
    again = run_batch(paths, out, _options())
    assert (again.done, again.skipped) == (1, 4)
    assert run_batch(paths, out, _options(), force=True).done == 5
    # a different mode is a different result
    manifest = Manifest(out)
    assert len(manifest.entries) == 5


def test_a_result_a_power_cut_cut_short_is_redone(tmp_path: Path) -> None:
    paths = sorted(SEEDS.glob("*.txt"))[:2]
    out = tmp_path / "out"
    assert run_batch(paths, out, _options()).done == 2
    result = out / f"{paths[0].stem}.json"
    whole = json.loads(result.read_text(encoding="utf-8"))
    # results are not fsynced one by one: after a power cut a file can be empty or short
    result.write_bytes(result.read_bytes()[:100])
    again = run_batch(paths, out, _options())
    assert (again.done, again.skipped) == (1, 1)
    redone = json.loads(result.read_text(encoding="utf-8"))
    for data in (whole, redone):
        data.get("usage", {}).pop("seconds", None)
    assert redone == whole
    assert json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])["bytes"] == \
        result.stat().st_size


def test_outputs_for_analysts(tmp_path: Path) -> None:
    paths = [*sorted(SEEDS.glob("*.txt")), *sorted(DEV.glob("*"))]
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    summary = run_batch([*paths, bad], tmp_path / "out", _options())
    out = tmp_path / "out"
    assert summary.failed == 1 and summary.succeeded == len(paths)
    failure = json.loads((out / "failures.jsonl").read_text(encoding="utf-8"))
    assert failure["source"] == "broken.pdf" and failure["error"]

    raw = (out / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(paths)
    agencies = {r["meta.agency"] for r in rows}
    assert "淮安市洪泽区人民政府" in agencies

    import pandas as pd

    frame = pd.read_parquet(out / "results.parquet")
    assert len(frame) == len(paths)
    assert frame["meta.year"].dtype.kind == "i"
    hongze = frame[frame["source"] == "hongze_2023.txt"].iloc[0]
    report = json.loads((out / "hongze_2023.json").read_text(encoding="utf-8"))
    for path, fv in report["fields"].items():
        assert hongze[path] == fv["value"], path

    db = sqlite3.connect(out / "results.sqlite")
    # The README's example query: requests received, per agency and year.
    rows_sql = db.execute(
        "SELECT r.year, r.agency, s.value FROM summary s JOIN reports r ON r.id = s.report_id "
        "WHERE s.indicator = 'requests_received' ORDER BY r.year, r.agency"
    ).fetchall()
    assert (2024, "淮安市人民政府", 3119) in rows_sql
    assert len(rows_sql) == len(paths)
    n_fields = db.execute("SELECT count(*) FROM fields").fetchone()[0]
    assert n_fields == sum(len(json.loads((out / f"{p.stem}.json").read_text(encoding="utf-8"))["fields"])
                           for p in paths)
    span = db.execute("SELECT clean_start, clean_end, text FROM fields f JOIN reports r ON r.id = f.report_id "
                      "WHERE r.source = 'hongze_2023.txt' AND f.path = 'meta.agency'").fetchone()
    assert span[0] is not None and span[1] > span[0] and span[2]
    kinds = {k for (k,) in db.execute("SELECT kind FROM findings")}
    assert kinds <= {"sum_mismatch", "conflict", "implausible", "ambiguous"} and kinds
    db.close()


def test_workers_give_the_same_results_as_one_process(tmp_path: Path) -> None:
    paths = [*sorted(SEEDS.glob("*.txt")), *sorted(DEV.glob("*"))]
    run_batch(paths, tmp_path / "one", _options(), workers=1)
    run_batch(paths, tmp_path / "two", _options(), workers=2)
    assert _comparable(tmp_path / "one") == _comparable(tmp_path / "two")


def test_review_pages_for_a_batch(tmp_path: Path) -> None:
    paths = sorted(SEEDS.glob("*.txt"))[:2]
    run_batch(paths, tmp_path, Options(config=config_from_env({}), mode="rules", review=True))
    index = (tmp_path / "review" / "index.html").read_text(encoding="utf-8")
    for p in paths:
        assert f'href="{p.stem}.html"' in index
        assert (tmp_path / "review" / f"{p.stem}.html").is_file()
        # the page needs the text; the result stays as small as asked for
        assert "clean_text" not in json.loads((tmp_path / f"{p.stem}.json").read_text(encoding="utf-8"))


def test_review_command_rebuilds_text_from_the_manifest(tmp_path: Path) -> None:
    from extractor.cli import main

    paths = sorted(SEEDS.glob("*.txt"))[:1]
    run_batch(paths, tmp_path, _options())
    result = tmp_path / f"{paths[0].stem}.json"
    assert main(["review", str(result), "--html", str(tmp_path / "page.html")]) == 0
    assert "<mark" in (tmp_path / "page.html").read_text(encoding="utf-8")
    (tmp_path / "manifest.jsonl").unlink()
    assert main(["review", str(result)]) == 1


def test_stems_do_not_depend_on_company() -> None:
    a, b, c = Path("x/index.html"), Path("y/index.html"), Path("z/only.txt")
    assert assign_stems([a, b, c])[2] == "only"
    assert assign_stems([a, b])[0] == assign_stems([a, b, c])[0] != assign_stems([a, b])[1]


def test_ray_engine_gives_the_same_results(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    paths = sorted(SEEDS.glob("*.txt"))
    run_batch(paths, tmp_path / "local", _options())
    run_batch(paths, tmp_path / "ray", _options(), engine="ray", workers=2)
    assert _comparable(tmp_path / "local") == _comparable(tmp_path / "ray")
