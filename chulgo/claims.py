"""Channel claim lists (반품·교환 요청): read by content through the channel template's [[claims]] tables, each row a
Claim on one of our lines, with who pays the return shipping.

Who pays follows the reason, as the channels rule it (네이버: 귀책 by claim reason; 쿠팡: faultByType; ESM:
반품배송비지불주체): 단순변심·사이즈·색상·주문 실수 → the buyer; 불량·파손·오배송·상품정보 상이·누락·지연·품절 → the
seller. A column that names the payer wins over the reason; a reason neither list knows is left for the seller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chulgo.files import find_header_row, is_unrepairable, normalise_header
from chulgo.model import Problem, RawTable
from chulgo.normalise import digits
from chulgo.template import TemplateCheck, column_getter, spec_names

BUYER_PAYS = re.compile(r"단순\s*변심|변심|구매\s*의사|사이즈|색상|주문\s*실수|잘못\s*(주문|선택)|고객|구매자|INTENT_CHANGED|"
                        r"COLOR_AND_SIZE|WRONG_ORDER|MISTAKE_ORDER|BY_PURCHASER|CUSTOMER", re.IGNORECASE)
SELLER_PAYS = re.compile(r"불량|파손|하자|오배송|오발송|잘못\s*배송|상품\s*정보\s*상이|상세\s*정보와\s*다름|누락|지연|품절|판매자|"
                         r"업체|협력사|BROKEN|WRONG_DELIVERY|WRONG_OPTION|INCORRECT_INFO|DELAYED_DELIVERY|SOLD_OUT|"
                         r"DROPPED_DELIVERY|UNDER_QUANTITY|PRODUCT_UNSATISFIED$|VENDOR", re.IGNORECASE)
PAYER_NAMES = {"buyer": "구매자", "seller": "판매자", "": "확인 필요"}
KIND_NAMES = {"return": "반품", "exchange": "교환"}
FIELDS = ("line_key", "order_no", "option_code", "kind", "reason", "detail", "payer", "fee", "pickup_courier", "pickup_no", "status")


@dataclass(frozen=True)
class Claim:
    """One row of a channel's claim list."""

    channel: str
    line_key: str            # '' when the list names the order and option instead (order_no, option_code)
    kind: str                # 'return' | 'exchange'
    reason: str
    payer: str               # 'buyer' | 'seller' | '' (the seller decides)
    fee: int | None          # the return shipping the channel charges, when its list says
    pickup_courier: str      # 회수 택배사, as the channel writes it
    pickup_no: str           # 회수 송장번호
    withdrawn: bool          # 철회·거부: the claim is over, the line is as before
    source: str
    source_row: int
    order_no: str = ""
    option_code: str = ""

    @property
    def text(self) -> str:
        return f"{KIND_NAMES[self.kind]}요청" + (f" ({self.reason})" if self.reason else "")


def payer_of(reason: str, stated: str = "") -> str:
    """Who pays the return shipping: the list's own payer column when it names one, else by the reason."""
    for text in (stated, reason):
        buyer, seller = bool(BUYER_PAYS.search(text or "")), bool(SELLER_PAYS.search(text or ""))
        if buyer != seller:
            return "buyer" if buyer else "seller"
    return ""


class ClaimLayout:
    """One claim list of a channel ([[claims]] in its template): how to recognise it and read its rows."""

    def __init__(self, channel_id: str, channel_name: str, doc: dict, path: Path, where: str = "[[claims]]") -> None:
        check = TemplateCheck("채널 템플릿", path)
        check.keys(doc, ("label", "kind", "identify", "columns", "withdrawn", "verified"), where)
        self.channel, self.path, self.doc = channel_id, path, doc
        self.label: str = check.text(doc, "label", where, "반품·교환")
        self.name = f"{channel_name} {self.label}"
        self.headers: list[str] = check.texts(doc, "identify", where, required=True)
        self.columns: dict = check.columns(doc, "columns", f"{where} columns", FIELDS)
        # the list is one kind only ('return' | 'exchange'), or columns.kind says per row
        self.kind: str = check.choice(doc, "kind", where, ("return", "exchange", ""), "")
        self.withdrawn = check.regex(doc, "withdrawn", where, r"철회|거부|취소완료|반려")
        self.verified: bool = check.flag(doc, "verified", where, False)
        if "line_key" not in self.columns and not {"order_no", "option_code"} <= set(self.columns):
            raise check.error(f"{where} columns", "에 line_key (또는 order_no 와 option_code) 가 없습니다.")
        if not self.kind and "kind" not in self.columns:
            raise check.error(f"{where} kind", '는 "return" 또는 "exchange" 여야 합니다 (한 목록에 둘이 섞이면 '
                                               "columns.kind 로 반품/교환 열을 지정).")

    def identify(self, table: RawTable) -> int:
        return find_header_row(table.rows, set(self.headers))

    def read(self, table: RawTable) -> Iterator[Claim | Problem]:
        header = table.rows[table.header_row]
        get = {f: column_getter(self.columns[f], header) for f in FIELDS if f in self.columns}
        present = {normalise_header(h) for h in header}
        for f in ("line_key",) if "line_key" in self.columns else ("order_no", "option_code"):
            spec = self.columns[f]
            if get[f] is None or (isinstance(spec, dict) and
                                  any(normalise_header(h) not in present for h in spec.get("join", []))):
                yield Problem("missing_column", f"{self.name} 목록에 주문을 찾을 열이 없습니다.", table.file.name,
                              table.sheet, table.header_row + 1, spec_names(spec))
                return

        def value(f: str, row: list[str]) -> str:
            g = get.get(f)
            return g(row).strip() if g else ""

        for i, row in table.rows_from(table.header_row + 1):
            key, order_no, option = value("line_key", row), value("order_no", row), value("option_code", row)
            if not any(row) or not (key or order_no and option):
                continue
            damaged = next(((f, v) for f, v in (("line_key", key), ("order_no", order_no)) if v and is_unrepairable(v)),
                           None)
            if damaged:
                yield Problem("float_id", "주문번호가 숫자로 저장되어 뒷자리가 사라졌습니다. 엑셀에서 열어 저장하지 말고 "
                              "채널에서 받은 파일 그대로 넣으세요.", table.file.name, table.sheet, i + 1,
                              spec_names(self.columns[damaged[0]]), damaged[1])
                continue
            kind = self.kind or ("exchange" if "교환" in value("kind", row) else
                                 "return" if "반품" in value("kind", row) else "")
            if not kind:
                continue                              # a cancellation or another claim: the order export says it
            reason = " — ".join(v for v in (value("reason", row), value("detail", row)) if v)
            fee_text = digits(value("fee", row))
            yield Claim(self.channel, key, kind, reason[:200], payer_of(reason, value("payer", row)),
                        int(fee_text) if fee_text else None, value("pickup_courier", row), digits(value("pickup_no", row)),
                        bool(self.withdrawn.search(value("status", row))), table.file.name, i + 1, order_no, option)
