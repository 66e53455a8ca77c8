"""Channel APIs (스마트스토어, 쿠팡, 카페24): orders in, 발주확인, tracking numbers out — beside the Excel route.

Each client turns the channel's JSON into the same OrderLine an Excel export gives (same line key, codes, names,
recipient), so an order seen both ways is one ledger line. See docs/channel-apis.md for the wire protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from chulgo.model import ChulgoError, OrderLine

KST = timezone(timedelta(hours=9))


class ApiError(ChulgoError):
    """A channel API call that did not work. ``kind``: auth (key wrong or expired), ip (this PC's IP is not
    registered), rate (rate limit), down (no answer, server error), bad (the channel refused the request)."""

    def __init__(self, message: str, kind: str = "down", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.partial: dict[str, str] = {}      # what a call over several chunks got before it failed


@dataclass(frozen=True)
class Fetched:
    """One order line as the API gave it, with the ids the API needs to act on it later."""

    line: OrderLine
    ref: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LineRef:
    """A ledger line as an API call names it."""

    line_key: str
    order_no: str
    ref: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Dispatch:
    """One line's tracking number to send."""

    line: LineRef
    courier: str              # our courier id (cj, lotte …)
    courier_code: str         # the channel's code for it ('' = unknown: refused before sending)
    tracking_no: str
    split: bool = False


class ChannelApi(Protocol):
    account: str              # 'smartstore', 'coupang', 'cafe24:mymall:1'
    channel: str              # the channel id its lines belong to
    name: str                 # as the seller reads it
    by_order_date: bool       # True: orders are listed by order date, so a re-read must reach back to the oldest open line

    def orders(self, since: datetime, until: datetime) -> list[Fetched]: ...

    def confirm(self, lines: list[LineRef]) -> dict[str, str]: ...

    def dispatch(self, items: list[Dispatch]) -> dict[str, str]: ...

    def dispatched(self, lines: list[LineRef]) -> dict[str, str]: ...


def retry_after(response: Any) -> float | None:
    """Seconds a server asks to wait (Retry-After as seconds or an HTTP date, on an httpx or a requests
    response); None when it says nothing."""
    value = str(response.headers.get("Retry-After", "") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def kst(moment: datetime) -> datetime:
    """An aware Korea-time moment (a naive one is taken as Korea time: the seller's PC clock)."""
    return moment.replace(tzinfo=KST) if moment.tzinfo is None else moment.astimezone(KST)


def local_text(iso: str) -> str:
    """'2026-11-23T10:05:00.000+09:00' → '2026-11-23 10:05:00' (the way exports write times)."""
    if not iso:
        return ""
    try:
        return kst(datetime.fromisoformat(iso.replace("Z", "+00:00"))).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso
