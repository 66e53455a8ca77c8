"""Every move of chulgo/states.py TRANSITIONS, made the way the tool makes it: through the Ledger method that does it.
Every other move is refused by the ledger's trigger, whatever writes it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

import pytest

from chulgo.claims import Claim
from chulgo.ledger import Ledger
from chulgo.model import Item, OrderLine, ParcelLine, Recipient, Shipment
from chulgo.states import (BATCHED, CANCELLED, CLOSED, CONFIRMED, HELD, HOLD_CHANNEL, HOLD_VANISHED, INVOICED, NEW,
                           RETURNED, STATES, TRACKED, TRANSITIONS)

CHANNEL, KEY, PARCEL = "smartstore", "2026112112345601", "P-1"
DAY = "2026-11-23"
ORDERED_KEY = "20261121130040"


def _line(status: str = "결제완료", status_class: str = "", key: str = KEY) -> OrderLine:
    """The line as a channel lists it; ``status_class`` is what its template makes of the status."""
    return OrderLine(CHANNEL, key, "2026112112345600", "B-1", "P-1", "OPT-1", "코튼 팬츠", "회색, XL", 1,
                     Recipient("김하나", "010-1234-5678", "", "04524", "서울특별시 중구 세종대로 110"), status,
                     status_class, "2026-11-21 13:00:40")


ACTIVE = _line()
ON_HOLD = _line("발송지연 보류", "hold")
CANCELLED_BY_CHANNEL = _line("취소완료", "cancelled")
DONE_AT_CHANNEL = _line("배송완료", "closed")
RETURN_ASKED = _line("반품요청", "cancelled")


def _claim(kind: str = "return", withdrawn: bool = False) -> Claim:
    return Claim(CHANNEL, KEY, kind, "단순변심", "buyer", 3000, "CJ대한통운", "612300000001", withdrawn, "반품관리.xlsx", 2)


class Shop:
    """A ledger and one line of it, moved only by Ledger methods (each call one transaction, as a run makes it)."""

    def __init__(self) -> None:
        self.ledger = Ledger(":memory:", parcel_code="TST")
        ticks = count()
        self.ledger.clock = lambda: datetime(2026, 11, 23, 9) + timedelta(seconds=next(ticks))
        self.key = KEY

    def state(self, key: str | None = None) -> str:
        return self.ledger.db.execute("SELECT state FROM lines WHERE channel = ? AND line_key = ?",
                                      (CHANNEL, key or self.key)).fetchone()[0]

    def hold_reason(self) -> str:
        return self.ledger.db.execute("SELECT hold_reason FROM lines WHERE channel = ? AND line_key = ?",
                                      (CHANNEL, self.key)).fetchone()[0]

    # -- the Ledger methods, one run step each --------------------------------------------------------------

    def upsert(self, line: OrderLine, file_id: str = "", file_time: str = "") -> None:
        """A newer export (or API read) lists the line so."""
        with self.ledger.transaction():
            self.ledger.upsert_lines([line], file_id, file_time)

    def ship(self) -> None:
        with self.ledger.transaction():
            batch = self.ledger.new_batch(DAY, "cj")
            self.ledger.add_shipments([Shipment(PARCEL, batch.batch_id, "cj", ACTIVE.recipient,
                                                (ParcelLine(CHANNEL, KEY, ACTIVE.order_no, ACTIVE.product_name,
                                                            ACTIVE.option_text, 1, (Item("SKU-1", 1),)),))])

    def void(self) -> None:
        with self.ledger.transaction():
            self.ledger.void_shipments([PARCEL])

    def track(self) -> None:
        with self.ledger.transaction():
            self.ledger.attach_tracking([("cj", "612345678901", PARCEL, "cj.xlsx")])

    def invoice(self) -> None:
        with self.ledger.transaction():
            self.ledger.mark_invoiced(self.ledger.lines_to_invoice(), DAY, 1, "스마트스토어_송장업로드_20261123_1차.xlsx")

    def push(self) -> None:
        with self.ledger.transaction():
            self.ledger.mark_pushed(self.ledger.lines_to_invoice(), DAY, "스마트스토어 API 전송")

    def claims(self, *claims: Claim) -> None:
        with self.ledger.transaction():
            self.ledger.record_claims(list(claims))

    def settle(self) -> None:
        """The seller: `uv run run.py cancelled <key>`."""
        with self.ledger.transaction():
            assert self.ledger.settle_cancellations([KEY])

    def vanish(self) -> None:
        """A newer download of the same list no longer lists the line (쿠팡 drops cancelled orders)."""
        with self.ledger.transaction():
            assert self.ledger.hold_vanished(CHANNEL, set(), ORDERED_KEY, ORDERED_KEY, {"a" * 16}) == [KEY]

    def unlisted(self) -> None:
        """The channel's API no longer knows the line."""
        with self.ledger.transaction():
            assert self.ledger.hold_unlisted(CHANNEL, [KEY], ORDERED_KEY).held == (KEY,)


# How a line gets into each state, through the methods (used to reach a move's from-state).
REACH: dict[str, Callable[[Shop], None]] = {
    NEW: lambda s: s.upsert(ACTIVE, "a" * 64),
    HELD: lambda s: (REACH[NEW](s), s.upsert(ON_HOLD)),
    CANCELLED: lambda s: (REACH[NEW](s), s.upsert(CANCELLED_BY_CHANNEL)),
    CLOSED: lambda s: (REACH[NEW](s), s.upsert(DONE_AT_CHANNEL)),
    BATCHED: lambda s: (REACH[NEW](s), s.ship()),
    TRACKED: lambda s: (REACH[BATCHED](s), s.track()),
    INVOICED: lambda s: (REACH[TRACKED](s), s.invoice()),
    CONFIRMED: lambda s: (REACH[INVOICED](s), s.upsert(DONE_AT_CHANNEL)),
    RETURNED: lambda s: (REACH[INVOICED](s), s.upsert(RETURN_ASKED)),
}


def _exchange_replacement_cancelled(s: Shop) -> None:
    """An exchange of an uploaded line made its replacement line (`<key>#교환`), then the buyer withdrew it: the
    replacement, not shipped yet, is cancelled. The line under test is the replacement."""
    REACH[INVOICED](s)
    s.claims(_claim("exchange"))
    s.key = f"{KEY}#교환"
    assert s.state() == NEW
    s.claims(_claim("exchange", withdrawn=True))


@dataclass(frozen=True)
class Move:
    start: str
    end: str
    method: str                          # the Ledger method that makes the move
    drive: Callable[[Shop], None]
    reach: Callable[[Shop], None] | None = None   # how the line gets to ``start`` when not REACH[start]


MOVES = [
    Move(NEW, HELD, "upsert_lines", lambda s: s.upsert(ON_HOLD)),
    Move(NEW, HELD, "record_claims", lambda s: s.claims(_claim())),
    Move(NEW, HELD, "hold_vanished", Shop.vanish),
    Move(NEW, HELD, "hold_unlisted", Shop.unlisted),
    Move(NEW, CANCELLED, "upsert_lines", lambda s: s.upsert(CANCELLED_BY_CHANNEL)),
    Move(NEW, CANCELLED, "record_claims", lambda s: s.claims(_claim("exchange", withdrawn=True)),
         lambda s: (REACH[INVOICED](s), s.claims(_claim("exchange")), setattr(s, "key", f"{KEY}#교환"))),
    Move(NEW, CLOSED, "upsert_lines", lambda s: s.upsert(DONE_AT_CHANNEL)),
    Move(NEW, BATCHED, "add_shipments", Shop.ship),
    Move(HELD, NEW, "upsert_lines", lambda s: s.upsert(ACTIVE)),
    Move(HELD, NEW, "record_claims", lambda s: s.claims(_claim(withdrawn=True)),
         lambda s: (REACH[NEW](s), s.claims(_claim()))),
    Move(HELD, CANCELLED, "upsert_lines", lambda s: s.upsert(CANCELLED_BY_CHANNEL)),
    Move(HELD, CANCELLED, "settle_cancellations", Shop.settle, lambda s: (REACH[NEW](s), s.vanish())),
    Move(HELD, CLOSED, "upsert_lines", lambda s: s.upsert(DONE_AT_CHANNEL)),
    Move(CANCELLED, NEW, "upsert_lines", lambda s: s.upsert(ACTIVE)),
    Move(CANCELLED, NEW, "record_claims", lambda s: s.claims(_claim("exchange")), _exchange_replacement_cancelled),
    Move(CANCELLED, HELD, "upsert_lines", lambda s: s.upsert(ON_HOLD)),
    Move(CANCELLED, CLOSED, "upsert_lines", lambda s: s.upsert(DONE_AT_CHANNEL)),
    Move(BATCHED, TRACKED, "attach_tracking", Shop.track),
    Move(BATCHED, NEW, "void_shipments", Shop.void),
    Move(BATCHED, HELD, "void_shipments", Shop.void, lambda s: (REACH[BATCHED](s), s.upsert(ON_HOLD))),
    Move(BATCHED, CLOSED, "void_shipments", Shop.void, lambda s: (REACH[BATCHED](s), s.upsert(DONE_AT_CHANNEL))),
    Move(BATCHED, CANCELLED, "void_shipments", Shop.void,
         lambda s: (REACH[BATCHED](s), s.upsert(CANCELLED_BY_CHANNEL))),
    Move(BATCHED, CANCELLED, "settle_cancellations", Shop.settle,
         lambda s: (REACH[BATCHED](s), s.upsert(CANCELLED_BY_CHANNEL))),
    Move(TRACKED, INVOICED, "mark_invoiced", Shop.invoice),
    Move(TRACKED, INVOICED, "mark_pushed", Shop.push),
    Move(TRACKED, CANCELLED, "settle_cancellations", Shop.settle,
         lambda s: (REACH[TRACKED](s), s.upsert(CANCELLED_BY_CHANNEL))),
    Move(INVOICED, CONFIRMED, "upsert_lines", lambda s: s.upsert(DONE_AT_CHANNEL)),
    Move(INVOICED, RETURNED, "upsert_lines", lambda s: s.upsert(RETURN_ASKED)),
    Move(INVOICED, RETURNED, "record_claims", lambda s: s.claims(_claim())),
    Move(CONFIRMED, RETURNED, "upsert_lines", lambda s: s.upsert(RETURN_ASKED)),
    Move(CONFIRMED, RETURNED, "record_claims", lambda s: s.claims(_claim())),
    Move(RETURNED, CONFIRMED, "upsert_lines", lambda s: s.upsert(DONE_AT_CHANNEL)),
    Move(RETURNED, CONFIRMED, "record_claims", lambda s: s.claims(_claim(withdrawn=True)),
         lambda s: (REACH[INVOICED](s), s.claims(_claim()))),
]


def test_every_allowed_move_has_a_method_that_makes_it():
    assert {(m.start, m.end) for m in MOVES} == set(TRANSITIONS)


@pytest.mark.parametrize("move", MOVES, ids=[f"{m.start}->{m.end}:{m.method}" for m in MOVES])
def test_an_allowed_move_through_its_method(move: Move):
    shop = Shop()
    (move.reach or REACH[move.start])(shop)
    assert shop.state() == move.start
    move.drive(shop)
    assert shop.state() == move.end
    assert shop.ledger.count_by_state() == _counted(shop), "the kept counts follow every move"


@pytest.mark.parametrize("state", STATES)
def test_every_state_is_reached_through_the_methods(state: str):
    shop = Shop()
    REACH[state](shop)
    assert shop.state() == state
    assert shop.ledger.count_by_state() == _counted(shop)


def _counted(shop) -> dict[str, int]:
    """Lines per state, counted line by line (what the kept state_counts must say)."""
    return dict(shop.ledger.db.execute("SELECT state, COUNT(*) FROM lines GROUP BY state"))


def test_a_held_line_remembers_why():
    shop = Shop()
    REACH[HELD](shop)
    assert shop.hold_reason() == HOLD_CHANNEL
    shop = Shop()
    REACH[NEW](shop)
    shop.vanish()
    assert shop.hold_reason() == HOLD_VANISHED
    shop.upsert(ACTIVE)                  # listed again by a newer export: back to new
    assert (shop.state(), shop.hold_reason()) == (NEW, "")


REFUSED = sorted((a, b) for a in STATES for b in STATES if a != b and (a, b) not in TRANSITIONS)


@pytest.mark.parametrize(("start", "end"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_a_move_not_in_the_table_is_refused_by_the_trigger(start: str, end: str):
    shop = Shop()
    REACH[start](shop)
    with pytest.raises(sqlite3.IntegrityError, match="line state move not allowed"):
        shop.ledger.db.execute("UPDATE lines SET state = ? WHERE channel = ? AND line_key = ?", (end, CHANNEL, KEY))
    assert shop.state() == start


@pytest.mark.parametrize("state", STATES)
def test_staying_in_a_state_is_no_move(state: str):
    shop = Shop()
    REACH[state](shop)
    shop.ledger.db.execute("UPDATE lines SET state = ?, updated_at = 'x' WHERE channel = ? AND line_key = ?",
                           (state, CHANNEL, KEY))
    assert shop.state() == state


@pytest.mark.parametrize("state", [s for s in STATES if s not in (NEW, HELD, CANCELLED, CLOSED)])
def test_a_line_cannot_start_past_open(state: str):
    shop = Shop()
    REACH[NEW](shop)
    with pytest.raises(sqlite3.IntegrityError, match="a line must start open, cancelled or closed"):
        shop.ledger.db.execute("INSERT INTO lines (channel, line_key, order_no, bundle_key, quantity, state, first_seen_id, "
                               "updated_at) VALUES (?, 'other', 'O', 'B', 1, ?, 1, 'x')", (CHANNEL, state))
