"""Fake channel API servers (docs/channel-apis.md) for tests and the demo, and ``serve`` to run them on localhost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from chulgo.fakeapi.base import KST, FakeApi, Recorded
from chulgo.fakeapi.cafe24 import FakeCafe24
from chulgo.fakeapi.coupang import FakeCoupang
from chulgo.fakeapi.naver import FakeNaver

__all__ = ["KST", "FakeApi", "FakeCafe24", "FakeCoupang", "FakeNaver", "Recorded", "serve"]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def serve(apps: dict[str, FakeApi]) -> tuple[dict[str, str], Callable[[], None]]:
    """Run each app on 127.0.0.1 (a free port) in a daemon thread: ({name: 'http://127.0.0.1:PORT'}, stop)."""
    servers, urls = [], {}
    for name, app in apps.items():
        server = make_server("127.0.0.1", 0, app, server_class=_Server, handler_class=_QuietHandler)
        threading.Thread(target=server.serve_forever, name=f"fakeapi-{name}", daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_port}"

    def stop() -> None:
        for server in servers:
            server.shutdown()
            server.server_close()

    return urls, stop
