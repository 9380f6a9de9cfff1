"""The batch benchmark measures real runs: each a separate `extractor extract` process."""

from __future__ import annotations

from pathlib import Path

from extractor.evals.bench import batch_bench, format_batch


def test_batch_bench_runs_rerun_and_resume(tmp_path: Path) -> None:
    runs = batch_bench([6, 12], workers=1, seed=1, work_dir=tmp_path)
    labels = [(r.label, r.files) for r in runs]
    assert labels == [("whole run", 6), ("whole run", 12), ("re-run, all finished", 12),
                      ("resume after a kill at half", 12)]
    whole, rerun, resumed = runs[1], runs[2], runs[3]
    assert whole.skipped == 0 and rerun.skipped == 12
    assert resumed.skipped >= 6  # killed once half were recorded (or it finished first)
    assert all(r.seconds > 0 and r.peak_rss_mb > 50 for r in runs)  # a Python process with the pipeline loaded
    assert list(tmp_path.iterdir()) == []  # the corpora and outputs are removed
    table = format_batch(runs, cores=2)
    assert "re-run, all finished: " in table and "x faster" in table
