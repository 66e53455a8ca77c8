"""The fake channel APIs' own contract (docs/channel-apis.md), spoken to with plain httpx and small local signers."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

import bcrypt
import httpx
import pytest

from chulgo import samples
from chulgo.fakeapi import FakeCafe24, FakeCoupang, FakeNaver, serve
from chulgo.fakeapi.base import KST
from chulgo.fakeapi.orders import cafe24_orders, coupang_sheets, naver_orders

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=KST)
DAY = samples.generate_day(seed=3, lines=40, day=NOW.date() - timedelta(days=1))


def client(fake) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=fake), base_url="http://fake")


# -- 스마트스토어 -----------------------------------------------------------------------------------------------

NAVER_ID = "naver-app"
NAVER_SECRET = bcrypt.gensalt(4).decode()
ORDERS = "/external/v1/pay-order/seller/product-orders"


def naver_token_form(secret: str = NAVER_SECRET, at: datetime = NOW) -> dict:
    timestamp = str(int(at.timestamp() * 1000))
    sign = base64.b64encode(bcrypt.hashpw(f"{NAVER_ID}_{timestamp}".encode(), secret.encode())).decode()
    return {"client_id": NAVER_ID, "timestamp": timestamp, "client_secret_sign": sign,
            "grant_type": "client_credentials", "type": "SELF"}


@pytest.fixture
def naver() -> FakeNaver:
    return FakeNaver(NAVER_ID, NAVER_SECRET, naver_orders(DAY.smartstore), now=lambda: NOW)


def naver_client(fake: FakeNaver) -> httpx.Client:
    c = client(fake)
    got = c.post("/external/v1/oauth2/token", data=naver_token_form())
    assert got.status_code == 200, got.text
    c.headers["Authorization"] = f"Bearer {got.json()['access_token']}"
    return c


def test_naver_token_needs_the_right_bcrypt_signature_and_a_fresh_timestamp(naver):
    c = client(naver)
    got = c.post("/external/v1/oauth2/token", data=naver_token_form())
    assert got.status_code == 200
    assert got.json()["expires_in"] == 10800 and got.json()["token_type"] == "Bearer"
    other = bcrypt.gensalt(4).decode()
    for form in (naver_token_form(secret=other), naver_token_form(at=NOW - timedelta(minutes=11))):
        bad = c.post("/external/v1/oauth2/token", data=form)
        assert bad.status_code == 401 and bad.json()["code"] == "GW.AUTHN"
    assert naver.tokens_issued == 1
    assert c.get(f"{ORDERS}/last-changed-statuses", params={"lastChangedFrom": NOW.isoformat()}).status_code == 401


def test_naver_expired_tokens_and_blocked_ip(naver):
    c = naver_client(naver)
    params = {"lastChangedFrom": (NOW - timedelta(hours=20)).isoformat(), "lastChangedTo": NOW.isoformat()}
    assert c.get(f"{ORDERS}/last-changed-statuses", params=params).status_code == 200
    naver.expire_tokens()
    got = c.get(f"{ORDERS}/last-changed-statuses", params=params)
    assert got.status_code == 401 and got.json()["code"] == "GW.AUTHN"
    naver.block_ip = True
    got = c.post("/external/v1/oauth2/token", data=naver_token_form())
    assert got.status_code == 403 and got.json()["code"] == "GW.IP_NOT_ALLOWED"


def test_naver_refuses_a_range_over_24_hours(naver):
    c = naver_client(naver)
    got = c.get(f"{ORDERS}/last-changed-statuses", params={
        "lastChangedFrom": (NOW - timedelta(hours=24, minutes=1)).isoformat(), "lastChangedTo": NOW.isoformat()})
    assert got.status_code == 400 and got.json()["code"] and got.json()["message"]


def test_naver_paging_returns_every_change_once():
    base = naver_orders(DAY.smartstore)[:5]
    for i, obj in enumerate(base):          # two share a time, so the page break falls inside equal times
        obj["lastChangedDate"] = (NOW - timedelta(hours=3) + timedelta(minutes=min(i, 3))).isoformat()
    fake = FakeNaver(NAVER_ID, NAVER_SECRET, base, now=lambda: NOW)
    fake.page_size = 2
    c = naver_client(fake)
    end = NOW.isoformat(timespec="milliseconds")
    params = {"lastChangedFrom": (NOW - timedelta(hours=4)).isoformat(timespec="milliseconds"), "lastChangedTo": end}
    seen, pages = [], 0
    while True:
        data = c.get(f"{ORDERS}/last-changed-statuses", params=params).json()["data"]
        pages += 1
        assert data["count"] == len(data["lastChangeStatuses"]) <= 2
        seen += [x["productOrderId"] for x in data["lastChangeStatuses"]]
        if "more" not in data:
            break
        params = {"lastChangedFrom": data["more"]["moreFrom"], "lastChangedTo": end,
                  "moreSequence": data["more"]["moreSequence"]}
    assert pages == 3
    assert sorted(seen) == sorted(o["productOrder"]["productOrderId"] for o in base)


def test_naver_query_confirm_and_dispatch(naver):
    c = naver_client(naver)
    rows = DAY.smartstore
    active = [r["상품주문번호"] for r in rows if r["주문상태"] != "취소"]
    gone = next(r["상품주문번호"] for r in rows if r["주문상태"] == "취소")
    got = c.post(f"{ORDERS}/query", json={"productOrderIds": active[:3] + ["nope"]}).json()["data"]
    assert [d["productOrder"]["productOrderId"] for d in got] == active[:3]
    assert c.post(f"{ORDERS}/query", json={"productOrderIds": ["1"] * 301}).status_code == 400

    data = c.post(f"{ORDERS}/confirm", json={"productOrderIds": [active[0], gone]}).json()["data"]
    assert [x["productOrderId"] for x in data["successProductOrderInfos"]] == [active[0]]
    assert [x["productOrderId"] for x in data["failProductOrderInfos"]] == [gone]
    assert naver.confirmed == [active[0]]

    def item(pid: str) -> dict:
        return {"productOrderId": pid, "deliveryMethod": "DELIVERY", "deliveryCompanyCode": "CJGLS",
                "trackingNumber": "612345678901", "dispatchDate": NOW.isoformat()}

    assert c.post(f"{ORDERS}/dispatch", json={"dispatchProductOrders": [item(active[0])] * 31}).status_code == 400
    naver.refuse[active[1]] = ("DELIVERY_COMPANY_INVALID", "택배사 코드가 올바르지 않습니다")
    naver.request_claim(active[2])
    data = c.post(f"{ORDERS}/dispatch", json={"dispatchProductOrders": [
        item(active[0]), item(active[1]), item(active[2]), item(gone), item(active[0])]}).json()["data"]
    assert data["successProductOrderIds"] == [active[0]]
    fails = {x["productOrderId"]: x["code"] for x in data["failProductOrderInfos"]}
    assert fails == {active[0]: "INVALID_STATUS", active[1]: "DELIVERY_COMPANY_INVALID", active[2]: "CLAIM_EXISTS",
                     gone: "INVALID_STATUS"}
    assert naver.dispatch_count == {active[0]: 1}
    shipped = c.post(f"{ORDERS}/query", json={"productOrderIds": [active[0]]}).json()["data"][0]
    assert shipped["productOrder"]["productOrderStatus"] == "DELIVERING"
    assert shipped["delivery"]["trackingNumber"] == "612345678901"
    changes = c.get(f"{ORDERS}/last-changed-statuses", params={
        "lastChangedFrom": (NOW - timedelta(minutes=1)).isoformat()}).json()["data"]["lastChangeStatuses"]
    assert {(x["productOrderId"], x["lastChangedType"]) for x in changes} == {
        (active[0], "DISPATCHED"), (active[2], "CLAIM_REQUESTED")}


def test_failure_injection_and_retry_after(naver):
    c = client(naver)
    naver.fail_next(429, times=2, retry_after=3, path_contains="/query")
    assert c.post("/external/v1/oauth2/token", data=naver_token_form()).status_code == 200
    for _ in range(2):
        got = c.post(f"{ORDERS}/query", json={"productOrderIds": []})
        assert got.status_code == 429 and got.headers["Retry-After"] == "3" and got.json()["code"] == "GW.RATE_LIMIT"
    assert c.post(f"{ORDERS}/query", json={"productOrderIds": []}).status_code == 401     # no token: real again
    assert len(naver.requests) == 4 and naver.requests[0].body["client_id"] == NAVER_ID

    naver.fail_next(500)                      # no path_contains: the token call is spared, the next API call is hit
    assert c.post("/external/v1/oauth2/token", data=naver_token_form()).status_code == 200
    assert c.post(f"{ORDERS}/query", json={"productOrderIds": []}).status_code == 500
    naver.fail_next(503, path_contains="/oauth2/token")
    assert c.post("/external/v1/oauth2/token", data=naver_token_form()).status_code == 503


# -- 쿠팡 -------------------------------------------------------------------------------------------------------

VENDOR, ACCESS, SECRET = "A00012345", "ak-test", "sk-test"
V5 = f"/v2/providers/openapi/apis/api/v5/vendors/{VENDOR}"
V4 = f"/v2/providers/openapi/apis/api/v4/vendors/{VENDOR}"


def cea(method: str, path: str, query: str, *, secret: str = SECRET, at: datetime = NOW) -> dict:
    signed = at.astimezone(timezone.utc).strftime("%y%m%dT%H%M%SZ")
    sig = hmac.new(secret.encode(), f"{signed}{method}{path}{query}".encode(), hashlib.sha256).hexdigest()
    return {"Authorization": f"CEA algorithm=HmacSHA256, access-key={ACCESS}, signed-date={signed}, signature={sig}"}


def coupang_call(c: httpx.Client, method: str, path: str, params: dict | None = None, json=None, **sign):
    query = urlencode(params or {})
    return c.request(method, f"{path}?{query}" if query else path, json=json, headers=cea(method, path, query, **sign))


@pytest.fixture
def coupang() -> FakeCoupang:
    return FakeCoupang(VENDOR, ACCESS, SECRET, coupang_sheets(DAY.coupang), now=lambda: NOW)


def sheet_params(status: str = "ACCEPT", **more) -> dict:
    days = sorted(r["주문일"][:10] for r in DAY.coupang)
    return {"createdAtFrom": days[0], "createdAtTo": days[-1], "status": status, "maxPerPage": 50} | more


def test_coupang_signature(coupang):
    c = client(coupang)
    assert coupang_call(c, "GET", f"{V5}/ordersheets", sheet_params()).status_code == 200
    assert coupang_call(c, "GET", f"{V5}/ordersheets", sheet_params(), secret="wrong").status_code == 401
    stale = coupang_call(c, "GET", f"{V5}/ordersheets", sheet_params(), at=NOW - timedelta(minutes=6))
    assert stale.status_code == 401 and stale.json()["code"] == 401
    query = urlencode(sheet_params())
    other = urlencode(sheet_params(status="INSTRUCT"))
    got = c.get(f"{V5}/ordersheets?{query}", headers=cea("GET", f"{V5}/ordersheets", other))
    assert got.status_code == 401
    coupang.block_ip = True
    got = coupang_call(c, "GET", f"{V5}/ordersheets", sheet_params())
    assert got.status_code == 403 and "허용되지 않은 IP" in got.json()["message"]


def test_coupang_next_token_paging_returns_every_sheet_once(coupang):
    c = client(coupang)
    assert coupang_call(c, "GET", f"{V5}/ordersheets", sheet_params(maxPerPage=51)).status_code == 400
    seen, params = [], sheet_params(maxPerPage=3)
    while True:
        got = coupang_call(c, "GET", f"{V5}/ordersheets", params).json()
        assert got["code"] == 200 and len(got["data"]) <= 3
        seen += [s["shipmentBoxId"] for s in got["data"]]
        if not got["nextToken"]:
            break
        params = params | {"nextToken": got["nextToken"]}
    assert sorted(seen) == sorted(coupang.sheets) and len(seen) > 3
    assert coupang_call(c, "GET", f"{V5}/ordersheets", sheet_params(status="INSTRUCT")).json()["data"] == []


def test_coupang_invoices_only_after_acknowledgement(coupang):
    c = client(coupang)
    box, sheet = next(iter(coupang.sheets.items()))
    item = sheet["orderItems"][0]["vendorItemId"]
    dto = {"shipmentBoxId": box, "orderId": sheet["orderId"], "deliveryCompanyCode": "CJGLS",
           "invoiceNumber": "612345678901", "vendorItemId": item, "splitShipping": False,
           "preSplitShipped": False, "estimatedShippingDate": ""}
    invoice = {"vendorId": VENDOR, "orderSheetInvoiceApplyDtos": [dto]}
    got = coupang_call(c, "POST", f"{V4}/orders/invoices", json=invoice).json()["data"]
    assert got["responseList"][0]["succeed"] is False and coupang.invoice_count == {}

    others = [b for b in coupang.sheets if b != box]
    coupang.cancel(others[0])
    ack = {"vendorId": VENDOR, "shipmentBoxIds": [box, others[0], 999]}
    got = coupang_call(c, "PATCH", f"{V4}/ordersheets/acknowledgement", json=ack).json()["data"]
    assert [r["succeed"] for r in got["responseList"]] == [True, False, False] and got["responseCode"] == 1
    assert coupang.sheets[box]["status"] == "INSTRUCT"
    again = coupang_call(c, "PATCH", f"{V4}/ordersheets/acknowledgement", json={"vendorId": VENDOR,
                                                                                 "shipmentBoxIds": [box]})
    assert again.json()["data"]["responseList"][0]["succeed"] is True
    too_many = {"vendorId": VENDOR, "shipmentBoxIds": list(range(51))}
    assert coupang_call(c, "PATCH", f"{V4}/ordersheets/acknowledgement", json=too_many).status_code == 400

    got = coupang_call(c, "POST", f"{V4}/orders/invoices", json=invoice).json()["data"]
    assert got["responseList"][0]["succeed"] is True and got["responseCode"] == 0
    assert coupang.invoice_count == {(box, item): 1}
    one = coupang_call(c, "GET", f"{V4}/ordersheets/{box}").json()["data"]
    assert one["status"] == "DEPARTURE" and one["orderItems"][0]["invoiceNumber"] == "612345678901"
    assert coupang_call(c, "GET", f"{V4}/ordersheets/1").status_code == 404

    coupang.set_status(others[1], "INSTRUCT")
    coupang.refuse[others[1]] = "송장번호가 중복되었습니다"
    refused = dto | {"shipmentBoxId": others[1],
                     "vendorItemId": coupang.sheets[others[1]]["orderItems"][0]["vendorItemId"]}
    got = coupang_call(c, "POST", f"{V4}/orders/invoices", json={"vendorId": VENDOR,
                                                                 "orderSheetInvoiceApplyDtos": [refused]})
    assert got.json()["data"]["responseList"][0]["resultMessage"] == "송장번호가 중복되었습니다"


# -- 카페24 -----------------------------------------------------------------------------------------------------

MALL, CAFE_ID, CAFE_SECRET = "harushop", "cafe-client", "cafe-secret"
VERSION = {"X-Cafe24-Api-Version": "2025-12-01"}


@pytest.fixture
def cafe24() -> FakeCafe24:
    orders = cafe24_orders(DAY.cafe24) + cafe24_orders(DAY.cafe24[:1], shop_no=2)
    orders[-1]["order_id"] = "shop2-order"
    return FakeCafe24(MALL, CAFE_ID, CAFE_SECRET, orders, now=lambda: NOW)


def cafe24_tokens(c: httpx.Client, fake: FakeCafe24) -> dict:
    got = c.post("/api/v2/oauth/token", auth=(CAFE_ID, CAFE_SECRET), data={
        "grant_type": "authorization_code", "code": fake.issue_code(), "redirect_uri": fake.redirect_uri})
    assert got.status_code == 200, got.text
    return got.json()


def test_cafe24_oauth(cafe24):
    c = client(cafe24)
    got = c.get("/api/v2/oauth/authorize", params={"response_type": "code", "client_id": CAFE_ID, "state": "xyz",
                                                   "redirect_uri": cafe24.redirect_uri,
                                                   "scope": "mall.read_order,mall.write_order"})
    assert got.status_code == 302
    location = urlsplit(got.headers["Location"])
    back = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert location._replace(query="").geturl() == cafe24.redirect_uri and back["state"] == "xyz"

    form = {"grant_type": "authorization_code", "code": back["code"], "redirect_uri": cafe24.redirect_uri}
    bad = c.post("/api/v2/oauth/token", auth=(CAFE_ID, "wrong"), data=form)
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    first = c.post("/api/v2/oauth/token", auth=(CAFE_ID, CAFE_SECRET), data=form).json()
    assert first["mall_id"] == MALL and first["expires_at"] == "2026-11-22T11:00:00.000"
    assert c.post("/api/v2/oauth/token", auth=(CAFE_ID, CAFE_SECRET), data=form).json()["error"] == "invalid_grant"

    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = c.post("/api/v2/oauth/token", auth=(CAFE_ID, CAFE_SECRET), data=refresh).json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    old = c.post("/api/v2/oauth/token", auth=(CAFE_ID, CAFE_SECRET), data=refresh)
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    assert cafe24.refresh_count == 1


def test_cafe24_orders_need_a_token_and_the_version_header_and_filter_by_shop(cafe24):
    c = client(cafe24)
    token = cafe24_tokens(c, cafe24)["access_token"]
    days = sorted(r["주문일시"][:10] for r in DAY.cafe24)
    assert days[0] < days[-1]
    params = {"start_date": days[0], "end_date": days[-1], "date_type": "order_date", "embed": "items,receivers",
              "limit": 100}
    auth = {"Authorization": f"Bearer {token}"}
    got = c.get("/api/v2/admin/orders", params=params, headers=auth)
    assert got.status_code == 400 and got.json()["error"]["code"] == 400
    got = c.get("/api/v2/admin/orders", params=params, headers=auth | VERSION)
    assert got.status_code == 200 and got.headers["X-Api-Call-Limit"].endswith("/40")
    ids = [o["order_id"] for o in got.json()["orders"]]
    assert ids == sorted({r["주문번호"] for r in DAY.cafe24})
    one_day = c.get("/api/v2/admin/orders", params=params | {"start_date": days[-1]}, headers=auth | VERSION)
    assert [o["order_id"] for o in one_day.json()["orders"]] == sorted(
        {r["주문번호"] for r in DAY.cafe24 if r["주문일시"].startswith(days[-1])})
    shop2 = c.get("/api/v2/admin/orders", params=params | {"shop_no": 2}, headers=auth | VERSION).json()["orders"]
    assert [o["order_id"] for o in shop2] == ["shop2-order"]
    assert c.get("/api/v2/admin/orders", params=params | {"limit": 101}, headers=auth | VERSION).status_code == 400
    paged = c.get("/api/v2/admin/orders", params=params | {"limit": 2, "offset": 1}, headers=auth | VERSION)
    assert [o["order_id"] for o in paged.json()["orders"]] == ids[1:3]
    cafe24.expire_tokens()
    got = c.get("/api/v2/admin/orders", params=params, headers=auth | VERSION)
    assert got.status_code == 401 and got.json()["error"]["code"] == 401


def test_cafe24_item_status_and_shipments(cafe24):
    c = client(cafe24)
    headers = {"Authorization": f"Bearer {cafe24_tokens(c, cafe24)['access_token']}"} | VERSION
    order = next(o for o in cafe24.orders.values() if len(o["items"]) >= 2 and o["shop_no"] == 1)
    oid, (one, two) = order["order_id"], [i["order_item_code"] for i in order["items"][:2]]
    got = c.put(f"/api/v2/admin/orders/{oid}/items", headers=headers,
                json={"shop_no": 1, "requests": [{"order_item_code": one, "status": "N20"}]})
    assert got.json() == {"items": [{"order_item_code": one, "status": "N20"}]}
    assert c.put("/api/v2/admin/orders/nope/items", headers=headers,
                 json={"shop_no": 1, "requests": [{"order_item_code": one, "status": "N20"}]}).status_code == 404

    cafe24.cancel(two)
    request = {"tracking_no": "612345678901", "shipping_company_code": "0006", "status": "shipping"}
    got = c.post(f"/api/v2/admin/orders/{oid}/shipments", headers=headers,
                 json={"shop_no": 1, "request": request | {"order_item_code": [one, two]}})
    assert got.status_code == 422 and got.json()["error"]["code"] == 422
    got = c.post(f"/api/v2/admin/orders/{oid}/shipments", headers=headers,
                 json={"shop_no": 1, "request": request | {"order_item_code": [one]}})
    assert got.status_code == 201 and got.json()["shipment"]["tracking_no"] == "612345678901"
    assert cafe24.shipment_count == {one: 1}
    listed = c.get(f"/api/v2/admin/orders/{oid}/shipments", params={"shop_no": 1}, headers=headers).json()
    assert [s["order_item_code"] for s in listed["shipments"]] == [[one]]
    assert cafe24.orders[oid]["items"][0]["order_status"] == "N30"
    cafe24.refuse[oid] = "이미 배송중인 주문입니다"
    got = c.post(f"/api/v2/admin/orders/{oid}/shipments", headers=headers,
                 json={"shop_no": 1, "request": request | {"order_item_code": [one]}})
    assert got.status_code == 422 and got.json()["error"]["message"] == "이미 배송중인 주문입니다"


# -- converters and serve -----------------------------------------------------------------------------------

def test_converters_cover_every_row():
    naver = naver_orders(DAY.smartstore)
    assert [o["productOrder"]["productOrderId"] for o in naver] == [r["상품주문번호"] for r in DAY.smartstore]
    sheets = coupang_sheets(DAY.coupang)
    pairs = [f"{s['shipmentBoxId']}-{i['vendorItemId']}" for s in sheets for i in s["orderItems"]]
    assert sorted(pairs) == sorted(f"{r['묶음배송번호']}-{r['옵션ID']}" for r in DAY.coupang)
    orders = cafe24_orders(DAY.cafe24)
    assert sorted(i["order_item_code"] for o in orders for i in o["items"]) == sorted(
        r["품목별 주문번호"] for r in DAY.cafe24)
    cancelled = {r["상품주문번호"] for r in DAY.smartstore if r["주문상태"] == "취소"}
    assert cancelled and {o["productOrder"]["productOrderId"] for o in naver
                          if o["productOrder"]["productOrderStatus"] == "CANCELED"} == cancelled


def _excel_lines(tmp_path, name: str, rows: list[dict]) -> dict:
    from chulgo.channels import load_channels
    from chulgo.files import read_tables
    writer = getattr(samples, f"write_{name}_export")
    path = writer(tmp_path / f"{name}.xlsx", rows, **({"password": None} if name == "smartstore" else {}))
    out = {}
    channel = load_channels(None)[name]
    for table in read_tables(path, {}):
        hr = channel.identify(table)
        if hr >= 0:
            out |= {ln.line_key: ln for ln in channel.read_orders(dataclasses.replace(table, header_row=hr))}
    return out


def _view(line) -> tuple:
    r = line.recipient
    return (line.order_no, line.bundle_key, line.product_code, line.option_code, line.product_name,
            line.option_text, line.quantity, r.name, r.phone, r.zip, r.address, r.message, line.ordered_at)


def _local(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def test_converted_orders_carry_the_excel_texts(tmp_path):
    """What the channel template reads from the Excel export is what the JSON says, field by field."""
    excel = _excel_lines(tmp_path, "smartstore", DAY.smartstore)
    for o in naver_orders(DAY.smartstore):
        p, a = o["productOrder"], o["productOrder"]["shippingAddress"]
        api = (o["order"]["orderId"], p["packageNumber"], p["productId"], p["optionManageCode"], p["productName"],
               p["productOption"], p["quantity"], a["name"], a["tel1"], a["zipCode"],
               " ".join(f"{a['baseAddress']} {a['detailAddress']}".split()), p["shippingMemo"],
               _local(o["order"]["orderDate"]))
        assert api == _view(excel[p["productOrderId"]])

    excel = _excel_lines(tmp_path, "coupang", DAY.coupang)
    for s in coupang_sheets(DAY.coupang):
        rc = s["receiver"]
        for i in s["orderItems"]:
            api = (str(s["orderId"]), str(s["shipmentBoxId"]), str(i["sellerProductId"]), str(i["vendorItemId"]),
                   i["sellerProductName"], i["sellerProductItemName"], i["shippingCount"], rc["name"],
                   rc["safeNumber"], rc["postCode"], f"{rc['addr1']} {rc['addr2']}".strip(), s["parcelPrintMessage"],
                   s["orderedAt"].replace("T", " "))
            assert api == _view(excel[f"{s['shipmentBoxId']}-{i['vendorItemId']}"])

    excel = _excel_lines(tmp_path, "cafe24", DAY.cafe24)
    for o in cafe24_orders(DAY.cafe24):
        rc = o["receivers"][0]
        for i in o["items"]:
            api = (o["order_id"], o["order_id"], str(i["product_no"]), i["variant_code"], i["product_name"],
                   i["option_value"], i["quantity"], rc["name"], rc["cellphone"], rc["zipcode"], rc["address_full"],
                   rc["shipping_message"], _local(o["order_date"]))
            assert api == _view(excel[i["order_item_code"]])


def test_serve_runs_the_fakes_on_localhost(naver):
    urls, stop = serve({"naver": naver})
    try:
        with httpx.Client(base_url=urls["naver"] + "/external") as c:
            got = c.post("/v1/oauth2/token", data=naver_token_form())
            assert got.status_code == 200 and got.json()["access_token"]
    finally:
        stop()
