"""Configuration in one frozen object. The environment is read in one function; explicit arguments win."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .errors import ConfigError

Mode = Literal["auto", "rules", "llm", "hybrid"]
MODES: tuple[str, ...] = ("auto", "rules", "llm", "hybrid")

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    mode: Mode = "auto"
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    cache_dir: Path | None = None
    use_cache: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    concurrency: int = 4
    instructor_mode: str | None = None  # tools, json_schema, json, md_json; None: chosen per server
    temperature: float = 0.0
    answer_tokens: int = 1024
    timeout: float = 60.0
    retries: int = 4
    reasks: int = 2
    token_budget: int = 60_000
    chunk_tokens: int = 1500
    cache_bytes: int = 512 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}; use one of {', '.join(MODES)}")
        if self.max_bytes <= 0:
            raise ConfigError("max_bytes must be positive")
        if self.concurrency < 1 or self.reasks < 0 or self.retries < 0:
            raise ConfigError("concurrency must be at least 1, reasks and retries at least 0")

    @property
    def model_configured(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or Path.home() / ".cache" / "gov-disclosure-extractor"

    def resolved_mode(self) -> Literal["rules", "llm", "hybrid"]:
        """`auto` means hybrid when a model is configured, rules otherwise."""
        if self.mode == "auto":
            return "hybrid" if self.model_configured else "rules"
        if self.mode in ("llm", "hybrid") and not self.model_configured:
            raise ConfigError(
                f"mode {self.mode!r} needs a model: set EXTRACTOR_MODEL and EXTRACTOR_BASE_URL "
                "(or EXTRACTOR_API_KEY), or use --mode rules"
            )
        return self.mode

    def with_overrides(self, **overrides: object) -> Config:
        """Explicit arguments win over whatever the environment said; None means 'not given'."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)  # type: ignore[arg-type]


def _first(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = env.get(name)
        if value:
            return value
    return None


def config_from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Config:
    """The only place that reads the environment."""
    env = os.environ if env is None else env
    max_bytes_text = env.get("EXTRACTOR_MAX_BYTES")
    try:
        max_bytes = int(max_bytes_text) if max_bytes_text else DEFAULT_MAX_BYTES
    except ValueError as exc:
        raise ConfigError(f"EXTRACTOR_MAX_BYTES must be a whole number of bytes, not {max_bytes_text!r}") from exc
    cache_dir = env.get("EXTRACTOR_CACHE_DIR")
    base = Config(
        mode=env.get("EXTRACTOR_MODE", "auto"),  # type: ignore[arg-type]
        base_url=_first(env, "EXTRACTOR_BASE_URL", "OPENAI_BASE_URL"),
        api_key=_first(env, "EXTRACTOR_API_KEY", "OPENAI_API_KEY"),
        model=_first(env, "EXTRACTOR_MODEL", "OPENAI_MODEL"),
        cache_dir=Path(cache_dir) if cache_dir else None,
        max_bytes=max_bytes,
        instructor_mode=env.get("EXTRACTOR_INSTRUCTOR_MODE") or None,
    )
    return base.with_overrides(**overrides)
