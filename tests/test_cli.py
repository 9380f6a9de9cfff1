"""The command line and the library call, end to end on the bundled reports and on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import extract
from extractor.cli import main
from extractor.config import Config, config_from_env
from extractor.errors import ConfigError, EmptyInputError, MissingInputError
from extractor.schemas.report import Report
from extractor.schemas.vocabulary import is_known

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "evals" / "corpus" / "seeds"
DEV = ROOT / "evals" / "corpus" / "dev"


def test_library_call_on_a_path_returns_the_report_model() -> None:
    report = extract(SEEDS / "000_41f24ceff2be76ae.txt", mode="rules")
    assert isinstance(report, Report)
    flat = report.flatten()
    assert flat["meta.format"] == "legacy"
    assert all(is_known(p) for p in flat)
    fv = report.fields["proactive.total"]
    assert fv.provenance.method == "table" and fv.provenance.clean_span and fv.provenance.source_span
    start, end = fv.provenance.source_span
    original = (SEEDS / "000_41f24ceff2be76ae.txt").read_text(encoding="utf-8")
    assert original[start:end] == str(fv.value)


def test_library_call_on_text() -> None:
    text = (SEEDS / "004_1727cc934ec3d614.txt").read_text(encoding="utf-8")
    report = extract(text, mode="rules")
    assert report.source == "<text>"
    assert report.flatten()["proactive.total"] == 198


def test_findings_carry_field_and_kind() -> None:
    report = extract(SEEDS / "002_380c3c8aa2c4979c.txt", mode="rules")
    pairs = {(f.field, f.kind) for f in report.findings}
    assert ("proactive.total", "implausible") in pairs
    finding = next(f for f in report.findings if f.field == "proactive.total")
    assert finding.figures and all(fig.clean_span for fig in finding.figures)


def test_every_bundled_report_extracts() -> None:
    for path in [*SEEDS.iterdir(), *DEV.iterdir()]:
        report = extract(path, mode="rules")
        assert report.fields, path.name
        assert report.format in ("legacy", "gb2019", "gb2021")


def test_missing_path_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match=r"nope\.txt"):
        extract(tmp_path / "nope.txt", mode="rules")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInputError, match=r"empty\.txt"):
        extract(empty, mode="rules")


def test_model_modes_say_what_is_missing() -> None:
    with pytest.raises(ConfigError, match="--mode rules"):
        extract(SEEDS / "000_41f24ceff2be76ae.txt", mode="hybrid", config=Config())


def test_environment_is_read_in_one_place_and_arguments_win() -> None:
    env = {"OPENAI_MODEL": "m1", "EXTRACTOR_MODEL": "m2", "EXTRACTOR_BASE_URL": "http://127.0.0.1:1/v1",
           "EXTRACTOR_MAX_BYTES": "100"}
    config = config_from_env(env, max_bytes=200)
    assert config.model == "m2" and config.max_bytes == 200 and config.model_configured
    with pytest.raises(ConfigError, match="EXTRACTOR_MAX_BYTES"):
        config_from_env({"EXTRACTOR_MAX_BYTES": "ten"})


def test_batch_with_bad_files_goes_on_and_records_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text((SEEDS / "004_1727cc934ec3d614.txt").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (inputs / "fake.pdf").write_bytes(b"not a pdf at all")
    out = tmp_path / "out"
    code = main(["extract", str(inputs), str(tmp_path / "missing.txt"), "--out", str(out),
                 "--format", "json", "jsonl", "csv"])
    assert code == 1
    err = capsys.readouterr().err
    assert "files: 5, succeeded: 1, failed: 4" in err
    for name in ("empty.txt", "binary.txt", "fake.pdf", "missing.txt"):
        assert name in err
    good = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert good["fields"]["proactive.total"]["value"] == 198
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {f["source"] for f in failures} == {"empty.txt", "binary.txt", "fake.pdf", "missing.txt"}
    assert (out / "empty.error.json").exists()
    assert (out / "results.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert len((out / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 1
    assert not list(out.glob(".*.tmp"))


def test_all_good_batch_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEEDS), "--out", str(tmp_path)]) == 0
    assert "mode: rules" in capsys.readouterr().err
    assert len(list(tmp_path.glob("*.json"))) == 5


def test_usage_error_exits_two() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["extract"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["extract", "x", "--mode", "magic"])
    assert exc.value.code == 2


def test_normalize_command_prints_clean_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", str(SEEDS / "003_1cf57682600c5878.txt")]) == 0
    out = capsys.readouterr().out
    assert "根据《中华人民共和国政府信息公开条例》" in out
    assert "(jù)" not in out


def test_eval_command_writes_the_documented_keys(tmp_path: Path) -> None:
    target = tmp_path / "scores.json"
    code = main(["eval", "--reports", str(SEEDS), "--gold", str(ROOT / "evals" / "gold" / "seeds"),
                 "--mode", "rules", "--json", str(target), "--html", str(tmp_path / "scores.html")])
    assert code == 0
    scores = json.loads(target.read_text(encoding="utf-8"))
    for key in ("overall", "findings", "by_family", "by_format", "by_report", "mode", "model", "usage", "seconds"):
        assert key in scores
    assert set(scores["overall"]) >= {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert scores["mode"] == "rules"
    assert (tmp_path / "scores.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "extractor", "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "extract" in proc.stdout


def test_gold_check_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gold", "check", str(ROOT / "evals" / "gold")]) == 0
    assert "with problems" in capsys.readouterr().out
