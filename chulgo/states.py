"""The line state machine: every state a channel line can be in, the moves allowed between them, and what the
channel's own status (active, hold, cancelled, closed) means in each state.

The ledger stores this table and enforces it (a CHECK on the state column, a trigger on every state change), so a
move not listed here cannot happen even through a bug. Forward only, with deliberate ways back or aside:
a withdrawn cancellation or a released hold (취소철회, 보류 해제 → new), a re-issued waybill (batched → new / held /
cancelled / closed, as the channel now says), a withdrawn return (반품철회 → confirmed), and a cancellation after
printing that the seller settled (`cancelled` command: batched / tracked → cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass

NEW, HELD, CANCELLED, CLOSED = "new", "held", "cancelled", "closed"
BATCHED, TRACKED, INVOICED, CONFIRMED, RETURNED = "batched", "tracked", "invoiced", "confirmed", "returned"

# state -> what the seller reads
STATE_NAMES = {
    NEW: "출고 전",
    HELD: "보류 (채널 클레임·목록에서 사라짐)",
    BATCHED: "송장 출력, 운송장 대기",
    TRACKED: "운송장 받음, 업로드 전",
    INVOICED: "송장 업로드 파일 만듦 또는 API로 보냄",
    CONFIRMED: "채널 발송 확인",
    RETURNED: "업로드 후 반품·취소 요청",
    CANCELLED: "출고 전 취소",
    CLOSED: "우리 출고 아님 (채널에서 끝남)",
}
STATES = tuple(STATE_NAMES)
OPEN_STATES = (NEW, HELD)                         # not yet on a waybill
PRINTED_STATES = (BATCHED, TRACKED)               # on a waybill, not yet uploaded: a claim here is 출력후취소
SHIPPED_STATES = (BATCHED, TRACKED, INVOICED, CONFIRMED, RETURNED)

TRANSITIONS: frozenset[tuple[str, str]] = frozenset({
    (NEW, HELD), (NEW, CANCELLED), (NEW, CLOSED), (NEW, BATCHED),
    (HELD, NEW), (HELD, CANCELLED), (HELD, CLOSED),
    (CANCELLED, NEW), (CANCELLED, HELD), (CANCELLED, CLOSED),      # 취소철회: the channel lists it as active again
    (BATCHED, TRACKED),
    (BATCHED, NEW), (BATCHED, HELD), (BATCHED, CLOSED),           # only by a re-issue (void)
    (TRACKED, INVOICED),
    (BATCHED, CANCELLED), (TRACKED, CANCELLED),                    # 출력후취소 settled: the seller pulled the parcel
    (INVOICED, CONFIRMED), (INVOICED, RETURNED),
    (CONFIRMED, RETURNED),
    (RETURNED, CONFIRMED),                                         # 반품철회
})

# hold reasons (lines.hold_reason)
HOLD_CHANNEL = "channel"          # the channel's status says 보류 / 취소요청 / 반품요청 …
HOLD_VANISHED = "vanished"        # absent from a later export of the same channel that covers its order time
HOLD_REASONS = {HOLD_CHANNEL: "채널 보류", HOLD_VANISHED: "채널 목록에서 사라짐 — 확인"}


@dataclass(frozen=True)
class Move:
    """What a newer export does to a known line: its next state and the claim to remember ('' = none)."""

    state: str
    claim: str = ""
    hold_reason: str = ""


def on_export(state: str, status_class: str, status: str) -> Move:
    """What the channel's status in a newer export means for a line in ``state``.

    ``status_class`` is the template's class of the channel status: '' (active), 'hold', 'cancelled', 'closed'.
    """
    claim = status if status_class in ("cancelled", "hold") else ""
    if state in OPEN_STATES or state == CANCELLED:
        if status_class == "cancelled":
            return Move(CANCELLED)
        if status_class == "closed":
            return Move(CLOSED)
        if status_class == "hold":
            return Move(HELD, hold_reason=HOLD_CHANNEL)
        return Move(NEW)                              # active: new, a released hold, a withdrawn cancellation
    if state in PRINTED_STATES:
        return Move(state, claim)                     # 출력후취소 is a flag: the parcel may already be on the truck
    if state in (INVOICED, CONFIRMED):
        if claim:
            return Move(RETURNED, claim)              # after the upload a cancellation is a return
        return Move(CONFIRMED if status_class == "closed" else state)
    if state == RETURNED:
        return Move(CONFIRMED) if status_class in ("", "closed") else Move(RETURNED, claim)
    return Move(state)                                # closed stays closed


def first_state(status_class: str) -> Move:
    """The state of a line seen for the first time."""
    return _FIRST_STATES.get(status_class, _FIRST_NEW)


# Moves are frozen: one of each, shared by every new line of a collect (a peak day's hundred thousand).
_FIRST_STATES = {"cancelled": Move(CANCELLED), "closed": Move(CLOSED), "hold": Move(HELD, hold_reason=HOLD_CHANNEL)}
_FIRST_NEW = Move(NEW)

