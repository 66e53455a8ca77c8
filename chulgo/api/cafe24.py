"""카페24 through the Cafe24 Admin API, one account per mall and shop_no (docs/channel-apis.md; reference §3.3)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

from chulgo import secrets
from chulgo.api import Dispatch, Fetched, LineRef, kst, local_text
from chulgo.api.http import MAX_PAGES, ApiError, Http, body
from chulgo.model import OrderLine, Recipient
from chulgo.normalise import repair_phone, repair_zip

API_VERSION = "2025-12-01"        # X-Cafe24-Api-Version [uncertain: any recent dated version works]
SCOPES = "mall.read_order,mall.write_order"
PAGE = 100
LONGEST_RANGE = timedelta(days=90)
CONFIRMED_STATUS = "N20"          # 배송준비중 [uncertain]

STATUS_TEXT = {"N00": "입금전", "N10": "상품준비중", "N20": "배송준비중", "N21": "배송대기", "N22": "배송보류",
               "N30": "배송중", "N40": "배송완료", "C00": "취소신청", "C10": "취소접수", "C34": "취소처리중",
               "C40": "취소완료", "R00": "반품신청", "R10": "반품접수", "R40": "반품완료", "E00": "교환신청",
               "E10": "교환접수"}
ACTIVE = {"N10", "N20", "N21"}
CLOSED = {"N30", "N40"}
CANCELLED = {"C40", "C41", "C47", "C48", "C49", "R40"}


def base_url(mall_id: str) -> str:
    return f"https://{mall_id}.cafe24api.com/api/v2"


def refresh_token_name(mall_id: str) -> str:
    """The credential store entry of a mall's refresh token."""
    return f"cafe24:{mall_id}:refresh_token"


class Cafe24Auth:
    """One mall's OAuth tokens. The refresh token is rotated on every refresh (the old one stops working), so the
    new one is stored before anything else happens."""

    def __init__(self, mall_id: str, client_id: str, client_secret: str, http: Http, redirect_uri: str = "") -> None:
        self.mall_id = mall_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = http
        self.redirect_uri = redirect_uri
        self.access_token = ""
        self._until = 0.0

    def authorize_url(self, state: str) -> str:
        query = urlencode({"response_type": "code", "client_id": self.client_id, "state": state,
                           "redirect_uri": self.redirect_uri, "scope": SCOPES})
        return f"{self.http.base_url.rstrip('/')}/oauth/authorize?{query}"

    def exchange_code(self, code: str) -> None:
        """The one-time step after the seller approved the app: the code becomes tokens, kept in the store."""
        self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri})

    def token(self, renew: bool = False) -> str:
        if renew or not self.access_token or time.monotonic() > self._until:
            refresh = secrets.secret("", refresh_token_name(self.mall_id))
            if not refresh:
                raise ApiError(f"카페24 {self.mall_id}: 아직 로그인하지 않았습니다. 'uv run run.py login cafe24 --mall "
                               f"{self.mall_id}' 를 한 번 실행하세요.", "auth")
            self._token({"grant_type": "refresh_token", "refresh_token": refresh})
        return self.access_token

    def _token(self, form: dict[str, str]) -> None:
        response = self.http.request("POST", "/oauth/token", data=form, auth_basic=(self.client_id, self.client_secret))
        got = body(response)
        if response.status_code == 401:
            raise ApiError(f"카페24 {self.mall_id}: 앱의 client_id 또는 client secret이 맞지 않습니다 "
                           f"({got.get('error', 401)}). 카페24 개발자센터의 값과 settings.toml, 자격 증명을 확인하세요.", "auth", 401)
        if response.status_code >= 400:
            raise ApiError(f"카페24 {self.mall_id}: 로그인이 만료되었거나 취소되었습니다 ({got.get('error', response.status_code)}). "
                           f"'uv run run.py login cafe24 --mall {self.mall_id}' 를 다시 실행하세요.", "auth",
                           response.status_code)
        refresh = str(got.get("refresh_token") or "")
        if refresh:
            secrets.store(refresh_token_name(self.mall_id), refresh)      # the old one is dead from now on
        self.access_token = str(got.get("access_token") or "")
        self._until = time.monotonic() + 2 * 3600 - 300


class Cafe24Api:
    channel = "cafe24"
    by_order_date = True

    def __init__(self, auth: Cafe24Auth, shop_no: int, http: Http, key_prefix: str = "") -> None:
        self.auth = auth
        self.shop_no = shop_no
        self.http = http
        self.account = f"cafe24:{auth.mall_id}:{shop_no}"
        self.name = http.name
        self.key_prefix = key_prefix        # '' for the mall whose Excel exports are read too; 'mall/' for others

    def _call(self, method: str, path: str, **kwargs) -> tuple[int, dict]:
        for renew in (False, True):
            headers = {"Authorization": f"Bearer {self.auth.token(renew)}", "X-Cafe24-Api-Version": API_VERSION}
            response = self.http.request(method, f"/admin{path}", headers=headers, **kwargs)
            if response.status_code == 401 and not renew:
                continue
            got = body(response)
            if response.status_code in (401, 403):
                message = (got.get("error") or {}).get("message", "") if isinstance(got.get("error"), dict) else ""
                raise ApiError(f"{self.name}: API 권한이 없습니다 ({response.status_code} {message}). 앱 권한(주문 읽기·쓰기)을 "
                               f"확인하고 'uv run run.py login cafe24 --mall {self.auth.mall_id}' 를 다시 실행하세요.",
                               "auth", response.status_code)
            return response.status_code, got
        raise AssertionError("unreachable")

    def _ok(self, status: int, got: dict) -> dict:
        if status >= 400:
            raise ApiError(f"{self.name}: API가 요청을 거절했습니다 ({status} {_error(got)}).", "bad", status)
        return got

    # -- orders -------------------------------------------------------------------------------------------

    def orders(self, since: datetime, until: datetime) -> list[Fetched]:
        since, until = kst(since), kst(until)
        since = max(since, until - LONGEST_RANGE)
        out: list[Fetched] = []
        offset = 0
        while True:
            got = self._ok(*self._call("GET", "/orders", params={
                "shop_no": self.shop_no, "start_date": since.date().isoformat(), "end_date": until.date().isoformat(),
                "date_type": "order_date", "embed": "items,receivers", "limit": PAGE, "offset": offset}))
            orders = got.get("orders") or []
            for order in orders:
                out += self._lines(order)
            if len(orders) < PAGE:
                return out
            offset += PAGE
            if offset > PAGE * MAX_PAGES:
                raise ApiError(f"{self.name}: 주문 목록이 끝나지 않습니다. 다음 실행에서 다시 읽습니다.", "down")

    def lookup(self, lines: list[LineRef]) -> list[Fetched]:
        return []          # the order list shows every status, cancelled ones included

    def _lines(self, order: dict) -> list[Fetched]:
        receivers = order.get("receivers") or [{}]
        order_id = str(order.get("order_id", ""))
        out = []
        for item in order.get("items") or []:
            status = str(item.get("order_status", ""))
            if status == "N00" or order.get("paid") == "F":
                continue                  # not paid yet
            receiver = next((r for r in receivers if r.get("shipping_code") and
                             r.get("shipping_code") == item.get("shipping_code")), receivers[0])
            cellphone, phone = str(receiver.get("cellphone") or ""), str(receiver.get("phone") or "")
            address = str(receiver.get("address_full") or "") or f"{receiver.get('address1') or ''} {receiver.get('address2') or ''}"
            code = str(item.get("order_item_code", ""))
            line = OrderLine(
                channel=self.channel, line_key=self.key_prefix + code, order_no=self.key_prefix + order_id,
                bundle_key=self.key_prefix + order_id, product_code=str(item.get("product_no") or ""),
                option_code=str(item.get("variant_code") or ""), product_name=str(item.get("product_name") or ""),
                option_text=str(item.get("option_value") or ""), quantity=int(item.get("quantity") or 0),
                recipient=Recipient(name=str(receiver.get("name") or ""), phone=repair_phone(cellphone or phone),
                                    phone2=repair_phone(phone), zip=repair_zip(str(receiver.get("zipcode") or "")),
                                    address=" ".join(address.split()),
                                    message=str(receiver.get("shipping_message") or "")),
                status=STATUS_TEXT.get(status, status),
                status_class=("cancelled" if status in CANCELLED else "closed" if status in CLOSED
                              else "" if status in ACTIVE else "hold"),
                ordered_at=local_text(str(order.get("order_date") or "")), source=f"{self.name} API")
            out.append(Fetched(line, {"shop_no": self.shop_no, "order_id": order_id, "order_item_code": code}))
        return out

    # -- 발주확인 and 송장 --------------------------------------------------------------------------------------

    def _ids(self, line: LineRef) -> tuple[str, str]:
        return (str(line.ref.get("order_id") or line.order_no.removeprefix(self.key_prefix)),
                str(line.ref.get("order_item_code") or line.line_key.removeprefix(self.key_prefix)))

    def confirm(self, lines: list[LineRef]) -> dict[str, str]:
        by_order: dict[str, list[LineRef]] = {}
        for ln in lines:
            by_order.setdefault(self._ids(ln)[0], []).append(ln)
        out: dict[str, str] = {}
        for order_id, group in by_order.items():
            status, got = self._call("PUT", f"/orders/{order_id}/items", json={
                "shop_no": self.shop_no,
                "requests": [{"order_item_code": self._ids(ln)[1], "status": CONFIRMED_STATUS} for ln in group]})
            for ln in group:
                out[ln.line_key] = "" if status < 400 else _error(got)
        return out

    def dispatch(self, items: list[Dispatch]) -> dict[str, str]:
        groups: dict[tuple[str, str, str], list[Dispatch]] = {}
        for d in items:
            groups.setdefault((self._ids(d.line)[0], d.tracking_no, d.courier_code), []).append(d)
        out: dict[str, str] = {}
        for (order_id, tracking_no, code), group in groups.items():
            try:
                status, got = self._call("POST", f"/orders/{order_id}/shipments", json={
                    "shop_no": self.shop_no,
                    "request": {"tracking_no": tracking_no, "shipping_company_code": code, "status": "shipping",
                                "order_item_code": [self._ids(d.line)[1] for d in group]}})
            except ApiError as e:
                e.partial = out          # the orders before this one did go through
                raise
            for d in group:
                out[d.line.line_key] = "" if status < 400 else _error(got)
        return out

    def dispatched(self, lines: list[LineRef]) -> dict[str, str]:
        have: dict[str, str] = {}
        for order_id in {self._ids(ln)[0] for ln in lines}:
            got = self._ok(*self._call("GET", f"/orders/{order_id}/shipments", params={"shop_no": self.shop_no}))
            for shipment in got.get("shipments") or []:
                for code in shipment.get("order_item_code") or []:
                    have[str(code)] = str(shipment.get("tracking_no") or "")
        return {ln.line_key: have.get(self._ids(ln)[1], "") for ln in lines}


def _error(got: dict) -> str:
    error = got.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or "거절")
    return str(got.get("error_description") or error or "거절 (이유 없음)")
