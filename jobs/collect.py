"""collect: read every channel export in inbox/ into the ledger."""

from __future__ import annotations

from dataclasses import replace

from chulgo.identify import InputFile
from chulgo.ledger import CollectReport, order_time_key
from chulgo.model import OrderLine, Problem
from chulgo.progress import shown
from jobs.channel_api import confirm_orders, pull_orders, store_orders
from jobs.context import Context
from jobs.waiting import sorted_lines, update_unmapped


def collect(ctx: Context) -> None:
    report, ledger = ctx.report, ctx.ledger
    files = ctx.inbox.files()
    for f in files:                           # a courier result waits for the tracking step (in `daily`, after ship):
        f.release(tracking=True)              # its parsed cells need not stay meanwhile; tracking parses it again
    book = ctx.mapping()
    pulled = pull_orders(ctx)           # channel APIs: the calls happen before the ledger is locked for writing
    done_files = []
    with ledger.transaction():
        run_id = ledger.start_run("collect")
        ctx.report_unusable(files)
        for f in shown(files, "주문 파일 읽는 중"):
            if f.error or not f.orders:
                continue                      # unusable, a claim list (below) or a courier result (the tracking step)
            if _read_orders(ctx, f, run_id):
                done_files.append(f.path)
        for result, source in store_orders(ctx, pulled):
            _report_changes(ctx, result, source)
        for f in files:                       # claim lists after the orders they are about
            if not f.error and f.claims:
                if _read_claims(ctx, f, run_id):
                    done_files.append(f.path)
            f.release()                       # read (or never to be read here): its parsed cells go
        update_unmapped(ctx, book, sorted_lines(ctx, book))
        ledger.finish_run(run_id, "; ".join(report.done))
    for path in done_files:
        ctx.archive(path)
    confirm_orders(ctx, book)


def _read_orders(ctx: Context, f: InputFile, run_id: int) -> bool:
    """A channel export into the ledger; True when the file is done (to archive). Its lines live only while it is
    read: the next file and the sort after them do not carry them too."""
    report, ledger = ctx.report, ctx.ledger
    if ledger.file_seen(f.sha):
        report.done.append(f"{f.name}: 이미 읽은 파일입니다 — 다시 넣지 않고 보관함으로 옮깁니다.")
        return True
    channel, lines, problems = f.read_orders()
    problems += _conflicting_keys(lines)
    lines = list({(line.channel, line.line_key): line for line in lines}.values())
    if problems:
        for p in problems:
            report.problem(p)
        report.waiting.append(f"{f.name}: 읽지 못한 줄이 있어 이 파일의 주문은 하나도 넣지 않고 inbox에 둡니다. "
                              "위의 행을 고치거나 채널에서 다시 내려받아 넣으세요.")
        return False
    times = [order_time_key(line.ordered_at) for line in lines]
    result = ledger.upsert_lines(lines, f.sha, max(times, default=""))
    name = channel.name
    report.done.append(f"{f.name}: {name} {len(lines)}줄 (새 주문 {result.new}, 바뀐 주문 {result.updated})")
    if getattr(channel, "lists_open_orders", False):
        _hold_vanished(ctx, channel, lines, [t for t in times if t], f.name, result.previous_files)
    _report_changes(ctx, result, f.name)
    ledger.record_file(f.sha, f.name, "orders", name, len(lines), run_id)
    return True


def _read_claims(ctx: Context, f: InputFile, run_id: int) -> bool:
    """A channel's 반품·교환 list into the ledger; True when the file is done (to archive)."""
    report, ledger = ctx.report, ctx.ledger
    if ledger.file_seen(f.sha):
        report.done.append(f"{f.name}: 이미 읽은 반품·교환 목록입니다 — 보관함으로 옮깁니다.")
        return True
    layout, claims, problems = f.read_claims()
    if problems:
        for p in problems:
            report.problem(p)
        report.waiting.append(f"{f.name}: 읽지 못한 줄이 있어 이 목록은 넣지 않고 inbox에 둡니다.")
        return False
    result = ledger.record_claims(claims)
    channel = ctx.channel_name(layout.channel)
    report.done.append(f"{f.name}: {layout.name} {len(claims)}줄 (새 반품 {len(result.returns)}, 교환 재발송 "
                       f"{len(result.exchanges)}, 철회 {len(result.withdrawn)})"
                       + ("" if layout.verified else " — 이 목록의 열 이름은 아직 실제 파일로 확인되지 않았습니다[확인 필요]. "
                          "줄이 맞는지 현황.xlsx '반품'에서 한 번 확인하세요."))
    for c in result.returns:
        report.waiting.append(f"반품: {channel} {c.line_key} ('{c.claim}') — 물건이 오면 'uv run run.py returns 입고 "
                              f"{c.line_key}' (불량이면 '불량'). 현황.xlsx '반품'.")
    for x in result.exchanges:
        report.done.append(f"교환: {channel} {x.line_key} — 새 상품을 보낼 줄 {x.replacement}을(를) 만들었습니다 (다음 출고에 "
                           "한 번 나갑니다; 회수한 물건은 'returns 입고').")
    for c in result.printed:
        report.problem(Problem("claim_after_print", f"{channel} {c.line_key}: 송장 출력 후 '{c.claim}' — 포장 전이면 빼고, "
                               "이미 보냈다면 채널에서 회수 처리하세요. 송장 업로드에서는 뺍니다.", f.name))
    for w in result.withdrawn_received:
        report.problem(Problem("return_withdrawn", f"{channel} {w.line_key}: 이미 입고한 반품이 채널에서 철회·거부되었습니다. "
                               "물건을 구매자에게 다시 보낼지 채널과 확인하고, 보낸다면 상품 시트의 재고를 새로 센 값으로 고치세요.",
                               f.name))
    for c in result.held:
        report.waiting.append(f"{channel} {c.line_key}: 출고 전에 '{c.claim}' — 출고하지 않고 보류합니다.")
    if result.unknown:
        keys = ", ".join(c.line_key or c.order_no for c in result.unknown[:5])
        report.waiting.append(f"{f.name}: 장부에 없는 주문의 클레임 {len(result.unknown)}줄은 건너뜁니다 ({keys}"
                              + (" …" if len(result.unknown) > 5 else "") + ") — 이 프로그램 전에 보낸 주문이면 그대로 두세요.")
    ledger.record_file(f.sha, f.name, "claims", layout.name, len(claims), run_id)
    return True


def _report_changes(ctx: Context, result: CollectReport, source: str) -> None:
    """What a newer export (or API sync) changed on known lines, said the way the seller acts on it."""
    report = ctx.report
    for d in result.cancelled:
        report.waiting.append(f"{ctx.channel_name(d.channel)} {d.line_key}: 채널에서 취소되어 출고하지 않습니다.")
    for d in result.reopened:
        report.done.append(f"{ctx.channel_name(d.channel)} {d.line_key}: 채널에서 다시 살아난 주문(취소철회·보류 해제)이라 "
                           "출고 대상으로 되돌렸습니다.")
    for c in result.claim_after_print:
        report.problem(Problem("claim_after_print", f"{ctx.channel_name(c.channel)} {c.line_key}: 송장 출력 후 '{c.claim}' — "
                               "포장 전이면 빼고, 이미 보냈다면 채널에서 회수 처리하세요. 송장 업로드에서는 뺍니다. "
                               f"정리한 뒤 'uv run run.py cancelled {c.line_key}'.", source))
    for c in result.returns:
        report.waiting.append(f"반품: {ctx.channel_name(c.channel)} {c.line_key} ('{c.claim}') — 송장 업로드 후의 요청이라 "
                              "반품 목록에 올렸습니다 (현황.xlsx '반품').")
    for d in result.address_after_print:
        report.problem(Problem("address_after_print", f"{ctx.channel_name(d.channel)} {d.line_key}: 송장 출력 후 배송지가 "
                               "바뀌었습니다. 택배사에 주소 변경을 요청하세요.", source))


def _hold_vanished(ctx: Context, channel, lines: list[OrderLine], times: list[str], file_name: str,
                   previous: set[str]) -> None:
    """Open lines this export should list (ordered within its time span: ``times``, its lines' readable order
    time keys) but does not: the channel dropped them (쿠팡 DeliveryList drops cancelled orders). They are held
    and listed, never shipped silently."""
    if not times:
        return
    gone = ctx.ledger.hold_vanished(channel.id, {line.line_key for line in lines}, min(times), max(times), previous)
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
