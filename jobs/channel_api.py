"""The channel API side of collect and invoice: pull orders, confirm them (발주확인), push tracking numbers.

Network calls happen outside ledger transactions; what they change is recorded in short transactions of its own.
A push is recorded as 'sending' (committed) before the call, so a crash between the call and the record never
sends a line twice: the next run asks the channel what it has before sending again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chulgo.api import ApiError, ChannelApi, Dispatch, Fetched, LineRef, kst
from chulgo.ledger import ApiLine, CollectReport, PushState, order_time_key
from chulgo.mapping import MappingBook
from chulgo.model import ChulgoError, InvoiceLine, OrderLine, Problem
from chulgo.suppliers import supplier_map, MIXED, Trust, supplier_of
from jobs.context import Context
from jobs.suppliers import trust_now

MAX_TRIES = 5                    # a push the channel never answers goes to the Excel upload after this many tries
UNEXPECTED = (KeyError, ValueError, TypeError, AttributeError)     # a channel answer not shaped as documented


def _fault(api: ChannelApi, error: Exception) -> ApiError:
    """Any failure of one account's call as an ApiError, so it stops that account only, never the run."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, ChulgoError):
        return ApiError(f"{api.name}: {error}", "auth")
    return ApiError(f"{api.name} API의 응답이 예상한 형식이 아닙니다 ({type(error).__name__}: {error}). 채널 API가 바뀌었을 "
                    "수 있습니다 — docs/channel-apis.md 를 확인하세요.", "bad")


@dataclass(frozen=True)
class Plan:
    """A tracked line to push: its ledger line, how the API names it, whether it is confirmed, tries so far."""

    line: InvoiceLine
    ref: LineRef
    confirmed: bool
    tries: int = 0


@dataclass
class Pulled:
    api: ChannelApi
    until: datetime
    fetched: list[Fetched] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)    # open lines the API no longer knows at all
    error: ApiError | None = None


def pull_orders(ctx: Context) -> list[Pulled]:
    """Orders of every API account since its last sync (minus the overlap), before collect's transaction."""
    out = []
    apis = ctx.settings.apis
    for api in ctx.api_accounts:
        until = kst(ctx.now())
        synced = ctx.ledger.api_synced_to(api.account)
        since = (datetime.fromisoformat(synced) - timedelta(minutes=apis.overlap_minutes) if synced
                 else until - timedelta(days=apis.days))
        open_lines = ctx.ledger.api_open_lines(api.account) if api.by_order_date else []
        oldest = min((o.ordered_key for o in open_lines if o.ordered_key), default="")
        if oldest:                               # listed by order date: reach back to the oldest open order
            since = min(since, kst(datetime.strptime(oldest[:8], "%Y%m%d")))
        pulled = Pulled(api, until)
        try:
            pulled.fetched = api.orders(since, until)
            seen = {f.line.line_key for f in pulled.fetched}
            gone = [LineRef(o.line_key, o.order_no, o.ref) for o in open_lines if o.line_key not in seen]
            if gone:
                found = api.lookup(gone)
                pulled.fetched += found
                known = {f.line.line_key for f in found}
                pulled.unlisted = [ref.line_key for ref in gone if ref.line_key not in known]
        except (ChulgoError, *UNEXPECTED) as e:
            pulled.error = _fault(api, e)
        out.append(pulled)
    return out


def store_orders(ctx: Context, pulled: list[Pulled]) -> list[tuple[CollectReport, str]]:
    """Inside collect's transaction: the pulled lines into the ledger like a file's, and each sync's new mark.
    Returns what each sync changed on known lines, and the source to name."""
    changes = []
    for p in pulled:
        if p.error is not None:
            api_failure(ctx, p.error, "주문을 가져오지 못했습니다")
            continue
        lines = list({f.line.line_key: f.line for f in p.fetched}.values())
        refs = {f.line.line_key: f.ref for f in p.fetched}
        until_key = order_time_key(p.until.strftime("%Y-%m-%d %H:%M:%S"))
        result: CollectReport = ctx.ledger.upsert_lines(lines, "", until_key)
        ctx.ledger.record_api_lines(p.api.account, [(p.api.channel, key, ref) for key, ref in refs.items()])
        ctx.ledger.set_api_synced(p.api.account, p.until.isoformat(timespec="seconds"))
        ctx.report.done.append(f"{p.api.name} API: {len(lines)}줄 (새 주문 {result.new}, 바뀐 주문 {result.updated})")
        unlisted = ctx.ledger.hold_unlisted(p.api.channel, p.unlisted, until_key)
        for key in unlisted.held:
            ctx.report.waiting.append(f"{p.api.name} {key}: API 주문 목록에서 사라졌습니다 — 출고하지 않고 보류합니다. 채널에서 "
                                      f"취소되었는지 확인하고, 취소가 맞으면 'uv run run.py cancelled {key}'.")
        for key in unlisted.printed:
            ctx.report.problem(Problem("api_unlisted_after_print", f"{p.api.name} {key}: 송장을 출력했는데 API 주문 목록에서 "
                                       "사라졌습니다. 채널에서 취소되었는지 확인하고, 취소라면 포장에서 빼세요.",
                                       f"{p.api.name} API"))
        changes.append((result, f"{p.api.name} API"))
    return changes


def api_failure(ctx: Context, error: ApiError, what: str) -> None:
    """A key, IP or refused request needs the seller (exit 1); an outage or a rate limit only waits for the next run."""
    if error.kind in ("down", "rate"):
        ctx.report.waiting.append(f"{error} — {what}. 다른 채널은 그대로 진행했습니다.")
    else:
        ctx.report.problem(Problem(f"api_{error.kind}", f"{error} — {what}."))


def _supplier_trusted(book: MappingBook, suppliers: dict[str, str], trust: dict[str, Trust],
                      line: OrderLine) -> bool | None:
    """True: own stock or a trusted supplier (confirm now); False: an untrusted supplier, or a set mixing suppliers
    (confirm once its tracking number is in); None: not mapped yet (nobody knows who ships it)."""
    items = book.items_for(line)
    if items is None:
        return None
    who = supplier_of(items, suppliers)
    return who == "" or (who is not MIXED and who in trust and trust[who].trusted)


def confirm_orders(ctx: Context, book: MappingBook) -> None:
    """발주확인 at the channel for lines of our own stock or trusted suppliers (after collect has committed)."""
    if ctx.dry_run or not ctx.api_accounts:
        return
    by_account: dict[str, list[LineRef]] = {}
    waiting_supplier = 0
    suppliers, trust = supplier_map(book), trust_now(ctx)
    for c in ctx.ledger.lines_to_confirm():
        trusted = _supplier_trusted(book, suppliers, trust, c.line)
        if trusted:
            by_account.setdefault(c.account, []).append(LineRef(c.line.line_key, c.line.order_no, c.ref))
        elif trusted is False:
            waiting_supplier += 1
    for api in ctx.api_accounts:
        group = by_account.get(api.account, [])
        if group:
            _confirm(ctx, api, group)
    if waiting_supplier:
        ctx.report.waiting.append(f"발주확인 대기 {waiting_supplier}줄: 아직 믿을 수 있는 공급사가 아니라 공급사의 송장번호가 "
                                  "들어오면 발주확인합니다 (현황.xlsx '공급사'; settings.toml [suppliers.\"공급사\"] trusted = true "
                                  "면 바로).")


def _confirm(ctx: Context, api: ChannelApi, refs: list[LineRef]) -> dict[str, str] | None:
    """Confirm these lines: {key: '' taken, or the channel's reason}; None when the call itself failed."""
    try:
        results = api.confirm(refs)
    except (ChulgoError, *UNEXPECTED) as e:
        api_failure(ctx, _fault(api, e), f"발주확인 {len(refs)}줄을 하지 못했습니다 (다음 실행에서 다시 합니다)")
        return None
    ok = [key for key, reason in results.items() if not reason]
    with ctx.ledger.transaction():
        ctx.ledger.mark_confirmed(api.channel, ok)
    if ok:
        ctx.report.done.append(f"{api.name} 발주확인 {len(ok)}줄")
    for key, reason in results.items():
        if reason:
            ctx.report.waiting.append(f"{api.name} {key}: 발주확인을 채널이 받지 않았습니다 ({reason}).")
    return results


def push_tracking(ctx: Context) -> set[tuple[str, str]]:
    """Send the tracking numbers of API channels' tracked lines. Returns the lines the Excel upload must leave out
    (sent, being checked, or to be retried); a line the channel refused is left to the Excel upload."""
    by_channel: dict[str, list[ChannelApi]] = {}
    for api in ctx.api_accounts:
        by_channel.setdefault(api.channel, []).append(api)
    if not by_channel:
        return set()                # no API channel: the tracked lines are not read twice (invoice reads them)
    # An exchange's replacement is entered in the channel's 교환 screen, never sent as an order's dispatch.
    lines = [line for line in ctx.ledger.lines_to_invoice() if line.channel in by_channel and not line.exchange_of]
    if not lines:
        return set()
    if ctx.dry_run:
        ctx.report.done.append(f"API로 보낼 송장 {len(lines)}줄 (미리보기라 보내지 않았습니다)")
        return {(line.channel, line.line_key) for line in lines} - _refused(ctx, lines)
    connected = {api.account for api in ctx.api_accounts}
    owned: set[tuple[str, str]] = set()
    plans: dict[str, list[Plan]] = {}
    in_flight: dict[str, list[Plan]] = {}
    for channel, apis in by_channel.items():
        group = [line for line in lines if line.channel == channel]
        keys = [line.line_key for line in group]
        refs, states = ctx.ledger.api_refs(channel, keys), ctx.ledger.push_states(channel, keys)
        for line in group:
            known = refs.get(line.line_key) or ApiLine(_default_account(apis, line), {}, False)
            push = states.get(line.line_key) or PushState("", "", 0)
            if push.state == "refused" or known.account not in connected:
                continue           # the Excel upload takes it (an account without its secret is named elsewhere)
            owned.add((channel, line.line_key))
            # 'sending' or 'failed': it may have reached the channel (a kill, a timeout) — ask before sending again
            target = in_flight if push.state in ("sending", "failed") else plans
            target.setdefault(known.account, []).append(
                Plan(line, LineRef(line.line_key, line.order_no, known.ref), known.confirmed, push.tries))
    for api in ctx.api_accounts:
        todo = plans.get(api.account, [])
        todo += _check_in_flight(ctx, api, in_flight.get(api.account, []))
        if todo:
            _push(ctx, api, todo)
    return owned - _refused(ctx, lines)


def _default_account(apis: list[ChannelApi], line: InvoiceLine) -> str | None:
    """The account of a line read from an Excel export: the channel's one account (카페24: the mall whose keys
    carry no prefix, shop 1)."""
    plain = [api for api in apis if not getattr(api, "key_prefix", "")]
    return plain[0].account if plain else None


def _check_in_flight(ctx: Context, api: ChannelApi, group: list[Plan]) -> list[Plan]:
    """Lines an earlier run was sending or could not finish: the channel says whether they arrived. Returns the ones
    to send again; one tried MAX_TRIES times goes to the Excel upload instead."""
    if not group:
        return []
    try:
        have = api.dispatched([plan.ref for plan in group])
    except (ChulgoError, *UNEXPECTED) as e:
        api_failure(ctx, _fault(api, e), f"지난 실행이 보내던 송장 {len(group)}줄이 들어갔는지 확인하지 못했습니다 "
                                         "(다음 실행에서 다시 확인)")
        return []
    arrived, again, other = [], [], []
    for plan in group:
        line = plan.line
        got = have.get(line.line_key, "")
        if not got and plan.tries >= MAX_TRIES:
            other.append((line, f"API로 {plan.tries}번 보내지 못했습니다"))
        elif not got:
            again.append(plan)
        elif got in line.tracking_nos:
            arrived.append(line)
        else:
            other.append((line, f"채널에 다른 송장번호 {got}가 이미 있습니다"))
    with ctx.ledger.transaction():
        if arrived:
            ctx.ledger.record_pushes([(ln.channel, ln.line_key, api.account, ln.tracking_nos[0], "sent", "")
                                      for ln in arrived])
            ctx.ledger.mark_pushed(arrived, ctx.day, f"{api.name} API 전송")
        ctx.ledger.record_pushes([(ln.channel, ln.line_key, api.account, ln.tracking_nos[0], "refused", why)
                                  for ln, why in other])
    if arrived:
        ctx.report.done.append(f"{api.name}: 지난 실행이 보낸 송장 {len(arrived)}줄이 채널에 들어가 있는 것을 확인했습니다 "
                               "(다시 보내지 않음).")
    return again


def _push(ctx: Context, api: ChannelApi, todo: list[Plan]) -> None:
    unconfirmed = [plan.ref for plan in todo if not plan.confirmed]
    if unconfirmed:           # the supplier's (or our) tracking number is in: now is the time to confirm
        answered = _confirm(ctx, api, unconfirmed)
        if answered is None:  # not confirmed, so 쿠팡 would refuse the number for good: wait for the next run
            todo = [plan for plan in todo if plan.confirmed]
    codes = ctx.courier_codes(api.channel)
    items = [Dispatch(plan.ref, plan.line.courier, codes.get(plan.line.courier, ""), plan.line.tracking_nos[0],
                      plan.line.split) for plan in todo]
    unknown = [d for d in items if not d.courier_code]
    items = [d for d in items if d.courier_code]
    lines = {plan.line.line_key: plan.line for plan in todo}
    with ctx.ledger.transaction():            # the intent, committed before the call
        ctx.ledger.record_pushes([(api.channel, d.line.line_key, api.account, d.tracking_no, "sending", "") for d in items])
        ctx.ledger.record_pushes([(api.channel, d.line.line_key, api.account, d.tracking_no, "refused",
                                   f"택배사 코드를 모릅니다: templates/courier-names.toml [{d.courier}] "
                                   f"{api.channel}_api") for d in unknown])
    results: dict[str, str] = {}
    error: ApiError | None = None
    if items:
        try:
            results = api.dispatch(items)
        except (ChulgoError, *UNEXPECTED) as e:
            error = _fault(api, e)
            results = error.partial      # the chunks that went through before the failure
    sent = [lines[d.line.line_key] for d in items if results.get(d.line.line_key) == ""]
    refused = [(d, results[d.line.line_key]) for d in items if results.get(d.line.line_key)]
    failed = [d for d in items if d.line.line_key not in results]
    with ctx.ledger.transaction():
        ctx.ledger.record_pushes([(api.channel, ln.line_key, api.account, ln.tracking_nos[0], "sent", "") for ln in sent])
        if sent:
            ctx.ledger.mark_pushed(sent, ctx.day, f"{api.name} API 전송")
        ctx.ledger.record_pushes([(api.channel, d.line.line_key, api.account, d.tracking_no, "refused", reason)
                                  for d, reason in refused])
        ctx.ledger.record_pushes([(api.channel, d.line.line_key, api.account, d.tracking_no, "failed",
                                   str(error) if error else "응답에 없음") for d in failed])
    if sent:
        ctx.report.done.append(f"{api.name} API: 송장 {len(sent)}줄을 보냈습니다 (업로드할 파일 없음).")
    if error is not None:
        api_failure(ctx, error, f"송장 {len(failed)}줄을 보내지 못했습니다 (다음 실행에서 못 보낸 줄만 다시 보냅니다)")
    elif failed:
        ctx.report.waiting.append(f"{api.name} API: 송장 {len(failed)}줄의 결과가 오지 않아 다음 실행에서 다시 보냅니다.")


def _refused(ctx: Context, lines: list[InvoiceLine]) -> set[tuple[str, str]]:
    """Lines a channel refused (now or before): named with the channel's reason; the Excel upload takes them."""
    out = set()
    by_channel: dict[str, list[str]] = {}
    for line in lines:
        by_channel.setdefault(line.channel, []).append(line.line_key)
    for channel, keys in by_channel.items():
        for key, push in ctx.ledger.push_states(channel, keys).items():
            if push.state == "refused":
                out.add((channel, key))
                ctx.report.waiting.append(f"{ctx.channel_name(channel)} {key}: API가 송장 등록을 거절했습니다 ({push.message}) — "
                                          "송장 업로드 파일에 넣었습니다. 판매자센터에서 확인하고 올리세요.")
    return out

