"""When an order must leave: the channel's own 발송기한 when its export gives one, else N business days after the
order (weekends and Korean public holidays skipped, from the `holidays` package)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:     # imported when a business day is first asked for: most runs never ask
    import holidays

DEFAULT_SHIP_DAYS = 2      # business days after the order when the channel gives no deadline


@lru_cache(maxsize=8)
def korean_holidays(year: int) -> holidays.HolidayBase:
    """Korean public holidays around ``year`` (substitute and lunar ones included), named in Korean."""
    import holidays

    return holidays.country_holidays("KR", years=[year - 1, year, year + 1], language="ko")


def is_business_day(day: date, off: Collection[str] = ()) -> bool:
    """A weekday that is no Korean public holiday (substitute and lunar holidays included) and not in ``off``
    (the seller's extra holidays and 택배 없는 날, as YYYY-MM-DD)."""
    return day.weekday() < 5 and day not in korean_holidays(day.year) and day.isoformat() not in off


def add_business_days(start: date, days: int, off: Collection[str] = ()) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_business_day(day, off):
            days -= 1
    return day


def next_business_day(day: date, off: Collection[str] = ()) -> date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day, off):
        day += timedelta(days=1)
    return day


def key_date(key: str) -> date | None:
    """A `YYYYMMDD…` order-time key (chulgo.ledger.order_time_key) as a date."""
    try:
        return date(int(key[:4]), int(key[4:6]), int(key[6:8])) if len(key) >= 8 else None
    except ValueError:
        return None


def deadline(ship_by_key: str, ordered_key: str, ship_days: int = DEFAULT_SHIP_DAYS,
             off: Collection[str] = ()) -> date | None:
    """The day an open order must be shipped by, or None when neither a deadline nor an order date is known."""
    given = key_date(ship_by_key)
    if given is not None:
        return given
    ordered = key_date(ordered_key)
    return add_business_days(ordered, ship_days, off) if ordered else None
