"""The little WSGI base every fake channel API is built on: parse, record, inject failures, route, answer JSON."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

KST = timezone(timedelta(hours=9))

# What a handler returns: (status, JSON body or None) or (status, body, extra headers).
Reply = tuple[int, Any] | tuple[int, Any, dict[str, str]]


def kst_now() -> datetime:
    return datetime.now(KST)


@dataclass
class Recorded:
    """One request as the fake saw it."""

    method: str
    path: str                       # PATH_INFO as received (prefix included)
    query: dict[str, str]           # first value of each query parameter
    body: dict | None               # JSON body, or the form fields, or None
    headers: dict[str, str]         # Title-Case names: 'Authorization', 'X-Cafe24-Api-Version'
    raw_query: str = ""             # QUERY_STRING exactly as sent (what Coupang signs)


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None
    body: dict | None
    path_contains: str


class BadRequest(Exception):
    """Raised inside a handler: answer 400 (or ``status``) with the channel's error body."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class FakeApi:
    """Subclasses set ``routes`` ((METHOD, path regex, handler name), matched after ``prefix`` is taken off when
    present) and ``error_body``/``ip_body``. Handlers are called as ``handler(request, *regex_groups)``."""

    prefix = ""
    routes: tuple[tuple[str, str, str], ...] = ()
    auth_paths: tuple[str, ...] = ()      # token endpoints: fail_next skips them unless path_contains names them

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self.now: Callable[[], datetime] = now or kst_now
        self.requests: list[Recorded] = []
        self.block_ip = False
        self._failures: list[_Failure] = []
        self._lock = threading.RLock()

    # -- for tests ------------------------------------------------------------------------------------------

    def fail_next(self, status: int, *, times: int = 1, retry_after: int | None = None, body: dict | None = None,
                  path_contains: str = "") -> None:
        """The next ``times`` requests whose path contains ``path_contains`` get ``status`` and nothing else. With
        the default ``path_contains=""`` the token endpoint is left alone (so the failure lands on an API call)."""
        self._failures.append(_Failure(status, times, retry_after, body, path_contains))

    def error_body(self, status: int, message: str) -> dict:
        return {"code": status, "message": message}

    def ip_body(self, ip: str) -> dict:
        return self.error_body(403, f"IP not allowed ({ip})")

    # -- WSGI -----------------------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        request = _parse(environ)
        with self._lock:
            self.requests.append(request)
            reply = self._answer(request, environ.get("REMOTE_ADDR") or "127.0.0.1")
        status, body = reply[0], reply[1]
        headers = dict(reply[2]) if len(reply) > 2 else {}
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        if body is not None:
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        headers["Content-Length"] = str(len(data))
        start_response(f"{status} {_phrase(status)}", list(headers.items()))
        return [data]

    def _answer(self, request: Recorded, ip: str) -> Reply:
        for failure in self._failures:
            token_call = any(p in request.path for p in self.auth_paths)
            if failure.times > 0 and failure.path_contains in request.path and (
                    failure.path_contains or not token_call):
                failure.times -= 1
                self._failures = [f for f in self._failures if f.times > 0]
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                body = failure.body if failure.body is not None else self.error_body(
                    failure.status, _phrase(failure.status))
                return failure.status, body, headers
        if self.block_ip:
            return 403, self.ip_body(ip)
        path = request.path
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            path = path[len(self.prefix):]
        allowed = False
        for method, pattern, name in self.routes:
            match = re.fullmatch(pattern, path)
            if match:
                allowed = True
                if method == request.method:
                    try:
                        return getattr(self, name)(request, *match.groups())
                    except BadRequest as e:
                        return e.status, self.error_body(e.status, e.message)
        if allowed:
            return 405, self.error_body(405, f"{request.method} not allowed on {request.path}")
        return 404, self.error_body(404, f"no such path: {request.path}")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _parse(environ: dict) -> Recorded:
    raw_query = environ.get("QUERY_STRING", "")
    query = {k: v[0] for k, v in parse_qs(raw_query, keep_blank_values=True).items()}
    headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    body: dict | None = None
    if raw:
        text = raw.decode("utf-8", "replace")
        if "form-urlencoded" in environ.get("CONTENT_TYPE", ""):
            body = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
        else:
            try:
                body = json.loads(text)
            except ValueError:
                body = {"_raw": text}
    return Recorded(environ.get("REQUEST_METHOD", "GET").upper(), environ.get("PATH_INFO", "") or "/", query, body,
                    headers, raw_query)


def json_body(request: Recorded) -> dict:
    """The request's JSON object, or 400."""
    if not isinstance(request.body, dict) or "_raw" in request.body:
        raise BadRequest("request body must be a JSON object")
    return request.body


def bearer(request: Recorded) -> str:
    value = request.headers.get("Authorization", "")
    return value[7:].strip() if value[:7].lower() == "bearer " else ""


def parse_iso(text: str) -> datetime:
    """ISO-8601 with an offset ('+' may arrive as a space when not percent-encoded); naive means Korea time."""
    text = text.strip()
    if "T" in text:
        text = text.replace(" ", "+")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


__all__ = ["KST", "BadRequest", "FakeApi", "Recorded", "Reply", "bearer", "json_body", "kst_now", "parse_iso"]
