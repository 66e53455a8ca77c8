"""현황.xlsx's first sheet, '오늘': what to do now, in order, with the file to open — then the day by channel and by
courier, and the last 14 days as a small chart. Pure: it lays out what the status job measured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chulgo.ledger import DayCounts
from chulgo.sheets import STATUS_STYLES, LineChart, Sheet

WEEKDAYS = "월화수목금토일"
WIDE = 6          # the sentence columns A..F; the file or command goes in G


@dataclass(frozen=True)
class Todo:
    text: str            # what to do, with the count
    where: str           # the file to open or the command to run
    urgent: bool = False


@dataclass(frozen=True)
class ChannelRow:
    name: str
    open: int            # not yet on a waybill (ready or waiting)
    waiting: int         # of those, waiting for the seller or the channel
    printed: int         # on a waybill, no tracking number yet
    to_upload: int       # tracked, upload file not made
    uploaded: int        # in an upload file


@dataclass(frozen=True)
class CourierRow:
    name: str
    parcels_today: int
    awaiting_tracking: int


def today_sheet(day: date, todos: list[Todo], problems: int, channels: list[ChannelRow], couriers: list[CourierRow],
                history: dict[str, DayCounts], failure: str = "") -> Sheet:
    """The '오늘' sheet. ``history``: {YYYY-MM-DD: lines collected, shipped and uploaded} per day."""
    rows: list[list[str | int]] = []
    styles: dict[int, str] = {}
    merges: list[tuple[int, int, int, int]] = []

    def add(row: list[str | int], style: str = "", wide: bool = False) -> None:
        if style:
            styles[len(rows)] = style
        if wide:                      # a sentence over the five narrow table columns; the file or command beside it
            merges.append((len(rows), 0, len(rows), WIDE - 1))
            row = row[:1] + [""] * (WIDE - 1) + row[1:]
        rows.append(row)

    urgent = sum(t.urgent for t in todos)
    add([f"{day:%Y-%m-%d} ({WEEKDAYS[day.weekday()]}) 출고 현황"], "title", wide=True)
    if failure:
        add([f"{failure} — 고친 뒤 다시 실행하세요. 이 현황은 실패 전 장부 기준입니다."], "urgent", wide=True)
    add([f"할 일 {len(todos)}건" + (f" (급함 {urgent})" if urgent else "") + f" · 확인할 것 {problems}건"],
        "urgent" if urgent or problems else "", wide=True)
    add([])
    add(["할 일", "열 파일·실행할 명령"], "section", wide=True)
    if not todos:
        add(["✔ 지금 할 일이 없습니다.", ""], "done", wide=True)
    for n, t in enumerate(todos, start=1):
        add([f"{n}. {t.text}", t.where], "urgent" if t.urgent else "todo", wide=True)
    add([])
    add(["채널별", "출고 전", "그중 기다림", "송장 출력", "업로드 전", "업로드함"], "section")
    for c in channels:
        add([c.name, c.open, c.waiting, c.printed, c.to_upload, c.uploaded])
    if not channels:
        add(["아직 주문이 없습니다."], "done")
    add([])
    add(["택배사별", "오늘 송장", "운송장 대기"], "section")
    for c in couriers:
        add([c.name, c.parcels_today, c.awaiting_tracking])
    if not couriers:
        add(["아직 출고가 없습니다."], "done")
    add([])
    add(["최근 14일", "주문 줄", "출고 줄", "업로드 파일 줄"], "section")
    first = len(rows)
    for k in range(13, -1, -1):
        d = (day - timedelta(days=k)).isoformat()
        counts = history.get(d, DayCounts())
        add([d[5:], counts.collected, counts.shipped, counts.uploaded])
    chart = LineChart("최근 14일 (줄 수)", 0, (1, 2, 3), first, len(rows) - 1, f"{chr(ord('A') + WIDE)}{first}")
    return Sheet("오늘", rows, header_rows=0, printable=True, landscape=True, row_styles=styles, styles=STATUS_STYLES,
                 merges=merges, widths={0: 16, 1: 10, 2: 11, 3: 10, 4: 10, 5: 10}, max_width=60, chart=chart)
