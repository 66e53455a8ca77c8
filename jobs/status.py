"""status: what waits, what is overdue, what is unmapped or on hold; writes the dashboard workbook."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from itertools import chain

from chulgo.claims import KIND_NAMES, PAYER_NAMES
from chulgo.dashboard import ChannelRow, CourierRow, Todo, today_sheet
from chulgo.deadlines import deadline
from chulgo.ledger import Batch
from chulgo.runstate import last_failure
from chulgo.sheets import STATUS_STYLES, Sheet, write_workbook
from chulgo.stock import soldout_listings, stock_rows, stock_sheet, write_soldout_file
from chulgo.states import BATCHED, HELD, NEW, STATE_NAMES, TRACKED
from jobs.context import Context
from jobs.suppliers import late_parcels, recent_parcels, report_late, supplier_sheets, trust_now
from chulgo.readiness import gift_deadline, order_age
from jobs.waiting import report_waiting, sorted_lines



def _age(stamp: str, now: datetime) -> str:
    days = _days_since(stamp, now)
    if days is None:
        return ""
    return f"{days}일" if days else "오늘"


def status(ctx: Context) -> None:
    report, ledger = ctx.report, ctx.ledger
    book = ctx.mapping()
    open_lines = sorted_lines(ctx, book)
    counts = ledger.count_by_state()
    summary: list[list[str | int]] = [["단계", "줄 수"]]
    summary += [[STATE_NAMES.get(s, s), n] for s, n in sorted(counts.items(), key=lambda kv: list(STATE_NAMES).index(kv[0])
                                                               if kv[0] in STATE_NAMES else 99)]
    summary += [["", ""], ["출고 전 — 출고 가능", len(open_lines.ready)], ["출고 전 — 매핑 없음", len(open_lines.unmapped)],
                ["보류 — 채널 보류·목록에서 사라짐", len(open_lines.held)],
                ["출고 전 — 배송지 대기(선물)", len(open_lines.waiting_address)],
                ["출고 전 — 받는분 정보 오류", len(open_lines.bad_recipient)],
                ["출고 전 — 묶음배송 다른 상품 대기", len(open_lines.bundle_waiting)],
                ["출고 전 — 재고 부족", len(open_lines.short)]]

    waiting = [["사유", "채널", "주문 줄 번호", "주문번호", "상품명", "옵션", "수량", "수취인", "주문일시", "지난 날", "자동취소까지"]]
    reasons = ([("매핑 없음", l) for l in open_lines.unmapped] + [(why, l) for l, why in open_lines.held]
               + [("배송지 대기", l) for l in open_lines.waiting_address]
               + [("받는분 정보 오류: " + ", ".join(dict.fromkeys(p.column or "받는분" for p in ps)), l)
                  for l, ps in open_lines.bad_recipient]
               + [(f"묶음배송 다른 상품 {n}줄 대기", l) for l, n in open_lines.bundle_waiting]
               + [(f"결제 후 {m}분 대기", l) for l, m in open_lines.too_fresh]
               + [(f"마감 후 수집 — {d:%m-%d} 출고", l) for l, d in open_lines.next_day]
               + [("재고 부족: " + ", ".join(f"{sku} {n}개" for sku, n in m.items()), l) for l, m in open_lines.short]
               + [("공급사 섞인 세트", l) for l in open_lines.mixed])
    rules = ctx.ship_rules()
    for reason, l in reasons:
        age = order_age(l, ctx.today)
        left = gift_deadline(rules, l)[0] if reason == "배송지 대기" else None
        waiting.append([reason, ctx.channel_name(l.channel), l.line_key, l.order_no, l.product_name, l.option_text,
                        l.quantity, l.recipient.name, l.ordered_at, "" if age is None else f"{age}일",
                        "" if left is None else (f"D-{left}" if left >= 0 else f"{-left}일 지남")])

    claims = [["채널", "주문 줄 번호", "주문번호", "클레임", "단계", "송장번호(우리)"]]
    claims += [[ctx.channel_name(c.line.channel), c.line.line_key, c.line.order_no, c.claim,
                STATE_NAMES.get(c.state, c.state), c.shipment_id or ""] for c in ledger.claims_after_print()]
    details = ledger.claim_details()
    returns = [["채널", "주문 줄 번호", "주문번호", "상품명", "수량", "클레임", "구분", "사유", "배송비 부담", "반품배송비",
                "회수 택배사", "회수 송장번호", "교환 재발송 줄", "송장번호(우리)"]]
    for r in ledger.returns():
        l = r.line
        d = details.get((l.channel, l.line_key))
        returns.append([ctx.channel_name(l.channel), l.line_key, l.order_no, l.product_name, l.quantity, r.claim]
                       + ([KIND_NAMES[d.kind], d.reason, PAYER_NAMES[d.payer], "" if d.fee is None else d.fee,
                           d.pickup_courier, d.pickup_no, d.replacement or ""] if d else [""] * 7)
                       + [r.shipment_id or ""])
    summary += _claim_costs(details, (ctx.today - timedelta(days=30)).isoformat())
    batches = [["출고 묶음", "택배사", "송장", "운송장 받음", "재발행", "파일"]]
    recent = ledger.recent_batches(200)
    batches += [[b.label, f"공급사 {b.supplier}" if b.supplier else ctx.courier_name(b.courier), b.parcels, b.tracked,
                 (ledger.batch(b.reissue_of).label + " 재발행") if b.reissue_of else "", ", ".join(b.files)]
                for b in recent[:60]]
    not_uploaded = [["채널", "주문 줄 번호", "주문번호", "운송장 받은 지"]]
    not_uploaded += [[ctx.channel_name(t.channel), t.line_key, t.order_no, _age(t.tracked_at, ctx.now())]
                     for t in ledger.tracked_not_invoiced()]
    no_tracking = [["송장묶음", "출고일", "수취인"]] + [[parcel.shipment_id, parcel.day, parcel.name]
                                                      for parcel in ledger.waiting_for_tracking()]
    unmatched = [["택배사", "운송장번호", "받는분", "파일", "행", "사유", "읽은 때"]]
    unmatched += [[u.courier, u.tracking_no, u.name, u.source, str(u.source_row or ""), u.reason, u.read_at]
                  for u in ledger.unmatched_tracking()]
    wanted = Counter()
    for l in chain((l for l, _ in open_lines.ready), (l for l, _ in open_lines.short),
                   (l for l, _ in open_lines.bundle_waiting), (l for l, _ in open_lines.too_fresh),
                   (l for l, _ in open_lines.next_day), open_lines.waiting_address,
                   (l for l, _ in open_lines.bad_recipient)):
        for it in book.items_for(l) or []:
            wanted[it.sku] += it.quantity
    stock = stock_rows(open_lines.stock, wanted, book)
    alerts = [r for r in stock if r.state]
    parcels = recent_parcels(ctx)
    trust, late_orders = trust_now(ctx, parcels), late_parcels(ctx, parcels)
    problems = [["위치", "내용", "값"]] + [[p.where(), p.message, p.value] for p in dict.fromkeys(report.problems + book.problems)]

    deadlines = _deadlines(ctx)
    for i, row in enumerate(waiting[1:], start=1):
        due = deadlines.get((reasons[i - 1][1].channel, reasons[i - 1][1].line_key))
        row.append("" if due is None else due.isoformat())
    waiting[0].append("발송기한")
    late = {i for i, row in enumerate(waiting) if i and row[-1] and row[-1] <= ctx.day}
    problem_count = len(problems) - 1
    left = [f.name for f in ctx.inbox.files()]
    todos = _todos(ctx, open_lines, deadlines, problem_count, len(claims) - 1, len(returns) - 1, len(unmatched) - 1,
                   recent, left, len(alerts), late_orders)
    channels, couriers = _by_channel(ctx, open_lines), _by_courier(ctx, recent)
    history = ledger.daily_counts((ctx.today - timedelta(days=13)).isoformat())

    sheets = [today_sheet(ctx.today, todos, problem_count, channels, couriers, history, last_failure(ctx.settings.data)),
              Sheet("요약", summary), Sheet("대기", waiting, row_styles={i: "urgent" for i in late}, styles=STATUS_STYLES),
              Sheet("출력후취소", claims), Sheet("반품", returns), Sheet("출고 묶음", batches),
              stock_sheet(stock), *supplier_sheets(ctx, trust, late_orders), Sheet("업로드 전 송장", not_uploaded),
              Sheet("운송장 대기", no_tracking), Sheet("미매칭 운송장", unmatched),
              Sheet("문제", problems)]
    for sheet in sheets[2:]:
        sheet.hidden = len(sheet.rows) <= 1          # an empty list is hidden; '오늘' says what there is
    path = write_workbook(ctx.out_dir / "현황.xlsx", sheets)
    report.outputs.append(path)
    _soldout_files(ctx, book, stock, alerts)
    _push_dashboard(ctx, sheets)

    parts = [f"{STATE_NAMES.get(s, s)} {n}" for s, n in counts.items()]
    report.done.append("장부: " + (", ".join(parts) if parts else "아직 주문이 없습니다"))
    report_waiting(ctx, open_lines)
    report_late(ctx, late_orders)
    if len(returns) > 1:
        report.waiting.append(f"업로드 후 반품·취소 요청 {len(returns) - 1}줄 — 현황.xlsx '반품' 시트를 보세요.")
    if len(claims) > 1:
        report.waiting.append(f"출력 후 취소·보류 {len(claims) - 1}줄 — 현황.xlsx '출력후취소' 시트를 보세요.")
    if len(not_uploaded) > 1:
        report.waiting.append(f"운송장은 받았지만 업로드 파일을 만들지 않은 줄 {len(not_uploaded) - 1} — 'uv run run.py invoice'.")
    if len(no_tracking) > 1:
        report.waiting.append(f"송장 출력 후 운송장번호를 기다리는 송장 {len(no_tracking) - 1}건 — 택배사 결과 파일을 inbox에 넣으세요.")
    if len(unmatched) > 1:
        report.waiting.append(f"어느 송장인지 맞추지 못한 운송장 {len(unmatched) - 1}건 — '미매칭 운송장' 시트.")
    if left:
        report.waiting.append(f"inbox에 남은 파일 {len(left)}개: {', '.join(left[:5])}")


def _claim_costs(details: dict, since: str) -> list[list[str | int]]:
    """Who pays the return shipping of the last 30 days' claims, in 요약: count and the fees the channels listed."""
    recent = [d for d in details.values() if d.read_at >= since]
    if not recent:
        return []
    rows: list[list[str | int]] = [["", ""], ["반품·교환 배송비 부담 (최근 30일)", "건수 · 금액"]]
    for payer in ("buyer", "seller", ""):
        mine = [d for d in recent if d.payer == payer]
        if mine:
            fees = sum(d.fee or 0 for d in mine)
            rows.append([f"  {PAYER_NAMES[payer]}", f"{len(mine)}건" + (f" · {fees:,}원" if fees else "")])
    return rows


def _deadlines(ctx: Context) -> dict[tuple[str, str], date]:
    """{(channel, line key): the day it must ship} for every line not yet on a waybill."""
    days = ctx.settings.ship_days
    out = {}
    for d in ctx.ledger.open_deadlines():
        due = deadline(d.ship_by, d.ordered, days, ctx.days_off)
        if due is not None:
            out[(d.channel, d.line_key)] = due
    return out


def _todos(ctx: Context, open_lines, deadlines: dict[tuple[str, str], date], problems: int, claims: int,
           returns: int, unmatched: int, batches: list[Batch], left: list[str], soldout: int = 0,
           late_suppliers: list | None = None) -> list[Todo]:
    """What the seller does next, most urgent first, each with the file to open or the command to run."""
    ledger, today = ctx.ledger, ctx.today
    todos: list[Todo] = []
    if problems:
        todos.append(Todo(f"확인할 것 {problems}건 — 고칠 파일·행이 적혀 있습니다", "현황.xlsx '문제' 시트", True))
    late = sum(d < today for d in deadlines.values())
    due_today = sum(d == today for d in deadlines.values())
    if late or due_today:
        todos.append(Todo(f"발송기한 지남 {late}줄, 오늘까지 {due_today}줄 — 먼저 처리하세요", "현황.xlsx '대기' 시트 (빨간 줄)", True))
    if late_suppliers:
        due = sum(d <= today for _, d in late_suppliers)
        names = ", ".join(dict.fromkeys(p.supplier for p, _ in late_suppliers))
        todos.append(Todo(f"공급사 송장 대기 {len(late_suppliers)}건 (오늘까지·지남 {due}건: {names}) — 공급사에 발송 확인",
                          "현황.xlsx '공급사 송장 대기' 시트", due > 0))
    if claims:
        todos.append(Todo(f"출력 후 취소 {claims}줄 — 포장에서 빼거나 회수한 뒤 정리",
                          "'출력후취소' 시트 · 그다음: uv run run.py cancelled 주문번호", True))
    if open_lines.ready:
        todos.append(Todo(f"출고 가능 {len(open_lines.ready)}줄 — 피킹리스트·송장요청 파일 만들기", "uv run run.py ship"))
    if open_lines.unmapped:
        todos.append(Todo(f"미매핑 {len(open_lines.unmapped)}줄 — SKU 입력", f"{ctx.mapping_store.name} '미매핑' 시트"))
    if soldout:
        todos.append(Todo(f"품절·품절 임박 {soldout}개 상품 — 채널에서 품절 처리하거나 입고 후 재고 고치기",
                          f"outbox/{ctx.day}/품절_채널_… · 현황.xlsx '재고' 시트", True))
    if open_lines.short:
        todos.append(Todo(f"재고 부족으로 기다리는 주문 {len(open_lines.short)}줄 — 입고되면 상품 시트의 재고를 고치기",
                          "현황.xlsx '대기' 시트"))
    if open_lines.bad_recipient:
        todos.append(Todo(f"받는분 정보 오류 {len(open_lines.bad_recipient)}줄 — 채널에서 고친 뒤 주문 파일 다시 넣기",
                          "현황.xlsx '대기' 시트"))
    for b in batches[:60]:
        waiting = b.parcels - b.tracked
        if waiting > 0 and not b.supplier:
            courier = ctx.courier_name(b.courier)
            old = b.day < ctx.day
            todos.append(Todo(f"{courier} 결과 파일을 inbox에 넣기 — {b.label} 송장 {waiting}건 운송장 대기"
                              + (" (하루 넘음)" if old else ""), f"outbox/{b.day}/" + (b.files[-1] if b.files else ""), old))
    to_invoice = ledger.tracked_not_invoiced()
    if to_invoice:
        old = any((_days_since(t.tracked_at, ctx.now()) or 0) >= 1 for t in to_invoice)
        todos.append(Todo(f"송장 업로드 파일 만들기 {len(to_invoice)}줄" + (" (하루 넘음 — 송장 누락 주의)" if old else ""),
                          "uv run run.py invoice", old))
    uploads = ledger.pending_uploads((today - timedelta(days=30)).isoformat())
    for day in sorted({u.day for u in uploads}):
        files = [u for u in uploads if u.day == day]
        old = day < ctx.day
        names = list(dict.fromkeys(ctx.channel_name(u.channel) for u in files))
        which = ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:2])} 외 {len(names) - 2}개 채널"
        todos.append(Todo(f"송장 업로드 파일 {len(files)}개 올리기 ({which})" + (" — 하루 넘음, 송장 누락 주의" if old else ""),
                          f"outbox/{day}/ · 올린 뒤: uv run run.py uploaded 채널이름", old))
    if returns:
        todos.append(Todo(f"반품·업로드 후 취소 {returns}줄 — 회수·환불 확인", "현황.xlsx '반품' 시트"))
    if unmatched:
        todos.append(Todo(f"맞추지 못한 운송장 {unmatched}건 — 어느 송장인지 확인", "현황.xlsx '미매칭 운송장' 시트"))
    rules = ctx.ship_rules()
    soon = [l for l in open_lines.waiting_address if (gift_deadline(rules, l)[0] or 99) <= 2]
    if soon:
        todos.append(Todo(f"선물 주소 대기 중 자동취소가 가까운 주문 {len(soon)}줄 — 받는 분께 안내", "현황.xlsx '대기' 시트", True))
    if left:
        todos.append(Todo(f"inbox에 남은 파일 {len(left)}개 — 읽지 못했거나 알 수 없는 파일", "inbox/"))
    return sorted(todos, key=lambda t: not t.urgent)


def _days_since(stamp: str, now: datetime) -> int | None:
    try:
        return (now - datetime.fromisoformat(stamp[:19])).days
    except ValueError:
        return None


def _by_channel(ctx: Context, open_lines) -> list[ChannelRow]:
    ready = Counter(line.channel for line, _ in open_lines.ready)
    rows = []
    for channel, states in sorted(ctx.ledger.counts_by_channel().items()):
        opened = states.get(NEW, 0) + states.get(HELD, 0)
        rows.append(ChannelRow(ctx.channel_name(channel), opened, opened - ready.get(channel, 0),
                               states.get(BATCHED, 0), states.get(TRACKED, 0), states.get("uploaded", 0)))
    return rows


def _by_courier(ctx: Context, batches: list[Batch]) -> list[CourierRow]:
    out: dict[str, list[int]] = {}
    for b in (b for b in batches if not b.supplier):
        entry = out.setdefault(b.courier, [0, 0])
        if b.day == ctx.day:
            entry[0] += b.parcels
        entry[1] += b.parcels - b.tracked
    return [CourierRow(ctx.courier_name(c), today, waiting)
            for c, (today, waiting) in sorted(out.items())]


def _push_dashboard(ctx: Context, sheets: list[Sheet]) -> None:
    """With [sheets]: 현황 also in the shared Google Sheet (its own sheets, rewritten whole). A failure only says so."""
    if ctx.dry_run or ctx.settings.sheets is None or ctx.mapping_store.failure:
        return
    from chulgo.gsheet import SheetError        # gspread: only with [sheets]
    store = ctx.mapping_store
    try:
        store.push_dashboard(sheets)
    except SheetError as e:
        ctx.report.waiting.append(f"{e} (현황은 현황.xlsx에 있습니다)")
        return
    ctx.report.done.append("현황을 구글 시트 '현황'·'현황-대기'에도 적었습니다.")


def _soldout_files(ctx: Context, book, stock, alerts) -> None:
    """Per channel, the listings selling a SKU at or under 안전재고, in a file to set them 품절 (its template's
    [soldout] layout, [확인 필요] until a seller checks it against the channel's own upload)."""
    if not alerts:
        return
    for channel_id, entries in soldout_listings(book, stock).items():
        channel = ctx.channels.get(channel_id)
        name = ctx.channel_name(channel_id)
        path = write_soldout_file(ctx.out_dir / f"품절_{name}_{ctx.stamp}.xlsx", entries,
                                  getattr(channel, "doc", {}).get("soldout"))
        ctx.report.outputs.append(path)
    names = ", ".join(f"{r.sku}({r.state}, 남는 수 {r.left})" for r in alerts[:5])
    ctx.report.waiting.append(f"품절·품절 임박 {len(alerts)}개 상품: {names} — 채널별 품절_….xlsx의 상품을 판매자센터에서 "
                              "품절로 바꾸거나, 입고했다면 상품 시트의 재고를 새로 센 값으로 고치세요.")
