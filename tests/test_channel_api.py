"""Channel APIs end to end against the in-repo fakes (httpx WSGITransport, no sockets): orders in through collect,
발주확인, tracking numbers out through invoice — once, to the right order, with the Excel route as the fallback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
import httpx
import keyring
import pytest

from chulgo import samples, secrets
from chulgo.api import KST
from chulgo.api.accounts import cafe24_secret_name, coupang_secret_name, naver_secret_name
from chulgo.api.cafe24 import refresh_token_name
from chulgo.fakeapi.cafe24 import FakeCafe24
from chulgo.fakeapi.coupang import FakeCoupang
from chulgo.fakeapi.naver import FakeNaver
from chulgo.fakeapi.orders import cafe24_orders, coupang_sheets, naver_orders
from chulgo.ledger import SCHEMA_VERSION, Ledger, PushState
from chulgo.settings import DEFAULT_SETTINGS
from chulgo.states import HOLD_VANISHED
from jobs.collect import collect
from jobs.context import Context
from jobs.invoice import invoice
from jobs.login import login
from jobs.ship import ship
from jobs.tracking import tracking
from tests.conftest import as_dicts, ledger_rows, old_ledger, outputs, sheet_rows

AT = datetime(2026, 11, 23, 23, 30)
MALL = "harutest"
SETTINGS = DEFAULT_SETTINGS.replace("[channels.smartstore]\n", """[channels.smartstore]
api = { client_id = "naver-app", base_url = "http://naver.test/external" }
""") + f"""
[channels.coupang]
api = {{ vendor_id = "A00012345", access_key = "ak-1", base_url = "http://coupang.test" }}

[channels.cafe24]
shops = [{{ mall_id = "{MALL}", client_id = "cafe-app", base_url = "http://cafe24.test/api/v2", redirect_uri = "http://127.0.0.1/callback" }}]
"""


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Retries wait in the tests' imagination only (what they asked for is still checked in test_api_http)."""
    monkeypatch.setattr("chulgo.api.http._pause", lambda seconds: None)


@pytest.fixture(autouse=True)
def memory_keyring():
    before = keyring.get_keyring()
    ring = secrets.MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@dataclass
class ApiShop:
    """A workspace whose 스마트스토어, 쿠팡 and 카페24 orders come from the fakes; one clock for all of it."""

    ws: Path
    day: samples.SampleDay
    naver: FakeNaver
    coupang: FakeCoupang
    cafe24: FakeCafe24
    clock: list[datetime] = field(default_factory=lambda: [AT])

    def transport(self, url: str) -> httpx.BaseTransport:
        host = httpx.URL(url).host
        return httpx.WSGITransport(app={"naver.test": self.naver, "coupang.test": self.coupang,
                                        "cafe24.test": self.cafe24}[host])

    def ctx(self) -> Context:
        return Context(self.ws, at=self.clock[0], api_transport=self.transport)

    def later(self, minutes: int) -> None:
        self.clock[0] += timedelta(minutes=minutes)

    def ship_and_track(self) -> Context:
        ctx = self.ctx()
        ship(ctx)
        for waybill in [p for p in ctx.report.outputs if p.name.startswith("CJ")]:
            samples.write_courier_result(waybill, self.ws / "inbox" / f"결과_{waybill.name}", seed=3)
        for n, order_sheet in enumerate(p for p in ctx.report.outputs if p.name.startswith("발주서_")):
            samples.write_supplier_answer(order_sheet, self.ws / "inbox" / f"답장_{order_sheet.name}", seed=n + 1)
        ctx = self.ctx()
        tracking(ctx)
        return ctx

    def tracking_of(self, channel: str) -> dict[str, str]:
        """{line key: tracking number} the ledger attached, for one channel."""
        return dict(ledger_rows(self.ws, "SELECT l.line_key, t.tracking_no FROM lines l JOIN tracking t "
                                         "ON t.shipment_id = l.shipment_id WHERE l.channel = ?", (channel,)))


DROPSHIP = 0.3            # share of products a supplier ships for us in the 발주확인 tests


def make_shop(tmp_path: Path, settings: str = SETTINGS, lines: int = 40, seed: int = 5, dropship: float = 0.0) -> ApiShop:
    day = samples.generate_day(seed=seed, lines=lines, day=AT.date(), dropship=dropship)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "settings.toml").write_text(settings, encoding="utf-8")
    samples.write_mapping_workbook(ws / "mappings" / "상품매핑.xlsx", day.products, day.mappings, day.sets)
    naver_secret = bcrypt.gensalt(4).decode()
    shop = ApiShop(ws, day, FakeNaver("naver-app", naver_secret, naver_orders(day.smartstore)),
                   FakeCoupang("A00012345", "ak-1", "coupang-secret", coupang_sheets(day.coupang)),
                   FakeCafe24(MALL, "cafe-app", "cafe-secret", cafe24_orders(day.cafe24)))
    for fake in (shop.naver, shop.coupang, shop.cafe24):
        fake.now = lambda: shop.clock[0].replace(tzinfo=KST)
    shop.naver.clock_slack = None          # the fakes' clock is the test's; the signatures carry real time
    shop.coupang.clock_slack = None
    secrets.store(naver_secret_name("naver-app"), naver_secret)
    secrets.store(coupang_secret_name("ak-1"), "coupang-secret")
    secrets.store(cafe24_secret_name(MALL), "cafe-secret")
    login(shop.ctx(), "cafe24", code=shop.cafe24.issue_code())
    return shop


def dispatch_calls(fake) -> int:
    return sum(1 for r in fake.requests if r.method in ("POST", "PUT", "PATCH")
               and any(p in r.path for p in ("dispatch", "invoices", "shipments")))


# -- a whole day ----------------------------------------------------------------------------------------------

def test_a_day_through_the_apis_pushes_every_tracking_number_once_to_its_own_order(tmp_path):
    shop = make_shop(tmp_path)
    ctx = shop.ctx()
    collect(ctx)
    assert not ctx.report.problems
    keys = dict(ledger_rows(shop.ws, "SELECT channel, COUNT(*) FROM lines GROUP BY channel"))
    assert keys == {"smartstore": len(shop.day.smartstore), "coupang": len(shop.day.coupang),
                    "cafe24": len(shop.day.cafe24)}
    shop.ship_and_track()
    ctx = shop.ctx()
    invoice(ctx)

    naver_sent = shop.tracking_of("smartstore")
    assert naver_sent and set(shop.naver.dispatch_count.values()) == {1}
    for key, tracking_no in naver_sent.items():
        assert shop.naver.orders[key]["delivery"]["trackingNumber"] == tracking_no
        assert shop.naver.orders[key]["delivery"]["deliveryCompany"] == "CJGLS"
    coupang_sent = shop.tracking_of("coupang")
    assert coupang_sent and set(shop.coupang.invoice_count.values()) == {1}
    for key, tracking_no in coupang_sent.items():
        box, item = (int(x) for x in key.split("-"))
        got = next(i for i in shop.coupang.sheets[box]["orderItems"] if i["vendorItemId"] == item)
        assert got["invoiceNumber"] == tracking_no
    cafe24_sent = shop.tracking_of("cafe24")
    assert cafe24_sent and set(shop.cafe24.shipment_count.values()) == {1}
    posted = {code: s["tracking_no"] for ships in shop.cafe24.shipments.values() for s in ships
              for code in s["order_item_code"]}
    assert posted == cafe24_sent
    assert not outputs(shop.ws, "스마트스토어_발송처리") and not outputs(shop.ws, "쿠팡_송장업로드")
    uploaded = ledger_rows(shop.ws, "SELECT COUNT(*) FROM invoices WHERE uploaded_at IS NOT NULL")[0][0]
    assert uploaded == len(naver_sent) + len(coupang_sent) + len(cafe24_sent)

    before = [dispatch_calls(f) for f in (shop.naver, shop.coupang, shop.cafe24)]
    invoice(shop.ctx())                      # again: nothing is sent twice
    assert [dispatch_calls(f) for f in (shop.naver, shop.coupang, shop.cafe24)] == before


def test_an_order_seen_by_the_api_and_in_an_excel_export_is_one_line_shipped_once(tmp_path):
    shop = make_shop(tmp_path)
    samples.write_smartstore_export(shop.ws / "inbox" / "스마트스토어_주문.xlsx", shop.day.smartstore, password="1234")
    collect(shop.ctx())
    n = ledger_rows(shop.ws, "SELECT COUNT(*), COUNT(DISTINCT line_key) FROM lines WHERE channel = 'smartstore'")[0]
    assert n == (len(shop.day.smartstore), len(shop.day.smartstore))
    shop.ship_and_track()
    twice = ledger_rows(shop.ws, "SELECT line_key FROM shipment_lines GROUP BY channel, line_key HAVING COUNT(*) > 1")
    assert twice == []


# -- orders in: changes, cancellations, paging ----------------------------------------------------------------

@pytest.mark.parametrize("overlap, seen", [(60, True), (0, False)])
def test_the_overlap_window_reads_a_late_recorded_cancellation_again(tmp_path, overlap, seen):
    settings = SETTINGS + f"\n[collect]\napi_overlap_minutes = {overlap}\n"
    shop = make_shop(tmp_path, settings)
    collect(shop.ctx())
    key = next(k for k, v in shop.naver.orders.items() if v["productOrder"]["productOrderStatus"] == "PAYED")
    shop.naver.now = lambda: (AT - timedelta(minutes=10)).replace(tzinfo=KST)   # recorded with an earlier time
    shop.naver.cancel(key)
    shop.later(30)
    ctx = shop.ctx()
    collect(ctx)
    state = ledger_rows(shop.ws, "SELECT state FROM lines WHERE line_key = ?", (key,))[0][0]
    assert (state == "cancelled") is seen


def test_a_claim_or_cancellation_through_the_api_stops_the_line(tmp_path):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    open_naver = [k for k, v in shop.naver.orders.items() if v["productOrder"]["productOrderStatus"] == "PAYED"]
    shop.naver.request_claim(open_naver[0], "CANCEL", "CANCEL_REQUEST")
    box, sheet = next(iter(shop.coupang.sheets.items()))
    shop.coupang.cancel(box)
    gone_box = list(shop.coupang.sheets)[1]
    gone_keys = [f"{gone_box}-{i['vendorItemId']}" for i in shop.coupang.sheets.pop(gone_box)["orderItems"]]
    shop.later(20)
    ctx = shop.ctx()
    collect(ctx)
    states = dict(ledger_rows(shop.ws, "SELECT line_key, state || ':' || hold_reason FROM lines"))
    assert states[open_naver[0]] == "held:channel"
    assert {states[f"{box}-{i['vendorItemId']}"] for i in sheet["orderItems"]} == {"cancelled:"}
    assert {states[k] for k in gone_keys} == {f"held:{HOLD_VANISHED}"}      # 쿠팡 dropped it: held, never shipped
    assert any("사라졌습니다" in w for w in ctx.report.waiting)
    ship(shop.ctx())
    shipped = {k for (k,) in ledger_rows(shop.ws, "SELECT line_key FROM shipment_lines")}
    assert not shipped & ({open_naver[0]} | set(gone_keys) | {f"{box}-{i['vendorItemId']}" for i in sheet["orderItems"]})


def test_paging_follows_more_sequence_and_next_token_to_the_last_page(tmp_path):
    shop = make_shop(tmp_path, lines=400, seed=2)
    shop.naver.page_size = 7
    collect(shop.ctx())
    got = dict(ledger_rows(shop.ws, "SELECT channel, COUNT(*) FROM lines GROUP BY channel"))
    assert got["smartstore"] == len(shop.day.smartstore) and got["coupang"] == len(shop.day.coupang)
    assert sum("moreSequence" in r.query for r in shop.naver.requests) >= len(shop.day.smartstore) // 7 - 1
    assert any(r.query.get("nextToken") for r in shop.coupang.requests)


def test_an_expired_token_is_renewed_and_the_call_made_once_more(tmp_path):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    issued = shop.naver.tokens_issued
    shop.naver.expire_tokens()
    shop.cafe24.expire_tokens()
    ctx = shop.ctx()
    ctx.api_accounts[0]._token_until = float("inf")    # the client still believes its token is good
    shop.later(5)
    collect(ctx)
    assert not ctx.report.problems
    assert shop.naver.tokens_issued == issued + 1


def test_a_cafe24_refresh_token_is_replaced_on_every_refresh_and_the_old_one_is_dead(tmp_path, memory_keyring):
    shop = make_shop(tmp_path)
    first = secrets.secret("", refresh_token_name(MALL))
    collect(shop.ctx())
    second = secrets.secret("", refresh_token_name(MALL))
    assert first and second and first != second
    old = httpx.Client(transport=shop.transport("http://cafe24.test"), base_url="http://cafe24.test").post(
        "/api/v2/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first},
        auth=("cafe-app", "cafe-secret"))
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"


def test_a_429_is_waited_out_and_the_sync_completes(tmp_path):
    shop = make_shop(tmp_path)
    shop.coupang.fail_next(429, retry_after=0, times=2)
    ctx = shop.ctx()
    collect(ctx)
    assert not ctx.report.problems and not [w for w in ctx.report.waiting if "한도" in w]
    assert ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang'")[0][0] == len(shop.day.coupang)


def test_one_channel_down_holds_back_only_itself_and_a_bad_key_is_named(tmp_path):
    shop = make_shop(tmp_path)
    shop.coupang.fail_next(503, times=30)
    shop.naver.block_ip = True
    ctx = shop.ctx()
    collect(ctx)
    counts = dict(ledger_rows(shop.ws, "SELECT channel, COUNT(*) FROM lines GROUP BY channel"))
    assert counts == {"cafe24": len(shop.day.cafe24)}
    assert any("쿠팡" in w and "서버 오류" in w for w in ctx.report.waiting)
    ip = [p for p in ctx.report.problems if p.code == "api_ip"]
    assert len(ip) == 1 and "IP" in ip[0].message and "등록" in ip[0].message
    assert ledger_rows(shop.ws, "SELECT account FROM api_sync") == [(f"cafe24:{MALL}:1",)]   # no sync mark for failures
    shop.naver.block_ip = False
    shop.later(10)
    collect(shop.ctx())
    assert ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE channel = 'smartstore'")[0][0] == len(shop.day.smartstore)


def test_a_wrong_secret_is_refused_with_a_korean_message_and_no_secret_in_it(tmp_path):
    shop = make_shop(tmp_path)
    secrets.store(coupang_secret_name("ak-1"), "not-the-secret")
    ctx = shop.ctx()
    collect(ctx)
    auth = [p for p in ctx.report.problems if p.code == "api_auth"]
    assert len(auth) == 1 and "쿠팡" in auth[0].message and "secret key" in auth[0].message
    assert "not-the-secret" not in ctx.report.text(shop.ws)


def test_a_missing_secret_names_where_to_put_it(tmp_path, monkeypatch):
    shop = make_shop(tmp_path)
    monkeypatch.setenv("CHULGO_NAVER_SECRET", "")
    keyring.get_keyring().delete_password(secrets.SERVICE, naver_secret_name("naver-app"))
    ctx = shop.ctx()
    collect(ctx)
    missing = [p.message for p in ctx.report.problems if p.code == "api_secret"]
    assert len(missing) == 1 and "CHULGO_NAVER_SECRET" in missing[0] and "keyring set chulgo smartstore:naver-app" in missing[0]
    assert ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang'")[0][0] == len(shop.day.coupang)


# -- 발주확인 --------------------------------------------------------------------------------------------------

def _supplier_lines(shop: ApiShop) -> tuple[set[str], set[str]]:
    """Smartstore line keys whose SKUs are all own stock, and those with an outside supplier."""
    suppliers = {p["SKU"]: p.get("공급사", "") for p in shop.day.products}
    book = shop.ctx().mapping()
    own, outside = set(), set()
    ledger = Ledger(shop.ws / "data" / "chulgo.sqlite")
    for line in [o.line for o in ledger.open_lines("new")]:
        items = book.items_for(line)
        if line.channel != "smartstore" or items is None:
            continue
        who = {"" if suppliers.get(i.sku, "") in ("", "자사") else suppliers[i.sku] for i in items}
        if len(who) == 1:              # a set mixing suppliers waits (it cannot go as one parcel): never confirmed
            (own if who == {""} else outside).add(line.line_key)
    return own, outside


def test_own_stock_is_confirmed_on_collect_and_an_untrusted_suppliers_only_once_tracked(tmp_path):
    shop = make_shop(tmp_path, dropship=DROPSHIP)
    collect(shop.ctx())
    own, outside = _supplier_lines(shop)
    assert own and outside
    assert own <= set(shop.naver.confirmed) and not outside & set(shop.naver.confirmed)
    shop.ship_and_track()
    invoice(shop.ctx())
    tracked_outside = outside & set(shop.tracking_of("smartstore"))
    assert tracked_outside and tracked_outside <= set(shop.naver.confirmed)
    confirm_at = max(i for i, r in enumerate(shop.naver.requests) if r.path.endswith("/confirm"))
    dispatch_at = min(i for i, r in enumerate(shop.naver.requests) if r.path.endswith("/dispatch"))
    assert confirm_at < dispatch_at           # confirmed before the tracking number went up


def test_a_trusted_supplier_is_confirmed_at_once(tmp_path):
    names = {p.get("공급사", "") for p in samples.generate_day(seed=5, lines=40, day=AT.date(),
                                                               dropship=DROPSHIP).products} - {"", "자사"}
    trusted = "".join(f'\n[suppliers."{n}"]\ntrusted = true\n' for n in names)
    shop = make_shop(tmp_path, SETTINGS + trusted, dropship=DROPSHIP)
    collect(shop.ctx())
    own, outside = _supplier_lines(shop)
    assert (own | outside) <= set(shop.naver.confirmed)


# -- tracking out: refusals, crashes -------------------------------------------------------------------------

def test_a_refused_line_goes_to_the_excel_upload_with_the_channels_reason_and_the_rest_through_the_api(tmp_path):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    shop.ship_and_track()
    tracked = shop.tracking_of("smartstore")
    refused = sorted(tracked)[0]
    shop.naver.refuse[refused] = ("INVALID_INVOICE_NO", "송장번호 형식이 올바르지 않습니다")
    ctx = shop.ctx()
    invoice(ctx)
    assert any(refused in w and "송장번호 형식이 올바르지 않습니다" in w for w in ctx.report.waiting)
    upload = outputs(shop.ws, "스마트스토어_발송처리")
    assert len(upload) == 1
    rows = as_dicts(sheet_rows(upload[0], "발송처리"))
    assert rows == [{"상품주문번호": refused, "배송방법": "택배,등기,소포", "택배사": "CJ대한통운", "송장번호": tracked[refused]}]
    assert shop.naver.dispatch_count[refused] == 0
    assert all(shop.naver.dispatch_count[k] == 1 for k in tracked if k != refused)
    calls = dispatch_calls(shop.naver)
    ctx = shop.ctx()
    invoice(ctx)                     # the refused line is not sent again, nor written into a second upload
    assert dispatch_calls(shop.naver) == calls and len(outputs(shop.ws, "스마트스토어_발송처리")) == 1


def test_a_run_killed_after_the_channel_took_the_numbers_never_sends_them_twice(tmp_path, monkeypatch):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    shop.ship_and_track()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt      # the process dies between the channel's answer and the ledger's record
    monkeypatch.setattr(Ledger, "mark_pushed", killed)
    with pytest.raises(KeyboardInterrupt):
        invoice(shop.ctx())
    assert shop.naver.dispatch_count and set(shop.naver.dispatch_count.values()) == {1}
    sending = ledger_rows(shop.ws, "SELECT COUNT(*) FROM api_pushes WHERE state = 'sending'")[0][0]
    assert sending > 0
    monkeypatch.undo()
    ctx = shop.ctx()
    invoice(ctx)
    assert set(shop.naver.dispatch_count.values()) == {1}
    assert set(shop.coupang.invoice_count.values()) == {1} and set(shop.cafe24.shipment_count.values()) == {1}
    assert any("다시 보내지 않음" in d for d in ctx.report.done)
    assert ledger_rows(shop.ws, "SELECT COUNT(*) FROM api_pushes WHERE state != 'sent'")[0][0] == 0
    left = ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE state = 'tracked'")[0][0]
    assert left == 0


def test_a_run_killed_before_the_call_left_sends_the_numbers_once_next_time(tmp_path, monkeypatch):
    from chulgo.api.naver import NaverApi
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    shop.ship_and_track()

    def killed(self, items):
        raise KeyboardInterrupt
    monkeypatch.setattr(NaverApi, "dispatch", killed)
    with pytest.raises(KeyboardInterrupt):
        invoice(shop.ctx())
    assert not shop.naver.dispatch_count
    monkeypatch.undo()
    invoice(shop.ctx())
    assert shop.naver.dispatch_count and set(shop.naver.dispatch_count.values()) == {1}
    assert set(shop.naver.dispatch_count) == set(shop.tracking_of("smartstore"))


def test_an_outage_while_pushing_retries_only_what_failed_on_the_next_run(tmp_path):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    shop.ship_and_track()
    shop.coupang.fail_next(503, path_contains="/orders/invoices")     # a write is not blindly sent again
    ctx = shop.ctx()
    invoice(ctx)
    assert not shop.coupang.invoice_count and shop.naver.dispatch_count
    assert not outputs(shop.ws, "쿠팡_송장업로드")          # waits for the API; no file to upload by hand twice
    naver_calls = dispatch_calls(shop.naver)
    invoice(shop.ctx())
    assert shop.coupang.invoice_count and set(shop.coupang.invoice_count.values()) == {1}
    assert dispatch_calls(shop.naver) == naver_calls


# -- several 카페24 shops ----------------------------------------------------------------------------------------

def test_each_cafe24_shop_is_its_own_account_and_gets_its_own_pushes(tmp_path):
    settings = SETTINGS.replace('redirect_uri = "http://127.0.0.1/callback" }]',
                                'redirect_uri = "http://127.0.0.1/callback" }, { mall_id = "' + MALL
                                + '", shop_no = 2, client_id = "cafe-app", base_url = "http://cafe24.test/api/v2" }]')
    shop = make_shop(tmp_path, settings)
    second = samples.generate_day(seed=9, lines=30, day=AT.date())
    for order in cafe24_orders(second.cafe24, shop_no=2):
        shop.cafe24.add(order)
    ctx = shop.ctx()
    collect(ctx)
    accounts = dict(ledger_rows(shop.ws, "SELECT account, COUNT(*) FROM api_lines WHERE channel = 'cafe24' GROUP BY 1"))
    assert accounts == {f"cafe24:{MALL}:1": len(shop.day.cafe24), f"cafe24:{MALL}:2": len(second.cafe24)}
    assert any("2번 쇼핑몰" in d for d in ctx.report.done)
    shop.ship_and_track()
    invoice(shop.ctx())
    shop2 = {i["order_item_code"] for o in cafe24_orders(second.cafe24, 2) for i in o["items"]}
    posts = [r for r in shop.cafe24.requests if r.method == "POST" and r.path.endswith("/shipments")]
    assert posts and all((r.body["shop_no"] == 2) == bool(set(r.body["request"]["order_item_code"]) & shop2)
                         for r in posts)


# -- the ledger ------------------------------------------------------------------------------------------------

def test_a_v1_ledger_gets_the_api_tables_in_place(tmp_path):
    path = tmp_path / "v1.sqlite"
    old_ledger(path, 1).close()
    ledger = Ledger(path)
    assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    ledger.record_pushes([("smartstore", "1", "smartstore", "123", "sending", "")])
    assert ledger.push_states("smartstore", ["1"]) == {"1": PushState("sending", "", 1)}


# -- review findings: what an odd day does to the two routes ------------------------------------------------

def test_an_excel_read_line_keeps_its_export_row_when_the_api_reads_it_too_and_a_refusal_uploads_in_that_file(tmp_path):
    shop = make_shop(tmp_path)
    samples.write_coupang_export(shop.ws / "inbox" / "DeliveryList.xlsx", shop.day.coupang)
    collect(shop.ctx())                  # the file first, then the API sync of the same run reads every line again
    shop.later(5)
    collect(shop.ctx())
    assert ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang' AND layout_id IS NULL") == [(0,)]
    shop.ship_and_track()
    tracked = shop.tracking_of("coupang")
    refused = sorted(tracked)[0]
    shop.coupang.refuse[int(refused.split("-")[0])] = "출고중지 요청된 주문입니다"
    ctx = shop.ctx()
    invoice(ctx)
    upload = outputs(shop.ws, "쿠팡_송장업로드")
    assert len(upload) == 1 and not ctx.report.problems
    rows = as_dicts(sheet_rows(upload[0]))
    box = refused.split("-")[0]
    assert {(r["묶음배송번호"], r["운송장번호"]) for r in rows} == {(box, tracked[k]) for k in tracked if k.startswith(box)}


def test_a_refused_line_that_came_only_through_the_api_is_listed_for_typing_in(tmp_path):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    shop.ship_and_track()
    tracked = shop.tracking_of("coupang")
    refused = sorted(tracked)[0]
    shop.coupang.refuse[int(refused.split("-")[0])] = "출고중지 요청된 주문입니다"
    ctx = shop.ctx()
    invoice(ctx)
    assert not ctx.report.problems and not outputs(shop.ws, "쿠팡_송장업로드")
    typed = as_dicts(sheet_rows(outputs(shop.ws, "쿠팡_직접입력")[0]))
    box = refused.split("-")[0]
    assert {(r["주문 줄 번호"], r["운송장번호"]) for r in typed} == {(k, tracked[k]) for k in tracked if k.startswith(box)}
    assert any("직접 입력" in w for w in ctx.report.waiting)


def _fail_second_dispatch(app):
    """A WSGI wrapper: the second 발송처리 call answers 503 (the first chunk of 30 went through)."""
    calls = {"n": 0}

    def wrapped(environ, start_response):
        if environ["PATH_INFO"].endswith("/dispatch"):
            calls["n"] += 1
            if calls["n"] == 2:
                start_response("503 Service Unavailable", [("Content-Type", "application/json")])
                return [b'{"code": "GW.ERROR"}']
        return app(environ, start_response)
    return wrapped


def test_a_dispatch_failing_after_its_first_chunk_keeps_what_went_through_and_never_sends_it_again(tmp_path):
    shop = make_shop(tmp_path, lines=160, seed=4)
    collect(shop.ctx())
    shop.ship_and_track()
    tracked = shop.tracking_of("smartstore")
    assert len(tracked) > 30
    naver = shop.naver
    shop.naver = _fail_second_dispatch(naver)        # what the transport serves; the fake keeps its records
    ctx = shop.ctx()
    invoice(ctx)
    assert sum(naver.dispatch_count.values()) == 30
    sent = ledger_rows(shop.ws, "SELECT COUNT(*) FROM api_pushes WHERE channel = 'smartstore' AND state = 'sent'")
    assert sent == [(30,)]
    shop.naver = naver
    invoice(shop.ctx())
    assert set(naver.dispatch_count) == set(tracked) and set(naver.dispatch_count.values()) == {1}


def test_an_answer_not_shaped_as_documented_stops_that_channel_only(tmp_path):
    shop = make_shop(tmp_path)
    shop.naver.fail_next(200, body={"data": [{"productOrder": {"productOrderId": "1", "quantity": "많이"}}]},
                         path_contains="/query")
    ctx = shop.ctx()
    collect(ctx)
    bad = [p for p in ctx.report.problems if p.code == "api_bad"]
    assert len(bad) == 1 and "스마트스토어" in bad[0].message and "형식" in bad[0].message
    counts = dict(ledger_rows(shop.ws, "SELECT channel, COUNT(*) FROM lines GROUP BY channel"))
    assert counts == {"coupang": len(shop.day.coupang), "cafe24": len(shop.day.cafe24)}


def test_a_confirm_that_fails_before_the_push_holds_the_push_instead_of_losing_the_line(tmp_path):
    shop = make_shop(tmp_path, dropship=DROPSHIP)
    collect(shop.ctx())
    shop.ship_and_track()
    tracked = shop.tracking_of("coupang")
    shop.coupang.fail_next(503, path_contains="acknowledgement")
    invoice(shop.ctx())
    states = dict(ledger_rows(shop.ws, "SELECT line_key, state FROM api_pushes WHERE channel = 'coupang'"))
    assert "refused" not in states.values()
    waiting = set(tracked) - set(states)
    assert waiting                     # the untrusted supplier's lines: not confirmed, so not sent this run
    invoice(shop.ctx())
    assert set(shop.coupang.invoice_count) == {(int(k.split("-")[0]), int(k.split("-")[1])) for k in tracked}
    assert set(shop.coupang.invoice_count.values()) == {1}
    assert not outputs(shop.ws, "쿠팡_")


def test_an_exchanges_replacement_is_never_dispatched_through_the_api_but_listed_for_the_exchange_screen(tmp_path):
    shop = make_shop(tmp_path)
    collect(shop.ctx())
    shop.ship_and_track()
    invoice(shop.ctx())
    key, order_no = ledger_rows(shop.ws, "SELECT line_key, order_no FROM lines WHERE channel = 'smartstore' AND "
                                         "state = 'invoiced' ORDER BY line_key")[0]
    samples.write_claim_list(shop.ws / "inbox" / "교환.xlsx", [{"상품주문번호": key, "주문번호": order_no,
                                                               "교환 사유": "사이즈", "클레임 상태": "교환요청"}],
                             ["상품주문번호", "주문번호", "교환 사유", "클레임 상태"], sheet="교환관리")
    shop.later(60)
    collect(shop.ctx())
    assert ledger_rows(shop.ws, "SELECT state FROM lines WHERE line_key = ?", (f"{key}#교환",)) == [("new",)]
    ctx = shop.ctx()
    ship(ctx)
    waybill = next(p for p in ctx.report.outputs if p.name.startswith("CJ"))
    samples.write_courier_result(waybill, shop.ws / "inbox" / "결과_교환.xlsx", seed=9)
    tracking(shop.ctx())
    before = dispatch_calls(shop.naver)
    invoice(shop.ctx())
    assert dispatch_calls(shop.naver) == before and shop.naver.dispatch_count[key] == 1
    number = ledger_rows(shop.ws, "SELECT t.tracking_no FROM tracking t JOIN lines l ON l.shipment_id = t.shipment_id "
                                  "WHERE l.line_key = ?", (f"{key}#교환",))[0][0]
    rows = as_dicts(sheet_rows(outputs(shop.ws, "교환재발송")[0]))
    assert [(r["교환한 주문 줄 번호"], r["송장번호"]) for r in rows] == [(key, number)]
