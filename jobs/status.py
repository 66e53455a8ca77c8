"""status: what waits, what is overdue, what is unmapped or on hold; writes the dashboard workbook."""

from __future__ import annotations

from datetime import datetime

from chulgo.sheets import Sheet, write_workbook
from chulgo.states import STATE_NAMES
from jobs.context import Context
from jobs.waiting import gift_deadline, order_age, report_waiting, sort_open_lines



def _age(stamp: str) -> str:
    try:
        days = (datetime.now() - datetime.fromisoformat(stamp[:19])).days
    except ValueError:
        return ""
    return f"{days}일" if days else "오늘"


def status(ctx: Context) -> None:
    report, ledger = ctx.report, ctx.ledger
    book = ctx.mapping()
    open_lines = sort_open_lines(ctx, book)
    counts = ledger.count_by_state()
    summary: list[list[str | int]] = [["단계", "줄 수"]]
    summary += [[STATE_NAMES.get(s, s), n] for s, n in sorted(counts.items(), key=lambda kv: list(STATE_NAMES).index(kv[0])
                                                               if kv[0] in STATE_NAMES else 99)]
    summary += [["", ""], ["출고 전 — 출고 가능", len(open_lines.ready)], ["출고 전 — 매핑 없음", len(open_lines.unmapped)],
                ["보류 — 채널 보류·목록에서 사라짐", len(open_lines.held)],
                ["출고 전 — 배송지 대기(선물)", len(open_lines.waiting_address)],
                ["출고 전 — 받는분 정보 오류", len(open_lines.bad_recipient)],
                ["출고 전 — 묶음배송 다른 상품 대기", len(open_lines.bundle_waiting)]]

    waiting = [["사유", "채널", "주문 줄 번호", "주문번호", "상품명", "옵션", "수량", "수취인", "주문일시", "지난 날", "자동취소까지"]]
    reasons = ([("매핑 없음", l) for l in open_lines.unmapped] + [(why, l) for l, why in open_lines.held]
               + [("배송지 대기", l) for l in open_lines.waiting_address]
               + [("받는분 정보 오류: " + ", ".join(dict.fromkeys(p.column or "받는분" for p in ps)), l)
                  for l, ps in open_lines.bad_recipient]
               + [(f"묶음배송 다른 상품 {n}줄 대기", l) for l, n in open_lines.bundle_waiting])
    for reason, l in reasons:
        age = order_age(l, ctx.today)
        left = gift_deadline(ctx, l)[0] if reason == "배송지 대기" else None
        waiting.append([reason, ctx.channel_name(l.channel), l.line_key, l.order_no, l.product_name, l.option_text,
                        l.quantity, l.recipient.name, l.ordered_at, "" if age is None else f"{age}일",
                        "" if left is None else (f"D-{left}" if left >= 0 else f"{-left}일 지남")])

    claims = [["채널", "주문 줄 번호", "주문번호", "클레임", "단계", "송장번호(우리)"]]
    claims += [[ctx.channel_name(l.channel), l.line_key, l.order_no, claim, STATE_NAMES.get(state, state), sid or ""]
               for l, claim, state, sid in ledger.claims_after_print()]
    returns = [["채널", "주문 줄 번호", "주문번호", "상품명", "수량", "클레임", "송장번호(우리)"]]
    returns += [[ctx.channel_name(l.channel), l.line_key, l.order_no, l.product_name, l.quantity, claim, sid or ""]
                for l, claim, _, sid in ledger.returns()]
    batches = [["출고 묶음", "택배사", "송장", "운송장 받음", "재발행", "파일"]]
    batches += [[b.label, (ctx.couriers[b.courier].name if b.courier in ctx.couriers else b.courier), b.parcels, b.tracked,
                 (ledger.batch(b.reissue_of).label + " 재발행") if b.reissue_of else "", ", ".join(b.files)]
                for b in ledger.recent_batches(60)]
    not_uploaded = [["채널", "주문 줄 번호", "주문번호", "운송장 받은 지"]]
    not_uploaded += [[ctx.channel_name(ch), key, order_no, _age(at)] for ch, key, order_no, at in ledger.tracked_not_invoiced()]
    no_tracking = [["송장묶음", "출고일", "수취인"]] + [list(r) for r in ledger.waiting_for_tracking()]
    unmatched = [["택배사", "운송장번호", "받는분", "파일", "행", "사유", "읽은 때"]]
    unmatched += [[c, no, name, src, str(row or ""), why, at] for c, no, name, src, row, why, at in ledger.unmatched_tracking()]
    problems = [["위치", "내용", "값"]] + [[p.where(), p.message, p.value] for p in dict.fromkeys(report.problems + book.problems)]

    path = write_workbook(ctx.out_dir / "현황.xlsx", [
        Sheet("요약", summary), Sheet("대기", waiting), Sheet("출력후취소", claims), Sheet("반품", returns),
        Sheet("출고 묶음", batches), Sheet("업로드 전 송장", not_uploaded),
        Sheet("운송장 대기", no_tracking), Sheet("미매칭 운송장", unmatched), Sheet("문제", problems)])
    report.outputs.append(path)

    parts = [f"{STATE_NAMES.get(s, s)} {n}" for s, n in counts.items()]
    report.done.append("장부: " + (", ".join(parts) if parts else "아직 주문이 없습니다"))
    report_waiting(ctx, open_lines)
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
    left = [f.name for f in ctx.inbox_files()]
    if left:
        report.waiting.append(f"inbox에 남은 파일 {len(left)}개: {', '.join(left[:5])}")
