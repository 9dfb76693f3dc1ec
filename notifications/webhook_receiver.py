"""A local stand-in for a Teams Workflows webhook, for the test suite and the demo.

It checks what Teams checks before a card reaches a channel: a JSON "message" with an Adaptive Card
attachment, card schema version 1.4 or lower, the message under about 28 KB (413 otherwise) and
only Action.OpenUrl actions; it answers 202 like the Workflows trigger, or, on demand, 429 (with
Retry-After), 500, 404/410, or nothing for a while (a hanging webhook). `manage.py
teams_receiver` runs one for the demo channel."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BYTES = 28 * 1024
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def card_problems(raw: bytes) -> list[str]:
    """What is wrong with a webhook body by the Teams rules above (empty: it would post)."""
    if len(raw) > MAX_BYTES:
        return [f"message is {len(raw)} bytes, over the {MAX_BYTES} limit"]
    try:
        payload = json.loads(raw)
    except ValueError:
        return ["body is not JSON"]
    problems = []
    if payload.get("type") != "message":
        problems.append('type must be "message"')
    attachments = payload.get("attachments") or []
    if not attachments:
        return [*problems, "no attachments"]
    for attachment in attachments:
        if attachment.get("contentType") != CARD_TYPE:
            problems.append(f"contentType must be {CARD_TYPE}")
        card = attachment.get("content") or {}
        if card.get("type") != "AdaptiveCard":
            problems.append('content.type must be "AdaptiveCard"')
        try:
            major, minor = (int(p) for p in str(card.get("version", "")).split(".")[:2])
        except ValueError:
            problems.append("card version missing")
        else:
            if (major, minor) > (1, 4):
                problems.append(f"card version {card['version']} is above 1.4")
        if not card.get("body"):
            problems.append("card body is empty")
        for action in card.get("actions", []):
            if action.get("type") != "Action.OpenUrl":
                problems.append(f"{action.get('type')} is not supported from a webhook")
            elif not str(action.get("url", "")).startswith(("https://", "http://")):
                problems.append("Action.OpenUrl needs an absolute URL")
    return problems


@dataclass
class Received:
    path: str
    payload: dict
    size: int


@dataclass
class WebhookReceiver:
    """Run with start(); `url(path)` is a webhook URL; `answers` is a queue of (status, headers,
    delay seconds) to give instead of 202, one per request; `received` lists accepted cards."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)
    answers: list[tuple[int, dict, float]] = field(default_factory=list)
    requests_seen: int = 0

    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in tests
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests_seen += 1
                if receiver.answers:
                    status, headers, delay = receiver.answers.pop(0)
                    if delay:
                        time.sleep(delay)
                    self._answer(status, headers, b"forced answer")
                    return
                problems = card_problems(raw)
                if problems:
                    status = 413 if "limit" in problems[0] else 400
                    receiver.rejected.append((status, problems))
                    self._answer(status, {}, "; ".join(problems).encode())
                    return
                receiver.received.append(Received(self.path, json.loads(raw), len(raw)))
                self._answer(202, {}, b"")

            def _answer(self, status, headers, body):
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a hanging-webhook test)

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str = "/workflows/hook") -> str:
        return f"http://{self.netloc}{path}?sig=local"

    def cards(self) -> list[dict]:
        return [r.payload["attachments"][0]["content"] for r in self.received]
