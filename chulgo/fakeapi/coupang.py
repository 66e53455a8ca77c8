"""Fake Coupang Open API (쿠팡 Wing), as docs/channel-apis.md describes it."""

from __future__ import annotations

import copy
import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone

from chulgo.fakeapi.base import BadRequest, FakeApi, Recorded, Reply, json_body

VENDOR = r"/v2/providers/openapi/apis/api/(v4|v5)/vendors/([^/]+)"
SIGNED_DATE = "%y%m%dT%H%M%SZ"
CLOCK_SLACK = timedelta(minutes=5)
PAGE_MAX = 50
STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")


def signature(secret_key: str, signed_date: str, method: str, path: str, query: str) -> str:
    """hex HMAC-SHA256(secret, signed-date + METHOD + path + query), the query as sent without '?'."""
    return hmac.new(secret_key.encode(), f"{signed_date}{method}{path}{query}".encode(), hashlib.sha256).hexdigest()


class FakeCoupang(FakeApi):
    routes = (
        ("GET", VENDOR + r"/ordersheets", "ordersheets"),
        ("GET", VENDOR + r"/ordersheets/(\d+)", "ordersheet"),
        ("PATCH", VENDOR + r"/ordersheets/acknowledgement", "acknowledge"),
        ("POST", VENDOR + r"/orders/invoices", "invoices"),
    )

    def __init__(self, vendor_id: str, access_key: str, secret_key: str, sheets: Iterable[dict] = (), *,
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__(now)
        self.vendor_id = str(vendor_id)
        self.access_key = access_key
        self.secret_key = secret_key
        self.sheets: dict[int, dict] = {}
        self.clock_slack: timedelta | None = CLOCK_SLACK        # None: take any signed-date
        self.refuse: dict[int, str] = {}                       # shipmentBoxId → message on invoices
        self.invoice_count: Counter[tuple[int, int]] = Counter()   # (shipmentBoxId, vendorItemId)
        for sheet in sheets:
            self.add(sheet)

    def ip_body(self, ip: str) -> dict:
        return {"code": 403, "message": f"허용되지 않은 IP 입니다 ({ip})"}

    # -- seller / buyer side --------------------------------------------------------------------------------

    def add(self, sheet: dict) -> None:
        sheet = copy.deepcopy(sheet)
        sheet["shipmentBoxId"] = int(sheet["shipmentBoxId"])
        for item in sheet.setdefault("orderItems", []):
            item["vendorItemId"] = int(item["vendorItemId"])
            item.setdefault("canceled", False)
        sheet.setdefault("status", "ACCEPT")
        self.sheets[sheet["shipmentBoxId"]] = sheet

    def cancel(self, shipment_box_id: int, vendor_item_id: int | None = None) -> None:
        """The buyer cancels one item (or every item) of a box; the sheet stays listed under its status."""
        for item in self.sheets[int(shipment_box_id)]["orderItems"]:
            if vendor_item_id is None or item["vendorItemId"] == int(vendor_item_id):
                item["canceled"] = True

    def set_status(self, shipment_box_id: int, status: str) -> None:
        self.sheets[int(shipment_box_id)]["status"] = status

    # -- API ------------------------------------------------------------------------------------------------

    def _authorised(self, request: Recorded, vendor_id: str) -> None:
        fields = {}
        header = request.headers.get("Authorization", "")
        if header.startswith("CEA "):
            for part in header[4:].split(","):
                name, _, value = part.strip().partition("=")
                fields[name] = value
        if fields.get("algorithm") != "HmacSHA256" or fields.get("access-key") != self.access_key:
            raise BadRequest("Invalid access key or Authorization header.", 401)
        try:
            signed = datetime.strptime(fields.get("signed-date", ""), SIGNED_DATE).replace(tzinfo=timezone.utc)
        except ValueError:
            raise BadRequest("Invalid signed-date.", 401) from None
        if self.clock_slack is not None and abs(self.now() - signed) > self.clock_slack:
            raise BadRequest("Request is expired: signed-date is more than 5 minutes off.", 401)
        expected = signature(self.secret_key, fields["signed-date"], request.method, request.path, request.raw_query)
        if not hmac.compare_digest(expected, fields.get("signature", "")):
            raise BadRequest("Specified signature is not matched with our calculation.", 401)
        if vendor_id != self.vendor_id:
            raise BadRequest(f"vendorId {vendor_id} does not belong to this access key.", 401)

    def ordersheets(self, request: Recorded, version: str, vendor_id: str) -> Reply:
        self._authorised(request, vendor_id)
        q = request.query
        try:
            start, end = date.fromisoformat(q["createdAtFrom"]), date.fromisoformat(q["createdAtTo"])
        except (KeyError, ValueError):
            raise BadRequest("createdAtFrom and createdAtTo (yyyy-MM-dd) are required.") from None
        if q.get("status") not in STATUSES:
            raise BadRequest(f"status must be one of {', '.join(STATUSES)}.")
        if end < start:
            raise BadRequest("createdAtTo is before createdAtFrom.")
        per_page = q.get("maxPerPage") or str(PAGE_MAX)
        if not per_page.isdigit() or not 1 <= int(per_page) <= PAGE_MAX:
            raise BadRequest(f"maxPerPage must be 1..{PAGE_MAX}.")
        token = q.get("nextToken") or "0"
        if not token.isdigit():
            raise BadRequest("invalid nextToken.")
        # nextToken: the offset of the next sheet in (orderedAt, shipmentBoxId) order, as text; "" on the last page.
        found = sorted((s for s in self.sheets.values()
                        if s["status"] == q["status"] and start.isoformat() <= str(s.get("orderedAt", ""))[:10]
                        <= end.isoformat()), key=lambda s: (str(s.get("orderedAt", "")), s["shipmentBoxId"]))
        first, size = int(token), int(per_page)
        page = found[first:first + size]
        following = str(first + size) if first + size < len(found) else ""
        return 200, {"code": 200, "message": "OK", "data": copy.deepcopy(page), "nextToken": following}

    def ordersheet(self, request: Recorded, version: str, vendor_id: str, box: str) -> Reply:
        self._authorised(request, vendor_id)
        sheet = self.sheets.get(int(box))
        if sheet is None:
            return 404, {"code": 404, "message": f"shipmentBoxId {box} not found."}
        return 200, {"code": 200, "message": "OK", "data": copy.deepcopy(sheet)}

    def _body(self, request: Recorded, field: str) -> list:
        body = json_body(request)
        if str(body.get("vendorId", "")) != self.vendor_id:
            raise BadRequest("vendorId in the body does not match.")
        values = body.get(field)
        if not isinstance(values, list) or not values:
            raise BadRequest(f"{field} is required.")
        return values

    @staticmethod
    def _result(box: object, reason: str | None, **extra: object) -> dict:
        return {"shipmentBoxId": box, "succeed": reason is None, "resultCode": "OK" if reason is None else "FAIL",
                "retryRequired": False, "resultMessage": reason or "", **extra}

    @staticmethod
    def _response(results: list[dict]) -> Reply:
        good = sum(r["succeed"] for r in results)
        code = 0 if good == len(results) else 1 if good else 2       # all / some / none succeeded
        return 200, {"code": 200, "message": "OK", "data": {"responseCode": code, "responseMessage": "",
                                                            "responseList": results}}

    def acknowledge(self, request: Recorded, version: str, vendor_id: str) -> Reply:
        self._authorised(request, vendor_id)
        boxes = self._body(request, "shipmentBoxIds")
        if len(boxes) > PAGE_MAX:
            raise BadRequest(f"shipmentBoxIds: at most {PAGE_MAX} per call.")
        results = []
        for box in boxes:
            sheet = self.sheets.get(int(box)) if str(box).isdigit() else None
            if sheet is None:
                results.append(self._result(box, "존재하지 않는 묶음배송번호입니다."))
            elif all(item["canceled"] for item in sheet["orderItems"]):
                results.append(self._result(box, "취소된 주문입니다."))
            elif sheet["status"] not in ("ACCEPT", "INSTRUCT"):
                results.append(self._result(box, f"발주확인할 수 없는 상태입니다 ({sheet['status']})."))
            else:
                sheet["status"] = "INSTRUCT"
                results.append(self._result(box, None))
        return self._response(results)

    @staticmethod
    def _rest_of_box(sheet: dict, item: dict) -> bool:
        """A box goes DEPARTURE with its first invoice; its other items may still get theirs."""
        return (sheet["status"] == "DEPARTURE" and not item.get("invoiceNumber")
                and any(i.get("invoiceNumber") for i in sheet["orderItems"]))

    def invoices(self, request: Recorded, version: str, vendor_id: str) -> Reply:
        self._authorised(request, vendor_id)
        results = []
        for dto in self._body(request, "orderSheetInvoiceApplyDtos"):
            box, item_id = dto.get("shipmentBoxId"), dto.get("vendorItemId")
            sheet = self.sheets.get(int(box)) if str(box).isdigit() else None
            item = next((i for i in (sheet or {}).get("orderItems", []) if str(i["vendorItemId"]) == str(item_id)),
                        None)
            if sheet is None or item is None:
                reason = "존재하지 않는 주문입니다."
            elif item["canceled"]:
                reason = "취소된 상품입니다."
            elif sheet["shipmentBoxId"] in self.refuse:
                reason = self.refuse[sheet["shipmentBoxId"]]
            elif not (sheet["status"] == "INSTRUCT" or self._rest_of_box(sheet, item)):
                reason = f"상품준비중(INSTRUCT) 상태가 아닙니다 ({sheet['status']})."
            elif not dto.get("invoiceNumber") or not dto.get("deliveryCompanyCode"):
                reason = "택배사와 송장번호가 필요합니다."
            else:
                reason = None
                sheet["status"] = "DEPARTURE"
                item["invoiceNumber"] = str(dto["invoiceNumber"])
                item["deliveryCompanyCode"] = dto["deliveryCompanyCode"]
                self.invoice_count[(sheet["shipmentBoxId"], item["vendorItemId"])] += 1
            results.append(self._result(box, reason, vendorItemId=item_id))
        return self._response(results)
