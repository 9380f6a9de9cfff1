"""An OpenAI-compatible chat endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp) via instructor.

Two retry layers, each with one job: tenacity retries the *transport* (timeouts,
connection errors, 429 respecting Retry-After, 5xx; never another 4xx), and instructor
re-asks the model when its answer does not validate against the response model, a bounded
number of times, with the token usage summed over every attempt.
"""

from __future__ import annotations

import contextvars
import importlib
import json
from typing import Any, cast

import httpx
import instructor
import openai
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.wait import wait_base

from .errors import ModelError
from .prompting import Prompt
from .providers import ModelAnswer


def _retry_exception_type() -> type[Exception]:
    # instructor moved this class between releases
    for module_name in ("instructor.exceptions", "instructor.core.exceptions", "instructor.retry"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, "InstructorRetryException", None)
        if isinstance(found, type) and issubclass(found, Exception):
            return found
    raise ImportError("this instructor release has no InstructorRetryException")


InstructorRetryException = _retry_exception_type()

INSTRUCTOR_MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


# Every HTTP request to the server, re-asks and transport retries included, counts as a
# model call of the ask() that made it.
_CALLS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("model_calls", default=None)


async def _count_request(request: httpx.Request) -> None:
    counter = _CALLS.get()
    if counter is not None:
        counter[0] += 1


def default_mode(base_url: str | None) -> str:
    """Tool calls where the server is known to support them; a JSON schema elsewhere."""
    url = (base_url or "https://api.openai.com/v1").lower()
    if "api.openai.com" in url or "deepseek" in url or "dashscope" in url:
        return "tools"
    if "11434" in url or "ollama" in url:
        return "json"
    return "json_schema"  # llama.cpp and vLLM constrain the output to the schema


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500
    return False


class _RetryAfter(wait_base):
    """Wait what a 429's Retry-After says when it says it, else back off exponentially."""

    def __init__(self, fallback: wait_base, cap: float) -> None:
        self.fallback = fallback
        self.cap = cap

    def __call__(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, openai.APIStatusError):
            header = exc.response.headers.get("retry-after") if exc.response is not None else None
            if header:
                try:
                    return min(float(header), self.cap)
                except ValueError:
                    pass
        return float(self.fallback(retry_state))


class OpenAICompatibleClient:
    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        model: str,
        mode: str | None = None,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        timeout: float = 60.0,
        retries: int = 4,
        reasks: int = 2,
        backoff_cap: float = 30.0,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.mode = mode or default_mode(base_url)
        if self.mode not in INSTRUCTOR_MODES:
            raise ModelError(f"unknown instructor mode {self.mode!r}; use one of {', '.join(INSTRUCTOR_MODES)}")
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.retries = retries
        self.reasks = reasks
        self.backoff_cap = backoff_cap
        # The client's own retries are off: tenacity is the one retry layer.
        self._http = httpx.AsyncClient(timeout=timeout, event_hooks={"request": [_count_request]})
        self._raw = openai.AsyncOpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout,
                                       max_retries=0, http_client=self._http)
        self._client = instructor.from_openai(self._raw, mode=INSTRUCTOR_MODES[self.mode])

    @property
    def identity(self) -> str:
        # never the API key: it must not reach cache keys, logs or results
        return json.dumps({"base_url": self.base_url, "model": self.model, "mode": self.mode,
                           "temperature": self.temperature, "max_tokens": self.max_tokens}, sort_keys=True)

    async def ask(self, prompt: Prompt, chunk_text: str, response_model: type[BaseModel]) -> ModelAnswer:
        calls = [0]
        token = _CALLS.set(calls)

        async def once() -> tuple[BaseModel, Any]:
            # instructor's own loop re-asks on invalid answers only: given a bare int it would also
            # retry every HTTP error (a 400, a 401) and multiply the transport retries above
            reasks: Any = AsyncRetrying(
                retry=retry_if_exception_type((InstructorRetryException, ValidationError, json.JSONDecodeError)),
                stop=stop_after_attempt(self.reasks + 1),
            )
            return await self._client.chat.completions.create_with_completion(
                model=self.model,
                messages=cast(Any, prompt.render(chunk_text)),
                response_model=response_model,
                max_retries=reasks,
                temperature=self.temperature,
                max_tokens=self.max_tokens,
            )

        retrying = AsyncRetrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(self.retries + 1),
            wait=_RetryAfter(wait_exponential_jitter(initial=0.5, max=self.backoff_cap), self.backoff_cap),
            reraise=True,
        )
        try:
            result: tuple[BaseModel, Any] = await retrying(once)
            answer, completion = result
        except openai.APIStatusError as exc:
            raise ModelError(f"the model server answered {exc.status_code} after {calls[0]} calls: "
                             f"{_short(exc)}") from exc
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            raise ModelError(f"could not reach the model server at {self.base_url} after {calls[0]} calls: "
                             f"{type(exc).__name__}") from exc
        except InstructorRetryException as exc:
            usage = getattr(exc, "total_usage", None)
            raise ModelAnswerInvalid(
                f"the model's answer did not validate after {self.reasks} re-asks: {_short(exc)}",
                prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
                calls=calls[0],
            ) from exc
        finally:
            _CALLS.reset(token)
        usage = getattr(completion, "usage", None)  # instructor sums it over the re-asks
        return ModelAnswer(
            answer=answer,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            attempts=calls[0],
        )

    async def aclose(self) -> None:
        await self._raw.close()
        await self._http.aclose()


class ModelAnswerInvalid(ModelError):
    """Every re-ask failed validation; the tokens spent are still counted."""

    def __init__(self, message: str, *, prompt_tokens: int, completion_tokens: int, calls: int) -> None:
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.calls = calls


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
