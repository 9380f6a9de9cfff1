"""OpenAICompatibleClient against a local stub server: transport retries, re-asks, usage, no key leaks.

Everything is offline: a stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) serves
``POST /v1/chat/completions`` from a per-test queue of scripted responses and records every
request it gets, so each test can assert how many calls the client made.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import openai
import pytest

from extractor.errors import ModelError
from extractor.llm import cache_key
from extractor.openai_provider import (
    InstructorRetryException,
    ModelAnswerInvalid,
    OpenAICompatibleClient,
    default_mode,
    is_retryable,
)
from extractor.prompting import load_prompt
from extractor.providers import ModelAnswer
from extractor.schemas.chunks import response_model, schema_hash

API_KEY = "sk-stub-SECRET-7f3a9c1e5b2d4086"
MODEL = "stub-model"
PROMPT = load_prompt("review")
REVIEW = response_model("review")
CHUNK = "本年度共收到行政复议申请3件，结果维持2件，纠正1件。"


# --- the stub server -------------------------------------------------------------------------


@dataclass
class Scripted:
    """One scripted answer: HTTP status, extra headers, a body (dict → JSON), a delay before answering."""

    status: int = 200
    body: dict[str, Any] | str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class StubServer:
    def __init__(self) -> None:
        self.queue: deque[Scripted] = deque()
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *responses: Scripted) -> None:
        with self.lock:
            self.queue.extend(responses)

    @property
    def calls(self) -> int:
        with self.lock:
            return len(self.requests)

    @property
    def remaining(self) -> int:
        with self.lock:
            return len(self.queue)

    def next_response(self, received: Received) -> Scripted:
        with self.lock:
            self.requests.append(received)
            if received.path != "/v1/chat/completions":
                return Scripted(404, {"error": {"message": f"no route {received.path}"}})
            if not self.queue:
                return Scripted(418, {"error": {"message": "unscripted request"}})
            return self.queue.popleft()


def _handler_for(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"unparsable": raw.decode("utf-8", "replace")}
            scripted = stub.next_response(Received(self.path, dict(self.headers.items()), body))
            if scripted.delay:
                time.sleep(scripted.delay)
            payload = scripted.body if isinstance(scripted.body, str) else json.dumps(scripted.body)
            data = payload.encode("utf-8")
            try:
                self.send_response(scripted.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in scripted.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(timeout=2)


# --- helpers ---------------------------------------------------------------------------------


def completion(content: str, prompt_tokens: int = 100, completion_tokens: int = 10) -> dict[str, Any]:
    """An OpenAI chat completion whose message content is the answer (instructor's json_schema mode)."""
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [
            {"index": 0, "finish_reason": "stop", "logprobs": None,
             "message": {"role": "assistant", "content": content}},
        ],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def ok(answer: dict[str, Any], prompt_tokens: int = 100, completion_tokens: int = 10) -> Scripted:
    return Scripted(200, completion(json.dumps(answer), prompt_tokens, completion_tokens))


def error(status: int, message: str = "stub error", headers: dict[str, str] | None = None) -> Scripted:
    return Scripted(status, {"error": {"message": message, "type": "stub", "code": status}}, headers or {})


ClientFactory = Callable[..., OpenAICompatibleClient]


@pytest.fixture
def make_client(stub: StubServer) -> ClientFactory:
    def make(**overrides: Any) -> OpenAICompatibleClient:
        settings: dict[str, Any] = {"base_url": stub.base_url, "api_key": API_KEY, "model": MODEL,
                                    "mode": "json_schema", "timeout": 5.0, "retries": 3, "reasks": 2,
                                    "backoff_cap": 0.05}
        settings.update(overrides)
        return OpenAICompatibleClient(**settings)

    return make


def ask(client: OpenAICompatibleClient) -> ModelAnswer:
    async def run() -> ModelAnswer:
        try:
            return await client.ask(PROMPT, CHUNK, REVIEW)
        finally:
            await client.aclose()

    return asyncio.run(run())


def assert_key_kept_out(client: OpenAICompatibleClient, exc: BaseException | None = None) -> None:
    assert API_KEY not in client.identity
    key = cache_key(client.identity, PROMPT.key, schema_hash("review"), CHUNK)
    other = OpenAICompatibleClient(base_url=client.base_url, api_key="sk-another-key", model=client.model,
                                   mode=client.mode, temperature=client.temperature, max_tokens=client.max_tokens)
    assert key == cache_key(other.identity, PROMPT.key, schema_hash("review"), CHUNK)  # the key plays no part
    if exc is not None:
        assert API_KEY not in str(exc)
        assert API_KEY not in repr(exc)


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- 1. the happy path -----------------------------------------------------------------------


def test_first_answer_validates_and_counts_tokens(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(ok({"review__total": 3, "review__upheld": 2}, prompt_tokens=321, completion_tokens=17))
    client = make_client()
    result = ask(client)

    assert isinstance(result.answer, REVIEW)
    assert result.answer.model_dump(exclude_none=True) == {"review__total": 3, "review__upheld": 2}
    assert (result.prompt_tokens, result.completion_tokens, result.attempts) == (321, 17, 1)
    assert stub.calls == 1 and stub.remaining == 0

    request = stub.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == MODEL
    assert request.body["response_format"]["type"] == "json_object"  # json_schema mode sends the schema
    assert "review__total" in json.dumps(request.body["response_format"]["schema"])
    assert any(CHUNK in message["content"] for message in request.body["messages"])
    # the key goes to the server in the Authorization header, and nowhere else
    assert request.headers.get("Authorization") == f"Bearer {API_KEY}"
    assert API_KEY not in json.dumps(request.body, ensure_ascii=False)
    assert_key_kept_out(client)


# --- 2, 3. transport retries -----------------------------------------------------------------


def test_429_with_retry_after_is_retried(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(error(429, "rate limited", {"Retry-After": "0"}), ok({"review__total": 3}))
    started = time.monotonic()
    result = ask(make_client())

    assert result.answer.model_dump(exclude_none=True) == {"review__total": 3}
    assert result.attempts == 2 and stub.calls == 2 and stub.remaining == 0
    assert time.monotonic() - started < 3  # Retry-After: 0, not a long back-off


def test_429_retry_after_is_capped_by_backoff_cap(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(error(429, "slow down", {"Retry-After": "120"}), ok({"review__total": 3}))
    started = time.monotonic()
    result = ask(make_client(backoff_cap=0.05))

    assert result.attempts == 2 and stub.calls == 2
    assert time.monotonic() - started < 3


def test_5xx_are_retried_until_an_answer(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(error(500, "boom"), error(502, "bad gateway"), ok({"review__total": 3}, 50, 5))
    result = ask(make_client())

    assert result.answer.model_dump(exclude_none=True) == {"review__total": 3}
    assert result.attempts == 3 and stub.calls == 3 and stub.remaining == 0
    assert (result.prompt_tokens, result.completion_tokens) == (50, 5)  # failed calls return no usage


def test_5xx_until_retries_run_out(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(*(error(503, "overloaded") for _ in range(3)))
    client = make_client(retries=2)
    with pytest.raises(ModelError) as caught:
        ask(client)

    assert stub.calls == 3 and stub.remaining == 0
    assert "503" in str(caught.value) and "after 3 calls" in str(caught.value)
    assert_key_kept_out(client, caught.value)


# --- 4, 5. other 4xx are never retried -------------------------------------------------------


def test_400_fails_at_once(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(error(400, "context length exceeded"), ok({"review__total": 3}))
    client = make_client()
    with pytest.raises(ModelError) as caught:
        ask(client)

    assert not isinstance(caught.value, ModelAnswerInvalid)
    assert stub.calls == 1 and stub.remaining == 1  # neither tenacity nor instructor tried again
    assert "400" in str(caught.value)
    assert "after 1 calls" in str(caught.value)
    assert_key_kept_out(client, caught.value)


@pytest.mark.parametrize("status", [403, 404, 422])
def test_other_4xx_fail_at_once(stub: StubServer, make_client: ClientFactory, status: int) -> None:
    stub.script(error(status), ok({"review__total": 3}))
    with pytest.raises(ModelError) as caught:
        ask(make_client())

    assert stub.calls == 1
    assert str(status) in str(caught.value)


def test_401_fails_at_once_without_the_key(stub: StubServer, make_client: ClientFactory) -> None:
    masked = f"{API_KEY[:6]}{'*' * 12}{API_KEY[-4:]}"  # what OpenAI-style servers echo back
    stub.script(error(401, f"Incorrect API key provided: {masked}."), ok({"review__total": 3}))
    client = make_client()
    with pytest.raises(ModelError) as caught:
        ask(client)

    assert stub.calls == 1 and stub.remaining == 1
    assert "401" in str(caught.value)
    assert_key_kept_out(client, caught.value)


# --- 6, 9. the server cannot be reached ------------------------------------------------------


def test_timeout_is_retried_then_reported(stub: StubServer, make_client: ClientFactory) -> None:
    slow = completion(json.dumps({"review__total": 3}))
    stub.script(Scripted(200, slow, delay=0.6), Scripted(200, slow, delay=0.6))
    client = make_client(timeout=0.2, retries=1)
    started = time.monotonic()
    with pytest.raises(ModelError) as caught:
        ask(client)

    assert time.monotonic() - started < 3
    assert stub.calls == 2 and stub.remaining == 0
    message = str(caught.value)
    assert "could not reach the model server" in message and stub.base_url in message
    assert "after 2 calls" in message and "Timeout" in message
    assert_key_kept_out(client, caught.value)


def test_connection_refused_is_retried_then_reported(make_client: ClientFactory) -> None:
    base_url = f"http://127.0.0.1:{closed_port()}/v1"
    client = make_client(base_url=base_url, retries=2)
    with pytest.raises(ModelError) as caught:
        ask(client)

    message = str(caught.value)
    assert "could not reach the model server" in message and base_url in message
    assert "after 3 calls" in message  # three attempts, counted by the request hook
    assert "APIConnectionError" in message
    assert_key_kept_out(client, caught.value)


# --- 7, 8. instructor re-asks ----------------------------------------------------------------


def test_malformed_answer_is_reasked_and_usage_summed(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(Scripted(200, completion("not json", 100, 7)), ok({"review__total": 3}, 130, 9))
    result = ask(make_client())

    assert result.answer.model_dump(exclude_none=True) == {"review__total": 3}
    assert result.attempts == 2 and stub.calls == 2 and stub.remaining == 0
    assert (result.prompt_tokens, result.completion_tokens) == (100 + 130, 7 + 9)
    first, second = (request.body["messages"] for request in stub.requests)
    assert len(second) > len(first)  # the re-ask carries the bad answer and the validation error
    assert any("not json" in str(message.get("content")) for message in second[len(first):])


def test_always_invalid_answer_raises_model_answer_invalid(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(*(Scripted(200, completion(json.dumps({"review__total": "many"}), 10 * n, n)) for n in (1, 2, 3)))
    client = make_client(reasks=2)
    with pytest.raises(ModelAnswerInvalid) as caught:
        ask(client)

    failure = caught.value
    assert stub.calls == 3 and stub.remaining == 0
    assert failure.calls == 3
    assert (failure.prompt_tokens, failure.completion_tokens) == (10 + 20 + 30, 1 + 2 + 3)
    assert "did not validate after 2 re-asks" in str(failure)
    assert_key_kept_out(client, failure)


def test_reasks_zero_means_one_call(stub: StubServer, make_client: ClientFactory) -> None:
    stub.script(Scripted(200, completion("not json", 10, 1)), ok({"review__total": 3}))
    with pytest.raises(ModelAnswerInvalid) as caught:
        ask(make_client(reasks=0))

    assert stub.calls == 1 and caught.value.calls == 1
    assert (caught.value.prompt_tokens, caught.value.completion_tokens) == (10, 1)


def test_unknown_field_is_reasked(stub: StubServer, make_client: ClientFactory) -> None:
    # the response models forbid extra fields: an invented one is a validation error, not silently dropped
    stub.script(ok({"review__total": 3, "review__invented": 1}), ok({"review__total": 3}))
    result = ask(make_client())

    assert result.attempts == 2 and stub.calls == 2
    assert result.answer.model_dump(exclude_none=True) == {"review__total": 3}


# --- 10. the client passes the answer through --------------------------------------------------


def test_values_are_returned_as_the_model_said(stub: StubServer, make_client: ClientFactory) -> None:
    # 999 is nowhere in the chunk; grounding (extractor.llm) rejects it, the client must not touch it
    stub.script(ok({"review__total": 999, "review__upheld": 0, "litigation__total": None}))
    result = ask(make_client())

    assert result.attempts == 1
    assert result.answer.model_dump(exclude_none=True) == {"review__total": 999, "review__upheld": 0}


# --- construction, default_mode, is_retryable --------------------------------------------------


def test_unknown_mode_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="unknown instructor mode 'xml'"):
        OpenAICompatibleClient(base_url="http://127.0.0.1:1/v1", api_key=API_KEY, model=MODEL, mode="xml")


def test_identity_has_no_key_but_what_answers_depend_on() -> None:
    client = OpenAICompatibleClient(base_url="http://127.0.0.1:1/v1", api_key=API_KEY, model=MODEL,
                                    mode="json_schema", temperature=0.3, max_tokens=77)
    identity = json.loads(client.identity)
    assert identity == {"base_url": "http://127.0.0.1:1/v1", "model": MODEL, "mode": "json_schema",
                        "temperature": 0.3, "max_tokens": 77}
    assert_key_kept_out(client)


@pytest.mark.parametrize(
    ("base_url", "mode"),
    [
        (None, "tools"),
        ("https://api.openai.com/v1", "tools"),
        ("HTTPS://API.OPENAI.COM/V1", "tools"),
        ("https://api.deepseek.com/v1", "tools"),
        ("https://dashscope.aliyuncs.com/compatible-mode/v1", "tools"),
        ("http://localhost:11434/v1", "json"),
        ("http://ollama.internal/v1", "json"),
        ("http://127.0.0.1:8080/v1", "json_schema"),  # llama.cpp server
        ("http://vllm.local:8000/v1", "json_schema"),
    ],
)
def test_default_mode(base_url: str | None, mode: str) -> None:
    assert default_mode(base_url) == mode
    client = OpenAICompatibleClient(base_url=base_url, api_key=None, model=MODEL)
    assert client.mode == mode


_REQUEST = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")


def _status_error(cls: type[openai.APIStatusError], status: int) -> openai.APIStatusError:
    response = httpx.Response(status, request=_REQUEST, json={"error": {"message": "x"}})
    return cls(f"Error code: {status}", response=response, body=None)


def _invalid_answer() -> BaseException:
    retry_exception: Any = InstructorRetryException  # its constructor differs between instructor releases
    exc: BaseException = retry_exception("invalid", last_completion=None, messages=[], n_attempts=3,
                                         total_usage=None)
    return exc


@pytest.mark.parametrize(
    ("exc", "retryable"),
    [
        (openai.APITimeoutError(request=_REQUEST), True),
        (openai.APIConnectionError(request=_REQUEST), True),
        (_status_error(openai.RateLimitError, 429), True),
        (_status_error(openai.InternalServerError, 500), True),
        (_status_error(openai.InternalServerError, 502), True),
        (_status_error(openai.APIStatusError, 503), True),
        (_status_error(openai.BadRequestError, 400), False),
        (_status_error(openai.AuthenticationError, 401), False),
        (_status_error(openai.PermissionDeniedError, 403), False),
        (_status_error(openai.NotFoundError, 404), False),
        (_status_error(openai.UnprocessableEntityError, 422), False),
        (_status_error(openai.APIStatusError, 409), False),
        (ValueError("not a transport error"), False),
        (_invalid_answer(), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_is_retryable(exc: BaseException, retryable: bool) -> None:
    assert is_retryable(exc) is retryable
