"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests of the LLM summary engine.

Usage::

    from llmserver import LLMServer, chat_json

    with LLMServer() as server:
        server.queue(chat_json({"quick_read": {"text": "...", "citations": [1]}, ...}))
        summary = summarize_llm(article, LLMConfig(server.base_url, "test-model"))
        assert server.requests[0].body["model"] == "test-model"

Replies are served in the order queued; when the queue is empty the ``default`` reply (a
:class:`ChatReply` or a function of the :class:`SeenChat`) answers, else HTTP 500. Delays wait on
an event that is set on exit, so stopping never waits for a sleeping handler. ``max_in_flight``
records the most requests handled at the same time.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, cast

from localserver import QuietServer, ServerThread


@dataclass(frozen=True, slots=True)
class ChatReply:
    """One scripted answer: ``content`` is wrapped in a chat.completion envelope; ``body`` is sent raw."""

    status: int = 200
    content: str | None = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    def payload(self, model: str) -> bytes:
        if self.body is not None:
            return self.body.encode("utf-8")
        if self.status >= 400:
            return json.dumps({"error": {"message": f"scripted HTTP {self.status}"}}).encode()
        envelope = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.content},
                    "finish_reason": "stop",
                }
            ],
        }
        return json.dumps(envelope, ensure_ascii=False).encode("utf-8")


def chat_json(data: Any, **kwargs: Any) -> ChatReply:
    """A reply whose message content is ``data`` as JSON."""
    return ChatReply(content=json.dumps(data, ensure_ascii=False), **kwargs)


@dataclass(frozen=True, slots=True)
class SeenChat:
    """A request as the server received it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def content_of(self, role: str) -> str:
        return "\n".join(m["content"] for m in self.body.get("messages", []) if m.get("role") == role)


Responder = ChatReply | Callable[[SeenChat], ChatReply]


class LLMServer(ServerThread):
    """Context manager running the scripted server on a free port of 127.0.0.1."""

    def __init__(self, default: Responder | None = None) -> None:
        super().__init__(_Handler, name="llmserver")
        self.default = default
        self.requests: list[SeenChat] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._replies: deque[Responder] = deque()

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def queue(self, *replies: Responder) -> None:
        with self._lock:
            self._replies.extend(replies)

    def __enter__(self) -> LLMServer:
        self.start()
        return self

    def _begin(self, seen: SeenChat) -> ChatReply:
        with self._lock:
            self.requests.append(seen)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            responder = self._replies.popleft() if self._replies else self.default
        if responder is None:
            return ChatReply(status=500)
        return responder if isinstance(responder, ChatReply) else responder(seen)

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: QuietServer

    def do_POST(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        owner = cast(LLMServer, self.server.owner)
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {}
        seen = SeenChat(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        if self.path != "/v1/chat/completions":
            self._send(ChatReply(status=404), "")
            return
        reply = owner._begin(seen)
        try:
            if reply.delay_s and owner._stopping.wait(reply.delay_s):
                return
            self._send(reply, str(body.get("model", "")))
        finally:
            owner._end()

    def _send(self, reply: ChatReply, model: str) -> None:
        payload = reply.payload(model)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature fixed by base
        pass
