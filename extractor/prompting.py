"""Prompts as data: each file in ``prompts/`` is loaded into a strict, versioned model.

A prompt file has a front matter (``name``, ``version``) and two sections, ``## system``
and ``## user``; the user section holds one ``{chunk}`` placeholder for the report text.
The version is part of every cache key, so editing a prompt means bumping its version.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, field_validator

from .errors import ConfigError

_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.S)
_SECTION = re.compile(r"^## (system|user)\s*$", re.M)


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int
    system: str
    user: str

    @field_validator("user")
    @classmethod
    def _one_placeholder(cls, user: str) -> str:
        if user.count("{chunk}") != 1:
            raise ValueError("the user section must hold exactly one {chunk} placeholder")
        return user

    def render(self, chunk: str) -> list[dict[str, str]]:
        # str.replace, not str.format: report text is full of braces that are not placeholders
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user.replace("{chunk}", chunk)},
        ]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


def parse_prompt(text: str, origin: str) -> Prompt:
    m = _FRONT.match(text.replace("\r\n", "\n"))
    if not m:
        raise ConfigError(f"prompt {origin}: no front matter (--- name/version ---) at the top")
    head: dict[str, str] = {}
    for line in m.group("head").splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            head[key.strip()] = value.strip()
    parts = _SECTION.split(m.group("body"))
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    try:
        return Prompt(name=head.get("name", ""), version=int(head.get("version", "0")),
                      system=sections.get("system", ""), user=sections.get("user", ""))
    except ValueError as exc:
        raise ConfigError(f"prompt {origin}: {exc}") from exc


@cache
def load_prompt(name: str) -> Prompt:
    try:
        text = resources.files("extractor.prompts").joinpath(f"{name}.md").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"no prompt file prompts/{name}.md; add one for the chunk kind {name!r}") from exc
    prompt = parse_prompt(text, f"prompts/{name}.md")
    if prompt.name != name:
        raise ConfigError(f"prompts/{name}.md names itself {prompt.name!r}")
    return prompt
