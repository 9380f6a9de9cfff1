"""Against a real endpoint of your own: opt-in (`pytest -m live`), and only when it is configured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractor import extract
from extractor.config import config_from_env

pytestmark = pytest.mark.live
SEED = Path(__file__).resolve().parent.parent / "evals" / "corpus" / "seeds" / "004_1727cc934ec3d614.txt"


@pytest.fixture()
def live_config():  # type: ignore[no-untyped-def]
    if not (os.environ.get("EXTRACTOR_MODEL") or os.environ.get("OPENAI_MODEL")):
        pytest.skip("set EXTRACTOR_MODEL and EXTRACTOR_BASE_URL (and EXTRACTOR_API_KEY) to run live tests")
    return config_from_env(mode="hybrid", use_cache=False)


def test_hybrid_on_a_live_endpoint(live_config) -> None:  # type: ignore[no-untyped-def]
    rules = extract(SEED, mode="rules").flatten()
    report = extract(SEED, config=live_config)
    assert report.usage.calls > 0 and report.usage.prompt_tokens > 0
    flat = report.flatten()
    assert all(flat[k] == v for k, v in rules.items())
    key = live_config.api_key
    if key:
        assert key not in report.model_dump_json()
