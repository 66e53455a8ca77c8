"""쿠팡 through the Coupang Open API (docs/channel-apis.md; reference §2.3)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from chulgo.api import Dispatch, Fetched, LineRef, chunks, kst, local_text
from chulgo.api.http import MAX_PAGES, ApiError, Http, body
from chulgo.model import OrderLine, Recipient
from chulgo.normalise import repair_phone, repair_zip

BASE_URL = "https://api-gateway.coupang.com"
STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING")      # what an open or just-shipped line can be in
STATUS_TEXT = {"ACCEPT": "결제완료", "INSTRUCT": "상품준비중", "DEPARTURE": "배송지시", "DELIVERING": "배송중",
               "FINAL_DELIVERY": "배송완료", "NONE_TRACKING": "업체직송"}
CLOSED = {"DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING"}
PAGE = 50
BOXES_PER_CALL = 50             # acknowledgement and invoices [uncertain]
LONGEST_RANGE = timedelta(days=30)


class CoupangApi:
    channel = "coupang"
    by_order_date = True        # listed by order date: re-reads reach back to the oldest open order

    def __init__(self, vendor_id: str, access_key: str, secret_key: str, http: Http, account: str = "coupang") -> None:
        self.account = account
        self.name = http.name
        self.vendor_id = vendor_id
        self.access_key = access_key
        self.secret_key = secret_key
        self.http = http

    def _signature(self, method: str, path: str, query: str) -> dict[str, str]:
        signed_date = datetime.now(timezone.utc).strftime("%y%m%dT%H%M%SZ")
        message = f"{signed_date}{method}{path}{query}"
        signature = hmac.new(self.secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()
        return {"Authorization": f"CEA algorithm=HmacSHA256, access-key={self.access_key}, "
                                 f"signed-date={signed_date}, signature={signature}"}

    def _call(self, method: str, path: str, **kwargs) -> dict:
        return self._checked(self.http.request(method, path, sign=self._signature, **kwargs))

    def _checked(self, response) -> dict:
        """The answer's JSON, or the Korean ApiError its status calls for."""
        got = body(response)
        if response.status_code >= 400:
            message = str(got.get("message", ""))
            if response.status_code == 403 and "IP" in message.upper():
                raise ApiError(f"{self.name}: 이 PC의 IP가 쿠팡 Open API 키에 등록되어 있지 않습니다 ({message}). 윙 > "
                               "판매자정보 > 추가판매정보 > OPEN API 키 발급에서 이 PC의 공인 IP를 등록하세요.", "ip", 403)
            if response.status_code in (401, 403):
                raise ApiError(f"{self.name}: API 인증이 되지 않습니다 ({message or response.status_code}). access key와 "
                               "secret key가 맞는지, 키 유효기간(6개월)이 지나지 않았는지 윙에서 확인하세요.", "auth",
                               response.status_code)
            raise ApiError(f"{self.name}: API가 요청을 거절했습니다 ({response.status_code} {message}).", "bad",
                           response.status_code)
        return got

    def _vendor(self, version: str) -> str:
        return f"/v2/providers/openapi/apis/api/{version}/vendors/{self.vendor_id}"

    # -- orders -------------------------------------------------------------------------------------------

    def orders(self, since: datetime, until: datetime) -> list[Fetched]:
        since, until = kst(since), kst(until)
        since = max(since, until - LONGEST_RANGE)
        out: dict[str, Fetched] = {}
        for status in STATUSES:
            params: dict[str, object] = {"createdAtFrom": since.date().isoformat(),
                                         "createdAtTo": until.date().isoformat(), "status": status,
                                         "maxPerPage": PAGE}
            tokens: set[str] = set()
            while True:
                got = self._call("GET", f"{self._vendor('v5')}/ordersheets", params=params)
                for sheet in got.get("data") or []:
                    for fetched in self._lines(sheet):
                        out[fetched.line.line_key] = fetched
                token = got.get("nextToken")
                if not token:
                    break
                if str(token) in tokens or len(tokens) > MAX_PAGES:
                    raise ApiError(f"{self.name}: 주문 목록의 다음 쪽이 끝나지 않습니다 (nextToken 반복). 다음 실행에서 "
                                   "다시 읽습니다.", "down")
                tokens.add(str(token))
                params = params | {"nextToken": token}
        return list(out.values())

    def lookup(self, lines: list[LineRef]) -> list[Fetched]:
        """Open lines the lists no longer show (쿠팡 drops cancelled orders): asked one box at a time. A box the API
        does not know is held, never shipped."""
        out: list[Fetched] = []
        for box in sorted({ln.ref.get("shipmentBoxId") or ln.line_key.split("-")[0] for ln in lines}, key=str):
            response = self.http.request("GET", f"{self._vendor('v4')}/ordersheets/{box}", sign=self._signature)
            if response.status_code == 404:
                continue
            sheet = self._checked(response).get("data") or {}
            out += self._lines(sheet) if sheet else []
        return out

    def _lines(self, sheet: dict) -> list[Fetched]:
        receiver = sheet.get("receiver") or {}
        status = str(sheet.get("status", ""))
        box, order_id = str(sheet.get("shipmentBoxId", "")), str(sheet.get("orderId", ""))
        out = []
        for item in sheet.get("orderItems") or []:
            cancelled = bool(item.get("canceled"))
            item_id = str(item.get("vendorItemId", ""))
            line = OrderLine(
                channel=self.channel, line_key=f"{box}-{item_id}", order_no=order_id, bundle_key=box,
                product_code=str(item.get("productId") or item.get("sellerProductId") or ""), option_code=item_id,
                product_name=str(item.get("sellerProductName") or item.get("vendorItemName") or ""),
                option_text=str(item.get("sellerProductItemName") or item.get("vendorItemName") or ""),
                quantity=int(item.get("shippingCount") or 0),
                recipient=Recipient(
                    name=str(receiver.get("name") or ""),
                    phone=repair_phone(str(receiver.get("safeNumber") or receiver.get("receiverNumber") or "")),
                    phone2=repair_phone(str(receiver.get("receiverNumber") or "")) if receiver.get("safeNumber") else "",
                    zip=repair_zip(str(receiver.get("postCode") or "")),
                    address=" ".join(f"{receiver.get('addr1') or ''} {receiver.get('addr2') or ''}".split()),
                    message=str(sheet.get("parcelPrintMessage") or "")),
                status="취소" if cancelled else STATUS_TEXT.get(status, status),
                status_class="cancelled" if cancelled else "closed" if status in CLOSED else "",
                ordered_at=local_text(str(sheet.get("orderedAt") or "")), source=f"{self.name} API",
                ship_by=str(item.get("estimatedShippingDate") or "")[:10])
            out.append(Fetched(line, {"shipmentBoxId": sheet.get("shipmentBoxId"), "orderId": sheet.get("orderId"),
                                      "vendorItemId": item.get("vendorItemId")}))
        return out

    # -- 발주확인 and 송장 --------------------------------------------------------------------------------------

    def confirm(self, lines: list[LineRef]) -> dict[str, str]:
        boxes: dict[object, list[str]] = {}
        for ln in lines:
            boxes.setdefault(_box(ln), []).append(ln.line_key)
        out: dict[str, str] = {}
        for part in chunks(list(boxes), BOXES_PER_CALL):
            got = self._call("PATCH", f"{self._vendor('v4')}/ordersheets/acknowledgement",
                             json={"vendorId": self.vendor_id, "shipmentBoxIds": part})
            for result in (got.get("data") or {}).get("responseList") or []:
                reason = "" if result.get("succeed") else _reason(result)
                for key in boxes.get(_same(result.get("shipmentBoxId"), boxes), []):
                    out[key] = reason
        return out

    def dispatch(self, items: list[Dispatch]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in chunks(items, BOXES_PER_CALL):
            dtos = [{"shipmentBoxId": _box(d.line), "orderId": _number(d.line.ref.get("orderId") or d.line.order_no),
                     "deliveryCompanyCode": d.courier_code, "invoiceNumber": d.tracking_no,
                     "vendorItemId": _number(d.line.ref.get("vendorItemId") or d.line.line_key.split("-")[-1]),
                     "splitShipping": d.split, "preSplitShipped": False, "estimatedShippingDate": ""} for d in part]
            try:
                got = self._call("POST", f"{self._vendor('v4')}/orders/invoices",
                                 json={"vendorId": self.vendor_id, "orderSheetInvoiceApplyDtos": dtos})
            except ApiError as e:
                e.partial = out          # the chunks before this one did go through
                raise
            by_box: dict[object, list[str]] = {}
            for d in part:
                by_box.setdefault(_box(d.line), []).append(d.line.line_key)
            for result in (got.get("data") or {}).get("responseList") or []:
                reason = "" if result.get("succeed") else _reason(result)
                for key in by_box.get(_same(result.get("shipmentBoxId"), by_box), []):
                    out[key] = reason
        return out

    def dispatched(self, lines: list[LineRef]) -> dict[str, str]:
        have: dict[str, str] = {}
        for box in {_box(ln) for ln in lines}:
            sheet = self._call("GET", f"{self._vendor('v4')}/ordersheets/{box}").get("data") or {}
            for item in sheet.get("orderItems") or []:
                have[f"{sheet.get('shipmentBoxId')}-{item.get('vendorItemId')}"] = str(
                    item.get("invoiceNumber") or sheet.get("invoiceNumber") or "")
        return {ln.line_key: have.get(ln.line_key, "") for ln in lines}


def _number(value: object) -> object:
    text = str(value)
    return int(text) if text.isdigit() else value


def _box(line: LineRef) -> object:
    return _number(line.ref.get("shipmentBoxId") or line.line_key.split("-")[0])


def _same(box: object, boxes: dict) -> object:
    """The key of ``boxes`` the API's shipmentBoxId names (it may come back as a number or as text)."""
    return next((b for b in boxes if str(b) == str(box)), box)


def _reason(result: dict) -> str:
    return " ".join(str(result.get(k) or "") for k in ("resultMessage", "resultCode")).strip() or "거절 (이유 없음)"
