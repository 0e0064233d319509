"""A stand-in for an agency's own system: a real HTTP server on 127.0.0.1 in a thread.

Each test gives it a ``respond(request) -> (status, content_type, body)`` function; every
request it receives is recorded (method, path, query, headers, body) for the assertions."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aduan.api.keys import api_key_issue
from aduan.dispatch.services import delivery_route_save


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class AgencySystem:
    respond: callable
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "AgencySystem":
        system = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Received(self.command, parts.path, parse_qs(parts.query),
                                   {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                system.received.append(request)
                status, content_type, body = system.respond(request)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def webhook_route(actor, agency, url: str, **extra):
    """A webhook route through the settings service; returns (route, secret)."""
    return delivery_route_save(actor=actor, agency=agency, category=None, method="webhook", endpoint_url=url, **extra)


def agency_key(actor, agency, name: str = "Aplikasi instansi"):
    return api_key_issue(actor=actor, agency=agency, name=name)
