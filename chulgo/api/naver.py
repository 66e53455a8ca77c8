"""스마트스토어 through the Naver Commerce API (docs/channel-apis.md; reference §1.3)."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta

import bcrypt

from chulgo.api import Dispatch, Fetched, LineRef, chunks, kst, local_text
from chulgo.api.http import MAX_PAGES, ApiError, Http, body
from chulgo.model import OrderLine, Recipient
from chulgo.normalise import repair_phone, repair_zip

BASE_URL = "https://api.commerce.naver.com/external"
ORDERS = "/v1/pay-order/seller/product-orders"
WINDOW = timedelta(hours=24)      # last-changed-statuses takes at most a day per call
QUERY_MAX = 300
DISPATCH_MAX = 30

STATUS_TEXT = {"PAYMENT_WAITING": "결제대기", "PAYED": "결제완료", "DELIVERING": "배송중", "DELIVERED": "배송완료",
               "PURCHASE_DECIDED": "구매확정", "EXCHANGED": "교환완료", "CANCELED": "취소", "RETURNED": "반품완료",
               "CANCELED_BY_NOPAYMENT": "미결제취소"}
CLOSED = {"DELIVERING", "DELIVERED", "PURCHASE_DECIDED", "EXCHANGED"}
CANCELLED = {"CANCELED", "RETURNED", "CANCELED_BY_NOPAYMENT"}
CLAIM_TEXT = {"CANCEL_REQUEST": "취소요청", "RETURN_REQUEST": "반품요청", "EXCHANGE_REQUEST": "교환요청",
              "COLLECTING": "수거중", "COLLECT_DONE": "수거완료", "HOLDBACK": "보류", "CANCELING": "취소처리중",
              "CANCEL_DONE": "취소완료", "RETURN_DONE": "반품완료", "EXCHANGE_DONE": "교환완료",
              "CANCEL_REJECT": "취소철회", "RETURN_REJECT": "반품철회", "EXCHANGE_REJECT": "교환철회"}


class NaverApi:
    channel = "smartstore"
    by_order_date = False         # changes are listed by when they happened: a cancellation of any age shows up

    def __init__(self, client_id: str, client_secret: str, http: Http, account: str = "smartstore") -> None:
        self.account = account
        self.name = http.name
        self.client_id = client_id
        self.secret = client_secret
        self.http = http
        self._token = ""
        self._token_until = 0.0

    # -- auth ---------------------------------------------------------------------------------------------

    def _sign(self, timestamp: str) -> str:
        try:
            hashed = bcrypt.hashpw(f"{self.client_id}_{timestamp}".encode(), self.secret.encode())
        except ValueError:
            raise ApiError(f"{self.name} 애플리케이션 시크릿의 형식이 맞지 않습니다. 커머스API센터의 값을 그대로 넣었는지 "
                           "확인하세요.", "auth") from None
        return base64.b64encode(hashed).decode()

    def _new_token(self) -> None:
        timestamp = str(int(time.time() * 1000))
        response = self.http.request("POST", "/v1/oauth2/token", data={
            "client_id": self.client_id, "timestamp": timestamp, "client_secret_sign": self._sign(timestamp),
            "grant_type": "client_credentials", "type": "SELF"}, safe=True)
        if response.status_code != 200:
            self._raise(response)
        got = body(response)
        self._token = str(got.get("access_token", ""))
        self._token_until = time.monotonic() + float(got.get("expires_in", 3600)) - 300
        if not self._token:
            raise ApiError(f"{self.name} API가 토큰을 주지 않았습니다.", "auth")

    def _call(self, method: str, path: str, **kwargs) -> dict:
        """One authorised call; an expired token is renewed and the call tried once more."""
        for renewed in (False, True):
            if not self._token or time.monotonic() > self._token_until or renewed:
                self._new_token()
            response = self.http.request(method, path, headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
            if response.status_code == 401 and not renewed:
                continue
            if response.status_code >= 400:
                self._raise(response)
            return body(response)
        raise AssertionError("unreachable")

    def _raise(self, response) -> None:
        got = body(response)
        code, message = str(got.get("code", "")), str(got.get("message", ""))
        if response.status_code == 403 and "IP" in code.upper():
            raise ApiError(f"{self.name}: 이 PC의 IP가 커머스API센터에 등록되어 있지 않습니다 ({code}). 커머스API센터 > "
                           "애플리케이션 > API 호출 IP에 이 PC의 공인 IP를 등록하세요.", "ip", 403)
        if response.status_code in (401, 403):
            raise ApiError(f"{self.name}: API 인증이 되지 않습니다 ({code or response.status_code}). settings.toml의 "
                           "client_id와 애플리케이션 시크릿이 커머스API센터의 값과 같은지 확인하세요.", "auth",
                           response.status_code)
        raise ApiError(f"{self.name}: API가 요청을 거절했습니다 ({response.status_code} {code} {message}).".replace(" )", ")"),
                       "bad", response.status_code)

    # -- orders -------------------------------------------------------------------------------------------

    def orders(self, since: datetime, until: datetime) -> list[Fetched]:
        """Every product order that changed in [since, until], with its details."""
        ids: dict[str, None] = {}
        start, until = kst(since), kst(until)
        while start < until:
            end = min(start + WINDOW, until)
            params: dict[str, object] = {"lastChangedFrom": _iso(start), "lastChangedTo": _iso(end)}
            seen_pages: set[str] = set()
            while True:
                data = self._call("GET", f"{ORDERS}/last-changed-statuses", params=params).get("data") or {}
                for change in data.get("lastChangeStatuses") or []:
                    ids[str(change["productOrderId"])] = None
                more = data.get("more") or {}
                if not more.get("moreSequence"):
                    break
                if str(more["moreSequence"]) in seen_pages or len(seen_pages) > MAX_PAGES:
                    raise ApiError(f"{self.name}: 주문 목록의 다음 쪽이 끝나지 않습니다 (moreSequence 반복). 다음 실행에서 "
                                   "다시 읽습니다.", "down")
                seen_pages.add(str(more["moreSequence"]))
                params = {"lastChangedFrom": more.get("moreFrom") or params["lastChangedFrom"],
                          "lastChangedTo": _iso(end), "moreSequence": more["moreSequence"]}
            start = end
        details = self._details(list(ids))
        return [self._fetched(d) for d in details
                if (d.get("productOrder") or {}).get("productOrderStatus") != "PAYMENT_WAITING"]

    def _details(self, ids: list[str]) -> list[dict]:
        out: list[dict] = []
        for part in chunks(ids, QUERY_MAX):
            out += self._call("POST", f"{ORDERS}/query", json={"productOrderIds": part}, safe=True).get("data") or []
        return out

    def _fetched(self, detail: dict) -> Fetched:
        order, product = detail.get("order") or {}, detail.get("productOrder") or {}
        address = product.get("shippingAddress") or {}
        status = str(product.get("productOrderStatus", ""))
        claim = str(product.get("claimStatus") or "")
        texts = [STATUS_TEXT.get(status, status)]
        if status == "PAYED" and product.get("placeOrderStatus") == "OK":
            texts.append("발주확인")
        if claim:
            texts.append(CLAIM_TEXT.get(claim, claim))
        if status in CANCELLED:
            status_class = "cancelled"
        elif claim.endswith("_REQUEST") or claim in ("HOLDBACK", "COLLECTING", "CANCELING"):
            status_class = "hold"
        elif status in CLOSED:
            status_class = "closed"
        else:
            status_class = ""
        key = str(product.get("productOrderId", ""))
        order_no = str(order.get("orderId", "")) or key
        line = OrderLine(
            channel=self.channel, line_key=key, order_no=order_no,
            bundle_key=str(product.get("packageNumber") or order_no),
            product_code=str(product.get("productId") or ""), option_code=str(product.get("optionManageCode") or ""),
            product_name=str(product.get("productName") or ""), option_text=str(product.get("productOption") or ""),
            quantity=int(product.get("quantity") or 0),
            recipient=Recipient(
                name=str(address.get("name") or ""), phone=repair_phone(str(address.get("tel1") or "")),
                phone2=repair_phone(str(address.get("tel2") or "")), zip=repair_zip(str(address.get("zipCode") or "")),
                address=" ".join(f"{address.get('baseAddress') or ''} {address.get('detailAddress') or ''}".split()),
                message=str(product.get("shippingMemo") or "")),
            status=" / ".join(texts), status_class=status_class,
            ordered_at=local_text(str(order.get("orderDate") or order.get("paymentDate") or "")),
            source=f"{self.name} API", ship_by=local_text(str(product.get("shippingDueDate") or ""))[:10])
        return Fetched(line, {})

    # -- 발주확인 and 발송처리 -------------------------------------------------------------------------------

    def confirm(self, lines: list[LineRef]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in chunks([ln.line_key for ln in lines], QUERY_MAX):
            data = self._call("POST", f"{ORDERS}/confirm", json={"productOrderIds": part}).get("data") or {}
            out |= {str(x["productOrderId"]): "" for x in data.get("successProductOrderInfos") or []}
            out |= {str(x["productOrderId"]): _reason(x) for x in data.get("failProductOrderInfos") or []}
        return out

    def dispatch(self, items: list[Dispatch]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in chunks(items, DISPATCH_MAX):
            sent = [{"productOrderId": d.line.line_key, "deliveryMethod": "DELIVERY",
                     "deliveryCompanyCode": d.courier_code, "trackingNumber": d.tracking_no,
                     "dispatchDate": _iso(kst(datetime.now()))} for d in part]
            try:
                data = self._call("POST", f"{ORDERS}/dispatch", json={"dispatchProductOrders": sent}).get("data") or {}
            except ApiError as e:
                e.partial = out          # the chunks before this one did go through
                raise
            out |= {str(x): "" for x in data.get("successProductOrderIds") or []}
            out |= {str(x["productOrderId"]): _reason(x) for x in data.get("failProductOrderInfos") or []}
        return out

    def dispatched(self, lines: list[LineRef]) -> dict[str, str]:
        """The tracking number the channel already has for each line ('' when none)."""
        details = self._details([ln.line_key for ln in lines])
        have = {str((d.get("productOrder") or {}).get("productOrderId")): str((d.get("delivery") or {}).get("trackingNumber") or "")
                for d in details}
        return {ln.line_key: have.get(ln.line_key, "") for ln in lines}


def _iso(moment: datetime) -> str:
    return kst(moment).isoformat(timespec="milliseconds")


def _reason(info: dict) -> str:
    return " ".join(str(info.get(k) or "") for k in ("message", "code")).strip() or "거절 (이유 없음)"
