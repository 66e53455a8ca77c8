"""Fake Naver Commerce API (스마트스토어), as docs/channel-apis.md describes it."""

from __future__ import annotations

import base64
import binascii
import copy
import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import bcrypt

from chulgo.fakeapi.base import KST, BadRequest, FakeApi, Recorded, Reply, bearer, json_body, parse_iso

ORDERS = "/v1/pay-order/seller/product-orders"
TIMESTAMP_SLACK = timedelta(minutes=10)
LONGEST_RANGE = timedelta(hours=24)
QUERY_MAX = 300
DISPATCH_MAX = 30
CANCELLED = ("CANCELED", "RETURNED", "CANCELED_BY_NOPAYMENT")
ERROR_CODES = {400: "INVALID_INPUT", 401: "GW.AUTHN", 403: "GW.IP_NOT_ALLOWED", 404: "NOT_FOUND",
               429: "GW.RATE_LIMIT", 500: "GW.INTERNAL_SERVER_ERROR", 503: "GW.SERVICE_UNAVAILABLE"}


def iso(moment: datetime) -> str:
    """'2026-11-21T13:15:44.000+09:00', the way Naver writes times."""
    return moment.astimezone(KST).isoformat(timespec="milliseconds")


def _ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class FakeNaver(FakeApi):
    prefix = "/external"
    auth_paths = ("/oauth2/token",)
    routes = (
        ("POST", r"/v1/oauth2/token", "token"),
        ("GET", ORDERS + r"/last-changed-statuses", "changed"),
        ("POST", ORDERS + r"/query", "query"),
        ("POST", ORDERS + r"/confirm", "confirm"),
        ("POST", ORDERS + r"/dispatch", "dispatch"),
    )

    def __init__(self, client_id: str, client_secret: str, orders: Iterable[dict] = (), *,
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__(now)
        self.client_id = client_id
        self.client_secret = client_secret          # a bcrypt salt, e.g. bcrypt.gensalt(4).decode()
        self.orders: dict[str, dict] = {}           # productOrderId → {"order", "productOrder", "delivery"?,
        #                                             "lastChangedDate": aware datetime, "lastChangedType"}
        self.page_size = 300
        self.clock_slack: timedelta | None = TIMESTAMP_SLACK   # None: take any token timestamp
        self.tokens: set[str] = set()
        self.tokens_issued = 0
        self.confirmed: list[str] = []
        self.dispatch_count: Counter[str] = Counter()
        self.refuse: dict[str, tuple[str, str]] = {}     # productOrderId → (code, message) on dispatch
        for order in orders:
            self.add(order)

    def error_body(self, status: int, message: str) -> dict:
        return {"code": ERROR_CODES.get(status, f"HTTP_{status}"), "message": message}

    def ip_body(self, ip: str) -> dict:
        return {"code": "GW.IP_NOT_ALLOWED", "message": f"허용되지 않은 IP입니다 ({ip})."}

    # -- seller / buyer side --------------------------------------------------------------------------------

    def add(self, order_obj: dict) -> None:
        """A query-response object; top-level lastChangedDate (ISO or datetime) and lastChangedType are optional."""
        obj = copy.deepcopy(order_obj)
        changed = obj.pop("lastChangedDate", None)
        kind = obj.pop("lastChangedType", None)
        order, product = obj.setdefault("order", {}), obj.setdefault("productOrder", {})
        if changed is None:
            changed = order.get("paymentDate") or order.get("orderDate") or self.now()
        obj["lastChangedDate"] = _ms(parse_iso(changed) if isinstance(changed, str) else changed.astimezone(KST))
        if kind is None:
            claim = str(product.get("claimStatus") or "")
            kind = ("CLAIM_COMPLETED" if product.get("productOrderStatus") in CANCELLED
                    else "CLAIM_REQUESTED" if claim.endswith("_REQUEST") else "PAYED")
        obj["lastChangedType"] = kind
        self.orders[str(product["productOrderId"])] = obj

    def _changed(self, product_order_id: str, kind: str) -> dict:
        obj = self.orders[product_order_id]
        obj["lastChangedType"] = kind
        obj["lastChangedDate"] = _ms(self.now().astimezone(KST))
        return obj["productOrder"]

    def cancel(self, product_order_id: str) -> None:
        product = self._changed(product_order_id, "CLAIM_COMPLETED")
        product.update(productOrderStatus="CANCELED", claimType="CANCEL", claimStatus="CANCEL_DONE")

    def request_claim(self, product_order_id: str, claim_type: str = "RETURN",
                      claim_status: str = "RETURN_REQUEST") -> None:
        product = self._changed(product_order_id, "CLAIM_REQUESTED")
        product.update(claimType=claim_type, claimStatus=claim_status)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    # -- API ------------------------------------------------------------------------------------------------

    def token(self, request: Recorded) -> Reply:
        form = request.body if isinstance(request.body, dict) else {}
        timestamp = str(form.get("timestamp", ""))
        if (form.get("client_id") != self.client_id or form.get("grant_type") != "client_credentials"
                or form.get("type", "SELF") != "SELF"):
            return 401, self.error_body(401, "client_id 또는 grant_type이 올바르지 않습니다.")
        if not timestamp.isdigit() or (self.clock_slack is not None and abs(
                self.now().timestamp() * 1000 - int(timestamp)) > self.clock_slack.total_seconds() * 1000):
            return 401, self.error_body(401, "timestamp가 현재 시각과 10분 넘게 차이 납니다.")
        try:
            sent = base64.b64decode(str(form.get("client_secret_sign", "")), validate=True)
            expected = bcrypt.hashpw(f"{self.client_id}_{timestamp}".encode(), self.client_secret.encode())
        except (binascii.Error, ValueError):
            return 401, self.error_body(401, "client_secret_sign이 올바르지 않습니다.")
        if not hmac.compare_digest(sent, expected):
            return 401, self.error_body(401, "client_secret_sign이 올바르지 않습니다.")
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        self.tokens_issued += 1
        return 200, {"access_token": token, "expires_in": 10800, "token_type": "Bearer"}

    def _authorised(self, request: Recorded) -> None:
        if bearer(request) not in self.tokens:
            raise BadRequest("인증 토큰이 없거나 만료되었습니다.", 401)

    def changed(self, request: Recorded) -> Reply:
        self._authorised(request)
        q = request.query
        try:
            start = parse_iso(q["lastChangedFrom"])
            end = parse_iso(q["lastChangedTo"]) if q.get("lastChangedTo") else min(start + LONGEST_RANGE, self.now())
        except (KeyError, ValueError):
            raise BadRequest("lastChangedFrom/lastChangedTo는 ISO-8601 일시여야 합니다.") from None
        if end < start or end - start > LONGEST_RANGE:
            raise BadRequest("조회 기간은 24시간 이내여야 합니다.")
        # moreSequence is the productOrderId of the first item of the next page; moreFrom is its lastChangedDate.
        # The page continues at (lastChangedFrom, moreSequence) in (lastChangedDate, productOrderId) order.
        after = (start, str(q.get("moreSequence") or ""))
        found = sorted(((o["lastChangedDate"], pid) for pid, o in self.orders.items()
                        if start <= o["lastChangedDate"] <= end and (o["lastChangedDate"], pid) >= after))
        page, rest = found[:self.page_size], found[self.page_size:]
        data: dict = {"lastChangeStatuses": [self._status(pid) for _, pid in page], "count": len(page)}
        if rest:
            data["more"] = {"moreFrom": iso(rest[0][0]), "moreSequence": rest[0][1]}
        return 200, {"timestamp": iso(self.now()), "data": data}

    def _status(self, product_order_id: str) -> dict:
        obj = self.orders[product_order_id]
        product = obj["productOrder"]
        return {"orderId": obj["order"].get("orderId"), "productOrderId": product_order_id,
                "lastChangedType": obj["lastChangedType"], "lastChangedDate": iso(obj["lastChangedDate"]),
                "productOrderStatus": product.get("productOrderStatus"), "claimType": product.get("claimType"),
                "claimStatus": product.get("claimStatus"), "paymentDate": obj["order"].get("paymentDate")}

    def _ids(self, request: Recorded, limit: int) -> list[str]:
        ids = json_body(request).get("productOrderIds")
        if not isinstance(ids, list):
            raise BadRequest("productOrderIds가 필요합니다.")
        if len(ids) > limit:
            raise BadRequest(f"productOrderIds는 한 번에 {limit}개까지입니다.")
        return [str(x) for x in ids]

    def query(self, request: Recorded) -> Reply:
        self._authorised(request)
        out = []
        for pid in self._ids(request, QUERY_MAX):
            if pid in self.orders:
                obj = self.orders[pid]
                out.append({k: copy.deepcopy(v) for k, v in obj.items() if k in ("order", "productOrder", "delivery")})
        return 200, {"timestamp": iso(self.now()), "data": out}

    def confirm(self, request: Recorded) -> Reply:
        self._authorised(request)
        ok, failed = [], []
        for pid in self._ids(request, QUERY_MAX):
            product = self.orders.get(pid, {}).get("productOrder")
            if product is None:
                failed.append({"productOrderId": pid, "code": "NOT_FOUND", "message": "없는 상품주문번호입니다."})
            elif product.get("productOrderStatus") in CANCELLED:
                failed.append({"productOrderId": pid, "code": "INVALID_STATUS",
                               "message": f"발주확인할 수 없는 상태입니다 ({product.get('productOrderStatus')})."})
            else:
                product["placeOrderStatus"] = "OK"
                self.confirmed.append(pid)
                ok.append({"productOrderId": pid, "isReceiverAddressChanged": False})
        return 200, {"timestamp": iso(self.now()),
                     "data": {"successProductOrderInfos": ok, "failProductOrderInfos": failed}}

    def dispatch(self, request: Recorded) -> Reply:
        self._authorised(request)
        items = json_body(request).get("dispatchProductOrders")
        if not isinstance(items, list) or not items:
            raise BadRequest("dispatchProductOrders가 필요합니다.")
        if len(items) > DISPATCH_MAX:
            raise BadRequest(f"발송처리는 한 번에 {DISPATCH_MAX}개까지입니다.")
        ok, failed = [], []
        for item in items:
            pid = str(item.get("productOrderId", ""))
            product = self.orders.get(pid, {}).get("productOrder")
            reason = None
            if product is None:
                reason = ("NOT_FOUND", "없는 상품주문번호입니다.")
            elif pid in self.refuse:
                reason = self.refuse[pid]
            elif product.get("productOrderStatus") != "PAYED":
                reason = ("INVALID_STATUS", f"발송처리할 수 없는 상태입니다 ({product.get('productOrderStatus')}).")
            elif product.get("claimStatus"):
                reason = ("CLAIM_EXISTS", f"클레임이 있는 주문입니다 ({product.get('claimStatus')}).")
            elif not item.get("deliveryCompanyCode") or not item.get("trackingNumber"):
                reason = ("INVALID_INPUT", "택배사와 송장번호가 필요합니다.")
            if reason:
                failed.append({"productOrderId": pid, "code": reason[0], "message": reason[1]})
                continue
            product["productOrderStatus"] = "DELIVERING"
            obj = self.orders[pid]
            obj["delivery"] = {"deliveryCompany": item["deliveryCompanyCode"], "trackingNumber": item["trackingNumber"],
                               "deliveryMethod": item.get("deliveryMethod") or "DELIVERY",
                               "sendDate": item.get("dispatchDate") or iso(self.now())}
            self._changed(pid, "DISPATCHED")
            self.dispatch_count[pid] += 1
            ok.append(pid)
        return 200, {"timestamp": iso(self.now()),
                     "data": {"successProductOrderIds": ok, "failProductOrderInfos": failed}}
