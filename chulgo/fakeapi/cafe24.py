"""Fake Cafe24 Admin API (카페24), as docs/channel-apis.md describes it."""

from __future__ import annotations

import base64
import binascii
import copy
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from chulgo.fakeapi.base import KST, BadRequest, FakeApi, Recorded, Reply, bearer, json_body, parse_iso

ACCESS_LIFE = timedelta(hours=2)
REFRESH_LIFE = timedelta(days=14)
PAGE_MAX = 100
CALL_LIMIT = 40                   # the leaky bucket X-Api-Call-Limit reports: 40 calls, 2 leak out per second
SCOPES = ["mall.read_order", "mall.write_order"]


def cafe24_time(moment: datetime) -> str:
    """'2026-11-21T16:57:53.000' — the token response writes Korea time without an offset."""
    return moment.astimezone(KST).replace(tzinfo=None).isoformat(timespec="milliseconds")


def cancelled(status: str) -> bool:
    return status[:1] in ("C", "R")


class FakeCafe24(FakeApi):
    prefix = "/api/v2"
    auth_paths = ("/oauth/",)
    routes = (
        ("GET", r"/oauth/authorize", "authorize"),
        ("POST", r"/oauth/token", "token"),
        ("GET", r"/admin/orders", "on_orders"),
        ("PUT", r"/admin/orders/([^/]+)/items", "on_items"),
        ("POST", r"/admin/orders/([^/]+)/shipments", "on_ship"),
        ("GET", r"/admin/orders/([^/]+)/shipments", "on_shipments"),
    )

    def __init__(self, mall_id: str, client_id: str, client_secret: str, orders: Iterable[dict] = (), *,
                 redirect_uri: str = "http://127.0.0.1/callback", now: Callable[[], datetime] | None = None) -> None:
        super().__init__(now)
        self.mall_id = mall_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.orders: dict[str, dict] = {}                  # order_id → order (items and receivers embedded)
        self.shipments: dict[str, list[dict]] = {}         # order_id → shipments posted
        self.refuse: dict[str, str] = {}                   # order_id → message (422 on shipments)
        self.shipment_count: Counter[str] = Counter()      # order_item_code → shipments posted
        self.codes: dict[str, str] = {}                    # authorization code → redirect_uri
        self.access: dict[str, datetime] = {}              # access token → expires at
        self.refresh: dict[str, datetime] = {}             # the live refresh token(s) → expires at
        self.refresh_count = 0
        self._bucket = (0.0, None)                         # (calls in the bucket, when last counted)
        self._shipping_seq = 0
        for order in orders:
            self.add(order)

    def error_body(self, status: int, message: str) -> dict:
        return {"error": {"code": status, "message": message}}

    def ip_body(self, ip: str) -> dict:
        return self.error_body(403, f"허용되지 않은 IP입니다 ({ip}). Access from this IP is not allowed.")

    # -- seller / buyer side --------------------------------------------------------------------------------

    def add(self, order: dict) -> None:
        order = copy.deepcopy(order)
        order.setdefault("shop_no", 1)
        order.setdefault("items", [])
        order.setdefault("receivers", [])
        self.orders[str(order["order_id"])] = order

    def cancel(self, order_item_code: str) -> None:
        for order in self.orders.values():
            for item in order["items"]:
                if item["order_item_code"] == order_item_code:
                    item["order_status"] = "C40"
                    if all(cancelled(i["order_status"]) for i in order["items"]):
                        order["canceled"] = "T"
                    return
        raise KeyError(order_item_code)

    def issue_code(self) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = self.redirect_uri
        return code

    def expire_tokens(self) -> None:
        self.access.clear()

    # -- OAuth ----------------------------------------------------------------------------------------------

    def authorize(self, request: Recorded) -> Reply:
        q = request.query
        if q.get("response_type") != "code" or q.get("client_id") != self.client_id \
                or q.get("redirect_uri") != self.redirect_uri:
            return 400, {"error": "invalid_request", "error_description": "client_id or redirect_uri is wrong"}
        code = self.issue_code()
        return 302, None, {"Location": f"{self.redirect_uri}?{urlencode({'code': code, 'state': q.get('state', '')})}"}

    def token(self, request: Recorded) -> Reply:
        auth = request.headers.get("Authorization", "")
        try:
            user = base64.b64decode(auth[6:], validate=True).decode() if auth[:6].lower() == "basic " else ""
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user != f"{self.client_id}:{self.client_secret}":
            return 401, {"error": "invalid_client", "error_description": "client_id or client_secret is wrong"}
        form = request.body if isinstance(request.body, dict) else {}
        now = self.now()
        if form.get("grant_type") == "authorization_code":
            uri = self.codes.pop(str(form.get("code", "")), None)       # a code works once
            if uri is None or form.get("redirect_uri", uri) != uri:
                return 400, {"error": "invalid_grant", "error_description": "authorization code is invalid"}
        elif form.get("grant_type") == "refresh_token":
            until = self.refresh.pop(str(form.get("refresh_token", "")), None)
            if until is None or until < now:
                return 400, {"error": "invalid_grant", "error_description": "refresh_token is invalid or expired"}
            self.refresh_count += 1
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": "grant_type"}
        self.refresh.clear()                        # only the newest refresh token works
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = now + ACCESS_LIFE
        self.refresh[refresh] = now + REFRESH_LIFE
        return 200, {"access_token": access, "expires_at": cafe24_time(now + ACCESS_LIFE), "refresh_token": refresh,
                     "refresh_token_expires_at": cafe24_time(now + REFRESH_LIFE), "client_id": self.client_id,
                     "mall_id": self.mall_id, "user_id": "fake_admin", "scopes": SCOPES,
                     "issued_at": cafe24_time(now)}

    # -- admin ----------------------------------------------------------------------------------------------

    def _answer(self, request: Recorded, ip: str) -> Reply:
        reply = super()._answer(request, ip)
        if "/admin/" not in request.path:
            return reply
        headers = dict(reply[2]) if len(reply) > 2 else {}
        headers["X-Api-Call-Limit"] = f"{self._count_call()}/{CALL_LIMIT}"
        return reply[0], reply[1], headers

    def _count_call(self) -> int:
        used, last = self._bucket
        now = self.now()
        if last is not None:
            used = max(0.0, used - 2 * max(0.0, (now - last).total_seconds()))
        used = min(float(CALL_LIMIT), used + 1)
        self._bucket = (used, now)
        return max(1, round(used))

    def _admin(self, request: Recorded) -> None:
        until = self.access.get(bearer(request))
        if until is None or until < self.now():
            raise BadRequest("Invalid access_token or the access_token has expired.", 401)
        if not request.headers.get("X-Cafe24-Api-Version"):
            raise BadRequest("X-Cafe24-Api-Version header is required.", 400)

    def _order(self, order_id: str, shop_no: object) -> dict:
        order = self.orders.get(order_id)
        if order is None or str(order["shop_no"]) != str(shop_no or 1):
            raise BadRequest(f"주문을 찾을 수 없습니다 ({order_id}).", 404)
        return order

    def on_orders(self, request: Recorded) -> Reply:
        self._admin(request)
        q = request.query
        try:
            start, end = date.fromisoformat(q["start_date"]), date.fromisoformat(q["end_date"])
        except (KeyError, ValueError):
            raise BadRequest("start_date and end_date (YYYY-MM-DD) are required.") from None
        limit, offset = q.get("limit") or "10", q.get("offset") or "0"
        if not limit.isdigit() or not 1 <= int(limit) <= PAGE_MAX or not offset.isdigit():
            raise BadRequest(f"limit must be 1..{PAGE_MAX} and offset a number.")
        field = "payment_date" if q.get("date_type") == "pay_date" else "order_date"
        shop = str(q.get("shop_no") or 1)

        def day(order: dict) -> date | None:
            return parse_iso(order[field]).date() if order.get(field) else None

        found = sorted((o for o in self.orders.values()
                        if str(o["shop_no"]) == shop and (d := day(o)) is not None and start <= d <= end),
                       key=lambda o: (parse_iso(o["order_date"]), str(o["order_id"])))
        page = found[int(offset):int(offset) + int(limit)]
        return 200, {"orders": copy.deepcopy(page)}

    def on_items(self, request: Recorded, order_id: str) -> Reply:
        self._admin(request)
        body = json_body(request)
        order = self._order(order_id, body.get("shop_no"))
        wanted = body.get("requests")
        if not isinstance(wanted, list) or not wanted:
            raise BadRequest("requests is required.")
        by_code = {i["order_item_code"]: i for i in order["items"]}
        for r in wanted:
            item = by_code.get(r.get("order_item_code"))
            if item is None:
                raise BadRequest(f"품목별 주문번호가 없습니다 ({r.get('order_item_code')}).", 404)
            if cancelled(item["order_status"]):
                raise BadRequest(f"취소·반품된 품목은 바꿀 수 없습니다 ({item['order_item_code']}).", 422)
        for r in wanted:
            by_code[r["order_item_code"]]["order_status"] = r.get("status")
        return 200, {"items": [{"order_item_code": r["order_item_code"], "status": r.get("status")} for r in wanted]}

    def on_ship(self, request: Recorded, order_id: str) -> Reply:
        self._admin(request)
        body = json_body(request)
        order = self._order(order_id, body.get("shop_no"))
        req = body.get("request") if isinstance(body.get("request"), dict) else {}
        codes = req.get("order_item_code")
        if isinstance(codes, str):
            codes = [codes]
        if not codes or not req.get("tracking_no") or not req.get("shipping_company_code"):
            raise BadRequest("tracking_no, shipping_company_code and order_item_code are required.")
        by_code = {i["order_item_code"]: i for i in order["items"]}
        if order_id in self.refuse:
            raise BadRequest(self.refuse[order_id], 422)
        for code in codes:
            if code not in by_code:
                raise BadRequest(f"품목별 주문번호가 없습니다 ({code}).", 422)
            if cancelled(by_code[code]["order_status"]):
                raise BadRequest(f"취소·반품된 품목에는 송장을 등록할 수 없습니다 ({code}).", 422)
        self._shipping_seq += 1
        shipping_code = f"D-{self.now().strftime('%Y%m%d')}-{self._shipping_seq:07d}-00"
        shipment = {"shop_no": order["shop_no"], "shipping_code": shipping_code, "order_item_code": list(codes),
                    "tracking_no": str(req["tracking_no"]), "shipping_company_code": str(req["shipping_company_code"]),
                    "status": req.get("status") or "shipping"}
        for code in codes:
            by_code[code].update(order_status="N30", tracking_no=shipment["tracking_no"],
                                 shipping_company_code=shipment["shipping_company_code"], shipping_code=shipping_code)
            self.shipment_count[code] += 1
        self.shipments.setdefault(order_id, []).append(shipment)
        return 201, {"shipment": copy.deepcopy(shipment)}

    def on_shipments(self, request: Recorded, order_id: str) -> Reply:
        self._admin(request)
        self._order(order_id, request.query.get("shop_no"))
        return 200, {"shipments": copy.deepcopy(self.shipments.get(order_id, []))}
