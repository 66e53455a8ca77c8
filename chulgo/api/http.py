"""One kept HTTP client per channel account: timeouts, bounded retries that honour 429/Retry-After, and Korean
messages. A channel that keeps failing raises ApiError; the caller reports it and goes on with other channels."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from chulgo.api import ApiError, retry_after

TRIES = 3                 # one call is tried at most this many times
LONGEST_WAIT = 60.0       # a Retry-After longer than this is not waited for: the run goes on, the next run retries
TIMEOUT = httpx.Timeout(30.0, connect=10.0)

Signer = Callable[[str, str, str], Mapping[str, str]]     # (method, path, query) -> headers


MAX_PAGES = 2000         # a paging loop that never ends is a channel fault, not a reason to run all day


@dataclass
class Http:
    """httpx.Client for one channel account (``transport`` lets tests and the demo talk to the fake servers)."""

    name: str                                  # the account as the seller reads it: '스마트스토어', '카페24 mymall'
    base_url: str
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] | None = None       # None: wait for real (tests pass their own)
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base_url.rstrip("/"), timeout=TIMEOUT, transport=self.transport,
                                   headers={"User-Agent": "chulgo"}, follow_redirects=False)

    def request(self, method: str, path: str, *, params: Mapping[str, object] | None = None,
                json: object = None, data: Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None, sign: Signer | None = None,
                auth_basic: tuple[str, str] | None = None, safe: bool | None = None) -> httpx.Response:
        """Send, retrying a 429 (waiting what Retry-After says) at most TRIES times in all, and a timeout or a 5xx
        too when the call is ``safe`` to repeat (GET, a token, a read by POST). A write that timed out may have
        landed: it is not sent blindly again (the caller asks the channel first). Any other answer is returned as
        is: the channel client reads its own error bodies."""
        safe = method == "GET" if safe is None else safe
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{path}?{query}" if query else path
        pause = self.sleep or _pause
        for attempt in range(1, TRIES + 1):
            sent = dict(headers or {})
            if sign is not None:            # signed again on every try: the signature carries the time
                sent.update(sign(method, path, query))
            try:
                response = self.client.request(method, url, json=json, data=data, headers=sent,
                                               auth=httpx.BasicAuth(*auth_basic) if auth_basic else None)
            except httpx.TimeoutException:
                if attempt == TRIES or not safe:
                    raise ApiError(f"{self.name} API가 응답하지 않습니다 ({attempt}번 시도). 잠시 뒤 다시 실행하세요.") from None
                pause(2.0 ** attempt)
                continue
            except httpx.TransportError as e:
                if attempt == TRIES or not (safe or isinstance(e, httpx.ConnectError)):
                    raise ApiError(f"{self.name} API에 연결하지 못했습니다 ({type(e).__name__}). 인터넷 연결을 확인하고 "
                                   "다시 실행하세요.") from None
                pause(2.0 ** attempt)
                continue
            except httpx.HTTPError as e:
                raise ApiError(f"{self.name} API 호출이 잘못되었습니다 ({type(e).__name__}: {e}).", "bad") from None
            if response.status_code == 429:
                wait = retry_after(response)
                if attempt == TRIES or (wait or 0.0) > LONGEST_WAIT:
                    raise ApiError(f"{self.name} API 호출 한도를 넘었습니다 (429). 다음 실행에서 이어서 합니다.", "rate", 429)
                pause(2.0 ** attempt if wait is None else wait)
                continue
            if response.status_code >= 500:
                if attempt == TRIES or not safe:
                    raise ApiError(f"{self.name} API 서버 오류 ({response.status_code}). 채널 쪽 장애일 수 있습니다. 잠시 뒤 "
                                   "다시 실행하세요.", "down", response.status_code)
                pause(2.0 ** attempt)
                continue
            return response
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.client.close()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def body(response: httpx.Response) -> dict:
    """The JSON object of a response ({} when it is not JSON)."""
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"data": value}
