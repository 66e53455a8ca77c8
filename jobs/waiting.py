"""Sort open lines into ready and waiting (unmapped, on hold, no address), and keep 미매핑 up to date."""

from __future__ import annotations

from dataclasses import dataclass, field

from chulgo.mapping import MappingBook, save_unmapped, unmapped_rows
from chulgo.model import Item, OrderLine
from jobs.context import Context


@dataclass
class OpenLines:
    ready: list[tuple[OrderLine, list[Item]]] = field(default_factory=list)
    unmapped: list[OrderLine] = field(default_factory=list)
    held: list[OrderLine] = field(default_factory=list)
    no_address: list[OrderLine] = field(default_factory=list)


def sort_open_lines(ctx: Context, book: MappingBook) -> OpenLines:
    """Every line not yet on a waybill, sorted by what it waits for. Mapping is re-read each run."""
    out = OpenLines()
    for line in ctx.ledger.lines_in_state("new"):
        if line.status_class == "hold":
            out.held.append(line)
            continue
        items = book.items_for(line)
        if items is None:
            out.unmapped.append(line)
        elif not line.recipient.address or not line.recipient.name:
            out.no_address.append(line)
        else:
            out.ready.append((line, items))
    return out


def update_unmapped(ctx: Context, book: MappingBook, lines: OpenLines) -> None:
    """Write 미매핑 to the mapping workbook (or outbox when Excel holds it) and report what waits."""
    for p in book.problems:
        ctx.report.problem(p)
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    rows = unmapped_rows(lines.unmapped, book, names)
    written, note = save_unmapped(book, rows, ctx.out_dir, touch_workbook=not ctx.dry_run)
    if written == book.path:
        ctx.report.done.append(note)
    elif written is not None:
        ctx.report.waiting.append(note)
        ctx.report.outputs.append(written)
    if lines.unmapped:
        ctx.report.waiting.append(
            f"상품 매핑이 없는 주문 {len(lines.unmapped)}줄 ({len(rows)}개 상품) — 상품매핑.xlsx '미매핑' 시트에 SKU를 "
            "적고 다시 실행하면 출고됩니다.")
    if lines.held:
        ctx.report.waiting.append(f"채널에서 보류(취소·반품 요청 등) 중인 주문 {len(lines.held)}줄 — 클레임이 끝나면 다음 수집 때 풀립니다.")
    if lines.no_address:
        ctx.report.waiting.append(f"배송지가 없는 주문 {len(lines.no_address)}줄 — 주소가 들어오면 다음 수집 때 출고됩니다.")
