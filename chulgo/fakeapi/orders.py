"""Our generated sample rows (chulgo.samples, keyed by the export's header names) as each channel API's JSON.

A line seen through the API and through the Excel export must become the same ledger line, so every value the
channel template reads (templates/channels/*.toml) is carried over as the same text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chulgo.fakeapi.base import KST

NAVER_STATUS = {      # 주문상태 → (productOrderStatus, placeOrderStatus)
    "결제대기": ("PAYMENT_WAITING", "NOT_YET"), "결제완료": ("PAYED", "NOT_YET"), "신규주문": ("PAYED", "NOT_YET"),
    "발주확인": ("PAYED", "OK"), "발송대기": ("PAYED", "OK"), "배송중": ("DELIVERING", "OK"),
    "배송완료": ("DELIVERED", "OK"), "구매확정": ("PURCHASE_DECIDED", "OK"), "교환완료": ("EXCHANGED", "OK"),
    "취소": ("CANCELED", "NOT_YET"), "취소완료": ("CANCELED", "NOT_YET"), "환불완료": ("CANCELED", "NOT_YET"),
    "반품": ("RETURNED", "OK"), "반품완료": ("RETURNED", "OK"), "미결제취소": ("CANCELED_BY_NOPAYMENT", "NOT_YET"),
}
NAVER_CLAIM = {
    "취소요청": "CANCEL_REQUEST", "취소처리중": "CANCELING", "취소중": "CANCELING", "취소완료": "CANCEL_DONE",
    "취소철회": "CANCEL_REJECT", "반품요청": "RETURN_REQUEST", "수거중": "COLLECTING", "수거완료": "COLLECT_DONE",
    "반품완료": "RETURN_DONE", "반품철회": "RETURN_REJECT", "교환요청": "EXCHANGE_REQUEST", "교환완료": "EXCHANGE_DONE",
    "교환철회": "EXCHANGE_REJECT", "보류": "HOLDBACK",
}
CAFE24_STATUS = {
    "입금전": "N00", "상품준비중": "N10", "입금확인": "N10", "배송준비중": "N20", "배송대기": "N21", "배송보류": "N22",
    "배송중": "N30", "배송완료": "N40", "구매확정": "N40", "취소신청": "C00", "취소접수": "C10", "취소처리중": "C34",
    "취소": "C40", "취소완료": "C40", "환불": "C40", "환불완료": "C40", "반품신청": "R00", "반품접수": "R10",
    "반품": "R40", "반품완료": "R40", "교환신청": "E00", "교환접수": "E10",
}
CAFE24_PRODUCT_NAME = ("주문상품명", "상품명(한국어 쇼핑몰)", "주문상품명(옵션포함)")     # as the template's columns


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _first(row: dict, *names: str) -> str:
    """The first of ``names`` the row has (a template's list of alternatives: the first header present wins)."""
    return next((_text(row[n]) for n in names if n in row), "")


def _number(text: Any) -> int | str:
    """An id as a JSON number when that keeps the same text (no leading zero), else as text."""
    text = _text(text)
    return int(text) if text.isdigit() and str(int(text)) == text else text


def _moment(text: Any) -> datetime | None:
    text = _text(text)
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


def _naver_iso(text: Any) -> str | None:
    moment = _moment(text)
    return moment.isoformat(timespec="milliseconds") if moment else None


def _split_address(row: dict) -> tuple[str, str]:
    """(baseAddress, detailAddress) whose join is the text the template reads (통합배송지 first)."""
    base, detail = _text(row.get("기본배송지")), _text(row.get("상세배송지"))
    if "통합배송지" not in row:
        return (base, detail) if base or detail else (_text(row.get("배송지")), "")
    full = _text(row["통합배송지"])
    if base and " ".join(f"{base} {detail}".split()) == " ".join(full.split()):
        return base, detail
    if base and full.startswith(base):
        return base, full[len(base):].strip()
    return full, ""


def naver_orders(rows: list[dict]) -> list[dict]:
    """One product-order query-response object per 스마트스토어 row (plus top-level lastChangedDate/Type, which
    FakeNaver keeps to itself)."""
    out = []
    for row in rows:
        status, placed = NAVER_STATUS.get(_text(row.get("주문상태")), ("PAYED", "NOT_YET"))
        if _text(row.get("주문세부상태")) == "발주확인":
            placed = "OK"
        claim_status = NAVER_CLAIM.get(_text(row.get("클레임상태"))) or NAVER_CLAIM.get(_text(row.get("주문상태")))
        if claim_status is None and status in ("CANCELED", "RETURNED"):
            claim_status = "CANCEL_DONE" if status == "CANCELED" else "RETURN_DONE"
        claim_type = ("RETURN" if claim_status in ("COLLECTING", "COLLECT_DONE") else
                      claim_status.split("_")[0] if claim_status and claim_status != "HOLDBACK" else None)
        ordered, paid = _naver_iso(row.get("주문일시")), _naver_iso(row.get("결제일"))
        due = _text(row.get("발송기한"))
        base, detail = _split_address(row)
        obj: dict = {
            "order": {"orderId": _text(row.get("주문번호")), "orderDate": ordered, "paymentDate": paid,
                      "ordererName": _text(row.get("구매자명")), "ordererTel": _text(row.get("구매자연락처"))},
            "productOrder": {
                "productOrderId": _text(row["상품주문번호"]), "productOrderStatus": status, "claimType": claim_type,
                "claimStatus": claim_status, "placeOrderStatus": placed, "productId": _text(row.get("상품번호")),
                "productName": _text(row.get("상품명")), "productOption": _text(row.get("옵션정보")),
                "optionManageCode": _text(row.get("옵션관리코드")), "quantity": int(row.get("수량") or 0),
                "packageNumber": _text(row.get("배송비 묶음번호")),
                "shippingDueDate": (_naver_iso(due if len(due) > 10 else f"{due} 23:59:59") if due else None),
                "shippingMemo": _text(row.get("배송메세지")),
                "shippingAddress": {"name": _text(row.get("수취인명")), "tel1": _text(row.get("수취인연락처1")),
                                    "tel2": _text(row.get("수취인연락처2")), "zipCode": _text(row.get("우편번호")),
                                    "baseAddress": base, "detailAddress": detail},
            },
            "lastChangedDate": paid or ordered,
            "lastChangedType": ("CLAIM_COMPLETED" if status in ("CANCELED", "RETURNED") else
                                "CLAIM_REQUESTED" if claim_status and claim_status.endswith("_REQUEST") else "PAYED"),
        }
        if _text(row.get("송장번호")):
            obj["delivery"] = {"deliveryCompany": _text(row.get("택배사")), "trackingNumber": _text(row["송장번호"]),
                               "deliveryMethod": "DELIVERY", "sendDate": _naver_iso(row.get("발송일"))}
        out.append(obj)
    return out


def coupang_sheets(rows: list[dict]) -> list[dict]:
    """One order sheet per 묶음배송번호 of the 쿠팡 DeliveryList rows."""
    sheets: dict[str, dict] = {}
    for row in rows:
        box = _text(row["묶음배송번호"])
        ordered = _moment(row.get("주문일"))
        ordered_at = ordered.strftime("%Y-%m-%dT%H:%M:%S") if ordered else None
        sheet = sheets.get(box)
        if sheet is None:
            sheet = sheets[box] = {
                "shipmentBoxId": _number(box), "orderId": _number(row.get("주문번호")), "orderedAt": ordered_at,
                "paidAt": ordered_at, "status": "ACCEPT",
                "orderer": {"name": _text(row.get("구매자")), "safeNumber": _text(row.get("구매자전화번호"))},
                "receiver": {"name": _text(row.get("수취인이름")), "safeNumber": _text(row.get("수취인전화번호")),
                             "receiverNumber": None, "postCode": _text(row.get("우편번호")),
                             "addr1": _text(row.get("수취인 주소")), "addr2": ""},
                "parcelPrintMessage": _text(row.get("배송메세지")), "orderItems": [],
            }
        product_id = _number(row.get("노출상품ID"))
        sheet["orderItems"].append({
            "vendorItemId": _number(row["옵션ID"]), "vendorItemName": _text(row.get("노출상품명(옵션명)")),
            "productId": product_id, "sellerProductId": product_id,
            "sellerProductName": _text(row.get("등록상품명")), "sellerProductItemName": _text(row.get("등록옵션명")),
            "shippingCount": int(row.get("구매수(수량)") or 0), "orderPrice": row.get("결제액"),
            "canceled": _text(row.get("취소여부")) == "Y",
            "estimatedShippingDate": _first(row, "주문시 출고예정일", "분리배송 출고예정일"),
            "invoiceNumber": _text(row.get("운송장번호")) or None, "deliveryCompanyCode": None,
        })
    return list(sheets.values())


def cafe24_orders(rows: list[dict], shop_no: int = 1) -> list[dict]:
    """One order (items and receivers embedded) per 주문번호 of the 카페24 rows."""
    orders: dict[str, dict] = {}
    for row in rows:
        order_id = _text(row["주문번호"])
        order = orders.get(order_id)
        if order is None:
            ordered, paid = _moment(row.get("주문일시")), _moment(row.get("결제일시(입금확인일)"))
            full = _first(row, "수령인 주소(전체)") or " ".join(
                v for v in (_text(row.get("수령인 주소")), _text(row.get("수령인 상세 주소"))) if v)
            order = orders[order_id] = {
                "shop_no": shop_no, "order_id": order_id,
                "order_date": ordered.isoformat() if ordered else None,
                "payment_date": paid.isoformat() if paid else None, "paid": "T", "canceled": "F",
                "items": [],
                "receivers": [{
                    "name": _text(row.get("수령인")), "phone": _text(row.get("수령인 일반전화")),
                    "cellphone": _text(row.get("수령인 휴대전화")), "zipcode": _text(row.get("수령인 우편번호")),
                    "address1": _text(row.get("수령인 주소")) or full, "address2": _text(row.get("수령인 상세 주소")),
                    "address_full": full, "shipping_message": _text(row.get("배송메시지")), "shipping_code": "",
                }],
            }
        claim = _text(row.get("취소/교환/반품"))
        status = CAFE24_STATUS.get(claim) or CAFE24_STATUS.get(_text(row.get("주문상태")), "N10")
        variant = _text(row.get("상품품목코드"))
        order["items"].append({
            "order_item_code": _text(row["품목별 주문번호"]), "product_no": _number(row.get("상품번호")),
            "product_code": variant[:8], "variant_code": variant, "product_name": _first(row, *CAFE24_PRODUCT_NAME),
            "option_value": _text(row.get("상품옵션")), "quantity": int(row.get("수량") or 0), "order_status": status,
            "shipping_code": "", "tracking_no": _text(row.get("송장번호")), "shipping_company_code": "",
        })
    for order in orders.values():
        statuses = [i["order_status"] for i in order["items"]]
        order["paid"] = "F" if all(s == "N00" for s in statuses) else "T"
        order["canceled"] = "T" if all(s[:1] in ("C", "R") for s in statuses) else "F"
    return list(orders.values())
