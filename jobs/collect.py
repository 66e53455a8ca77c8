"""collect: read every channel export in inbox/ into the ledger."""

from __future__ import annotations

from dataclasses import replace

from chulgo.ledger import CollectReport, order_time_key
from chulgo.model import OrderLine, Problem
from chulgo.progress import shown
from jobs.channel_api import confirm_orders, pull_orders, store_orders
from jobs.context import Context
from jobs.waiting import sort_open_lines, update_unmapped


def collect(ctx: Context) -> None:
    report, ledger = ctx.report, ctx.ledger
    files = ctx.inbox_files()
    book = ctx.mapping()
    pulled = pull_orders(ctx)           # channel APIs: the calls happen before the ledger is locked for writing
    done_files = []
    with ledger.transaction():
        run_id = ledger.start_run("collect")
        ctx.report_unusable(files)
        for f in shown(files, "주문 파일 읽는 중"):
            if f.error or not f.tables:
                continue
            if not any(kind == "orders" for kind, _, _ in f.tables):
                continue                      # a courier result: the tracking step reads it
            if ledger.file_seen(f.sha):
                report.done.append(f"{f.name}: 이미 읽은 파일입니다 — 다시 넣지 않고 보관함으로 옮깁니다.")
                done_files.append(f.path)
                continue
            channel, lines, problems = f.read("orders")
            problems += _conflicting_keys(lines)
            lines = list({(line.channel, line.line_key): line for line in lines}.values())
            if problems:
                for p in problems:
                    report.problem(p)
                report.waiting.append(f"{f.name}: 읽지 못한 줄이 있어 이 파일의 주문은 하나도 넣지 않고 inbox에 둡니다. "
                                      "위의 행을 고치거나 채널에서 다시 내려받아 넣으세요.")
                continue
            result = ledger.upsert_lines(lines, f.sha, max((order_time_key(l.ordered_at) for l in lines), default=""))
            name = channel.name
            report.done.append(f"{f.name}: {name} {len(lines)}줄 (새 주문 {result.new}, 바뀐 주문 {result.updated})")
            if getattr(channel, "lists_open_orders", False):
                _hold_vanished(ctx, channel, lines, f.name, result.previous_files)
            _report_changes(ctx, result, f.name)
            ledger.record_file(f.sha, f.name, "orders", name, len(lines), run_id)
            done_files.append(f.path)
        for result, source in store_orders(ctx, pulled):
            _report_changes(ctx, result, source)
        update_unmapped(ctx, book, sort_open_lines(ctx, book))
        ledger.finish_run(run_id, "; ".join(report.done))
    for path in done_files:
        ctx.archive(path)
    confirm_orders(ctx, book)


def _report_changes(ctx: Context, result: CollectReport, source: str) -> None:
    """What a newer export (or API sync) changed on known lines, said the way the seller acts on it."""
    report = ctx.report
    for ch, key in result.cancelled:
        report.waiting.append(f"{ctx.channel_name(ch)} {key}: 채널에서 취소되어 출고하지 않습니다.")
    for ch, key in result.reopened:
        report.done.append(f"{ctx.channel_name(ch)} {key}: 채널에서 다시 살아난 주문(취소철회·보류 해제)이라 출고 대상으로 "
                           "되돌렸습니다.")
    for ch, key, claim in result.claim_after_print:
        report.problem(Problem("claim_after_print", f"{ctx.channel_name(ch)} {key}: 송장 출력 후 '{claim}' — "
                               "포장 전이면 빼고, 이미 보냈다면 채널에서 회수 처리하세요. 송장 업로드에서는 뺍니다. "
                               f"정리한 뒤 'uv run run.py cancelled {key}'.", source))
    for ch, key, claim in result.returns:
        report.waiting.append(f"반품: {ctx.channel_name(ch)} {key} ('{claim}') — 송장 업로드 후의 요청이라 반품 목록에 "
                              "올렸습니다 (현황.xlsx '반품').")
    for ch, key in result.address_after_print:
        report.problem(Problem("address_after_print", f"{ctx.channel_name(ch)} {key}: 송장 출력 후 배송지가 바뀌었습니다. "
                               "택배사에 주소 변경을 요청하세요.", source))


def _hold_vanished(ctx: Context, channel, lines: list[OrderLine], file_name: str, previous: set[str]) -> None:
    """Open lines this export should list (ordered within its time span) but does not: the channel dropped them
    (쿠팡 DeliveryList drops cancelled orders). They are held and listed, never shipped silently."""
    times = sorted(t for t in (order_time_key(line.ordered_at) for line in lines) if t)
    if not times:
        return
    gone = ctx.ledger.hold_vanished(channel.id, {line.line_key for line in lines}, times[0], times[-1], previous)
    for key in gone:
        ctx.report.waiting.append(f"{channel.name} {key}: 새 주문 파일 {file_name}에 없습니다 (채널 목록에서 사라짐) — "
                                  "출고하지 않고 보류합니다. 채널에서 취소되었는지 확인하세요.")


def _conflicting_keys(lines: list[OrderLine]) -> list[Problem]:
    """A line key twice in one file with different content: the key does not tell lines apart, so nothing is guessed."""
    seen: dict[tuple[str, str], OrderLine] = {}
    out = []
    for line in lines:
        key = (line.channel, line.line_key)
        first = seen.setdefault(key, line)
        if first is not line and replace(first, source_row=0) != replace(line, source_row=0):
            out.append(Problem("duplicate_key", f"주문 줄 번호 {line.line_key}이(가) {first.source_row}행과 겹치는데 내용이 "
                               "다릅니다. 줄을 구별하는 열이 빠진 다운로드인지 확인하고 채널에서 전체 항목으로 다시 내려받으세요.",
                               line.source, line.layout.sheet if line.layout else "", line.source_row))
    return out
