"""The one interface between the pipeline and a model: ask a prompt, get a validated answer.

The pipeline imports only this module; the OpenAI-compatible implementation lives in
``extractor.openai_provider`` and is imported only when a model is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel

from .prompting import Prompt


@dataclass(frozen=True)
class ModelAnswer:
    answer: BaseModel
    prompt_tokens: int
    completion_tokens: int
    attempts: int  # model calls made, re-asks included


class ModelClient(Protocol):
    """Anything that turns (prompt, chunk text, response model) into a validated answer."""

    @property
    def identity(self) -> str:
        """What the answers depend on besides the input: base URL, model, mode, sampling."""
        ...

    async def ask(self, prompt: Prompt, chunk_text: str, response_model: type[BaseModel]) -> ModelAnswer: ...

    async def aclose(self) -> None: ...
