"""Made-up sample data in the channels' real file layouts.

Everything here is invented: people are syllable combinations, phone numbers are random, addresses are
real-looking street names with random numbers. The files follow the layouts described in
shared/reference/channel-formats.md (Smartstore §1.1, Coupang §2.1, Cafe24 §3.1) and the mapping
workbook of SPEC.md, so the whole tool can be exercised end to end: ``run.py demo``, the test suite and the
benchmarks (up to ~100,000 lines) all use this module.

Output is deterministic for a given seed (one ``random.Random`` per call, never the global one).
Workbooks are written with XlsxWriter into memory and stored with a single write.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

__all__ = [
    "CAFE24_HEADERS",
    "COUPANG_HEADERS",
    "MAPPING_HEADERS",
    "PRODUCT_HEADERS",
    "SET_HEADERS",
    "SMARTSTORE_HEADERS",
    "SMARTSTORE_INSTRUCTION",
    "SMARTSTORE_SHORT_HEADERS",
    "UNMAPPED_HEADERS",
    "SampleDay",
    "generate_day",
    "write_cafe24_export",
    "write_coupang_export",
    "write_day",
    "write_mapping_workbook",
    "write_smartstore_export",
    # more channels
    "ELEVENST_HEADERS",
    "ESM_HEADERS",
    "ESM_RETURN_HEADERS",
    "ESM_EXCHANGE_HEADERS",
    "write_claim_list",
    "KAKAO_GIFT_HEADERS",
    "LOTTEON_HEADERS",
    "MORE_CHANNEL_IDS",
    "OHOUSE_HEADERS",
    "TOSS_HEADERS",
    "generate_channel_rows",
    "write_11st_export",
    "write_esm_export",
    "write_kakao_gift_export",
    "write_lotteon_export",
    "write_ohouse_export",
    "write_toss_export",
]

# --------------------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------------------

SMARTSTORE_INSTRUCTION = (
    "◈ 다운로드 받은 파일로 '엑셀 일괄발송' 처리하는 방법\n"
    "1. 파일 업로드 시, 1행 삭제 후 업로드해 주세요. (2행의 항목명이 1행이 되어야 합니다)\n"
    "2. 데이터가 있는 시트의 이름은 반드시 '발송처리'로 변경해 주세요.\n"
    "3. 상품주문번호, 배송방법, 택배사, 송장번호는 필수 입력 항목이며, 그 외 항목은 수정하지 않아도 됩니다.\n"
    "4. 배송방법: 택배,등기,소포 / 퀵서비스 / 방문수령 / 직접전달 중 하나를 입력하세요. "
    "택배,등기,소포가 아닌 경우 택배사와 송장번호는 비워 두세요.\n"
    "5. 택배사는 판매자센터 택배사 리스트에 있는 명칭 그대로 입력하세요. (해외 택배: 해외기타택배#택배사명)\n"
    "6. 선물하기 주문은 구매자가 아닌 수취인연락처로 연락해 주세요."
)

SMARTSTORE_HEADERS: tuple[str, ...] = (
    "상품주문번호", "주문번호", "배송속성", "풀필먼트사(주문 기준)", "택배사(주문 기준)",
    "배송방법(구매자 요청)", "배송방법", "택배사", "송장번호", "발송일",
    "판매채널", "구매자명", "구매자ID", "수취인명", "주문상태",
    "주문세부상태", "수량클레임 여부", "결제위치", "결제일", "상품번호",
    "상품명", "상품종류", "반품안심케어", "멤버십N배송", "옵션정보",
    "옵션관리코드", "수량", "옵션가격", "상품가격", "최종 상품별 할인액",
    "최초 상품별 할인액", "판매자 부담 할인액", "최종 상품별 총 주문금액", "최초 상품별 총 주문금액", "사은품",
    "발주확인일", "발송기한", "발송처리일", "송장출력일", "배송비 형태",
    "배송비 묶음번호", "배송비 유형", "배송비 합계", "제주/도서 추가배송비", "배송비 할인액",
    "판매자 상품코드", "판매자 내부코드1", "판매자 내부코드2", "수취인연락처1", "수취인연락처2",
    "통합배송지", "기본배송지", "상세배송지", "구매자연락처", "우편번호",
    "배송메세지", "출고지", "결제수단", "네이버페이 주문관리 수수료", "매출연동 수수료",
    "정산예정금액", "개인통관고유부호", "주문일시", "배송희망일", "구독신청회차",
    "구독진행회차", "구독배송희망일", "배송태그 유형", "출입방법 유형", "출입방법 내용",
    "수령위치 유형", "수령위치 내용",
)

SMARTSTORE_SHORT_HEADERS: tuple[str, ...] = (
    "상품주문번호", "배송방법(구매자 요청)", "배송방법", "택배사", "송장번호",
    "구매자명", "수취인명", "옵션정보", "수량", "수취인연락처1",
    "수취인연락처2", "통합배송지", "배송메세지", "구매자연락처", "주문번호",
    "발송일", "주문상태", "결제일", "상품번호", "상품명",
    "정산예정금액", "주문일시", "발송기한", "구매자ID", "고객 등급",
    "1년 주문건수", "주문 유입경로",
    # Not in the observed 27-column selection; added so the layout can still be shipped.
    # (상품번호 is already in the selection, so it is not repeated.)
    "배송비 묶음번호", "우편번호", "옵션관리코드",
)

COUPANG_HEADERS: tuple[str, ...] = (
    "번호", "묶음배송번호", "주문번호", "택배사", "운송장번호",
    "분리배송 Y/N", "분리배송 출고예정일", "주문시 출고예정일", "출고일(발송일)", "주문일",
    "등록상품명", "등록옵션명", "노출상품명(옵션명)", "노출상품ID", "옵션ID",
    "최초등록등록상품명/옵션명", "업체상품코드", "바코드", "결제액", "배송비구분",
    "배송비", "도서산간 추가배송비", "구매수(수량)", "옵션판매가(판매단가)", "구매자",
    "구매자전화번호", "수취인이름", "수취인전화번호", "우편번호", "수취인 주소",
    "배송메세지", "상품별 추가메시지", "주문자 추가메시지", "배송완료일", "구매확정일자",
    "개인통관번호(PCCC)", "통관용수취인전화번호", "기타", "결제위치", "배송유형",
)

CAFE24_HEADERS: tuple[str, ...] = (
    "주문번호", "품목별 주문번호", "주문일시", "결제일시(입금확인일)", "주문경로",
    "상품번호", "상품품목코드", "주문상품명", "상품옵션", "수량",
    "판매가", "실결제금액", "주문자명", "주문자 휴대전화", "수령인",
    "수령인 일반전화", "수령인 휴대전화", "수령인 우편번호", "수령인 주소(전체)", "배송메시지",
    "배송업체", "송장번호", "쇼핑몰", "주문상태",
)

PRODUCT_HEADERS: tuple[str, ...] = ("SKU", "상품명", "바코드", "로케이션", "재고", "안전재고", "공급사")
MAPPING_HEADERS: tuple[str, ...] = ("채널", "채널상품코드", "채널옵션코드", "채널상품명", "채널옵션", "SKU", "수량")
SET_HEADERS: tuple[str, ...] = ("세트SKU", "구성SKU", "수량")
UNMAPPED_HEADERS: tuple[str, ...] = MAPPING_HEADERS + ("주문수", "예시주문번호", "추천SKU")

# Columns that the real files store as numbers; everything else is written as text.
_SMARTSTORE_NUMERIC = frozenset({
    "수량", "옵션가격", "상품가격", "최종 상품별 할인액", "최초 상품별 할인액", "판매자 부담 할인액",
    "최종 상품별 총 주문금액", "최초 상품별 총 주문금액", "배송비 합계", "제주/도서 추가배송비",
    "배송비 할인액", "네이버페이 주문관리 수수료", "매출연동 수수료", "정산예정금액", "1년 주문건수",
})
_COUPANG_NUMERIC = frozenset({
    "번호", "결제액", "배송비", "도서산간 추가배송비", "구매수(수량)", "옵션판매가(판매단가)",
})
_CAFE24_NUMERIC = frozenset({"수량", "판매가", "실결제금액"})
_MAPPING_NUMERIC = frozenset({"재고", "안전재고", "수량", "주문수"})

_WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}

DEFAULT_DAY = _dt.date(2026, 11, 22)
SHOP_NAME = "하루상점"

# --------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _write_rows(
    ws: Any,
    headers: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    first_row: int,
    numeric: frozenset[str],
    auto_number: str | None = None,
) -> int:
    """Write dict rows under ``headers``; returns the number of rows written.

    Numbers go to numeric columns as numbers, everything else as text strings (so ids keep their
    digits and a leading ``=`` stays text). Empty values leave the cell blank.
    """
    cols = [(i, h, h in numeric) for i, h in enumerate(headers)]
    write_string = ws.write_string
    write_number = ws.write_number
    r = first_row
    n = 0
    for row in rows:
        n += 1
        for c, h, is_num in cols:
            v = row.get(h)
            if v is None or v == "":
                if h == auto_number:
                    write_number(r, c, n)
                continue
            if is_num and _is_number(v):
                write_number(r, c, v)
            else:
                write_string(r, c, v if isinstance(v, str) else str(v))
        r += 1
    return n


def _set_widths(ws: Any, headers: Sequence[str], wide: Mapping[str, float] | None = None) -> None:
    wide = wide or {}
    for i, h in enumerate(headers):
        ws.set_column(i, i, wide.get(h, max(10.0, min(30.0, len(h) * 2.0 + 2))))


def _save(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


_ADDRESS_WIDTHS = {
    "통합배송지": 45, "기본배송지": 35, "상세배송지": 20, "수취인 주소": 45, "수령인 주소(전체)": 45,
    "상품명": 35, "옵션정보": 28, "등록상품명": 30, "노출상품명(옵션명)": 40, "주문상품명": 30,
}


def write_smartstore_export(
    path: str | Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    password: str | None = "1234",
    headers: Sequence[str] = SMARTSTORE_HEADERS,
) -> Path:
    """Write a Smartstore 발주발송관리 download: instruction in A1, headers on row 2, data from row 3.

    With a password (the default, like the real download) the workbook is encrypted with
    msoffcrypto-tool, so the file is an OLE container (``D0 CF 11 E0``) rather than a zip.
    """
    return _simple_export(path, rows, headers, "발주발송관리", _SMARTSTORE_NUMERIC, title=SMARTSTORE_INSTRUCTION,
                          password=password)


def write_coupang_export(
    path: str | Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: Sequence[str] = COUPANG_HEADERS,
) -> Path:
    """Write a Coupang Wing DeliveryList: sheet ``Delivery``, header row 1, data from row 2.

    ``번호`` is filled with 1..n when a row has none.
    """
    return _simple_export(path, rows, headers, "Delivery", _COUPANG_NUMERIC, auto_number="번호")


def write_cafe24_export(
    path: str | Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: Sequence[str] = CAFE24_HEADERS,
) -> Path:
    """Write a Cafe24 order download (seller template): one sheet ``Sheet1``, header row 1."""
    return _simple_export(path, rows, headers, "Sheet1", _CAFE24_NUMERIC)


_MAPPING_WIDTHS = {
    "SKU": 18, "상품명": 32, "바코드": 16, "로케이션": 10, "재고": 8, "안전재고": 9, "공급사": 14,
    "채널": 11, "채널상품코드": 16, "채널옵션코드": 16, "채널상품명": 34, "채널옵션": 26, "수량": 7,
    "세트SKU": 16, "구성SKU": 18, "주문수": 8, "예시주문번호": 22, "추천SKU": 18,
}


def write_mapping_workbook(
    path: str | Path,
    products: Sequence[Mapping[str, Any]],
    mappings: Sequence[Mapping[str, Any]],
    sets: Sequence[Mapping[str, Any]],
) -> Path:
    """Write the seller's mapping workbook (sheets 상품, 매핑, 세트, and an empty 미매핑).

    Rows are dicts keyed by the sheet's header names. Codes and barcodes are text; 재고, 안전재고,
    수량 and 주문수 are numbers.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, _WORKBOOK_OPTIONS)
    bold = wb.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
    for name, headers, rows in (
        ("상품", PRODUCT_HEADERS, products),
        ("매핑", MAPPING_HEADERS, mappings),
        ("세트", SET_HEADERS, sets),
        ("미매핑", UNMAPPED_HEADERS, ()),
    ):
        ws = wb.add_worksheet(name)
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, bold)
            ws.set_column(c, c, _MAPPING_WIDTHS.get(h, 14))
        ws.freeze_panes(1, 0)
        _write_rows(ws, headers, rows, 1, _MAPPING_NUMERIC)
    wb.close()
    return _save(path, buf.getvalue())


# --------------------------------------------------------------------------------------------------
# Made-up data
# --------------------------------------------------------------------------------------------------

_COLORS = (
    ("RED", "빨강"), ("BLU", "파랑"), ("BLK", "검정"), ("WHT", "흰색"), ("GRY", "회색"),
    ("NVY", "네이비"), ("BEI", "베이지"), ("GRN", "초록"), ("PNK", "분홍"), ("YEL", "노랑"),
    ("KHA", "카키"), ("IVO", "아이보리"),
)
_SIZES = (("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("2XL", "2XL"))
_SHOE_SIZES = tuple((s, s) for s in ("230", "240", "250", "260", "270", "280"))


def _colors(n: int) -> tuple[tuple[str, str], ...]:
    return _COLORS[:n]


# (code, name, price, axes) — an axis is (option name, ((code, label), ...))
_FAMILIES: tuple[tuple[str, str, int, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]], ...] = (
    ("TEE", "오가닉 코튼 티셔츠", 19900, (("색상", _colors(12)), ("사이즈", _SIZES))),
    ("HOOD", "기모 후드티", 39900, (("색상", _colors(10)), ("사이즈", _SIZES))),
    ("SWT", "베이직 맨투맨", 32900, (("색상", _colors(10)), ("사이즈", _SIZES))),
    ("PNT", "와이드 코튼 팬츠", 35900, (("색상", _colors(8)), ("사이즈", _SIZES))),
    ("SLP", "푹신 실내 슬리퍼", 12900, (("색상", _colors(6)), ("사이즈", _SHOE_SIZES))),
    ("SOCK", "데일리 양말", 3900, (("색상", _colors(12)),)),
    ("CAP", "워싱 볼캡", 15900, (("색상", _colors(10)),)),
    ("TOTE", "캔버스 에코백", 12900, (("색상", _colors(8)),)),
    ("MUG", "세라믹 머그컵", 9900, (("색상", _colors(8)),)),
    ("TUMB", "스텐 진공 텀블러", 18900,
     (("색상", _colors(6)), ("용량", (("350", "350ml"), ("500", "500ml"), ("750", "750ml"))))),
    ("TWL", "호텔식 세면타월", 6900, (("색상", _colors(8)),)),
    ("CUSH", "극세사 쿠션", 14900, (("색상", _colors(10)),)),
    ("BLKT", "극세사 담요", 24900, (("색상", _colors(8)), ("크기", (("SG", "싱글"), ("QN", "퀸"))))),
    ("PHC", "투명 젤리 폰케이스", 8900,
     (("기종", (("S24", "갤럭시 S24"), ("S25", "갤럭시 S25"), ("IP15", "아이폰 15"), ("IP16", "아이폰 16"))),
      ("색상", _colors(4)))),
    ("GLV", "니트 터치 장갑", 9900, (("색상", _colors(8)),)),
    ("SCF", "울 머플러", 22900, (("색상", _colors(10)),)),
    ("BAG", "나일론 백팩", 45900, (("색상", _colors(6)),)),
    ("UMB", "3단 자동 우산", 16900, (("색상", _colors(8)),)),
    ("APR", "방수 앞치마", 11900, (("색상", _colors(6)),)),
    ("NOTE", "무지 스프링 노트", 2900, (("규격", (("A5", "A5"), ("B5", "B5"))),)),
    ("PIL", "메모리폼 경추베개", 29900, ()),
    ("DIFF", "룸 디퓨저 200ml", 17900, ()),
)

# Always in the catalogue: the set components, the "3개입" SKU and the example product.
_CORE_SKUS = ("HR-TEE-RED-L", "HR-SOCK-BLK", "HR-SOCK-WHT", "HR-MUG-WHT", "HR-TWL-WHT")
_SET_SKU = "SET-GIFT-01"
_SET_NAME = "하루 선물세트 (머그컵+양말+타월)"
_SET_PRICE = 24900
_SET_COMPONENTS = (("HR-MUG-WHT", 1), ("HR-SOCK-BLK", 2), ("HR-TWL-WHT", 1))
_PACK_SKUS = ("HR-SOCK-BLK", "HR-SOCK-WHT")  # sold as "3개입" listings

_SUPPLIERS = ("자사", "(주)한빛어패럴", "누리상사", "다온리빙", "세움잡화")


def _supplier(r: float, drawn: str, dropship: float) -> str:
    """Our own stock (blank or 자사), or for the top ``dropship`` share of ``r`` the supplier drawn ships it."""
    return drawn if drawn == "자사" or r > 1 - dropship else ""

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구"
_GIVEN = (
    "민서준우지하도윤수아예은현건시연채다온유나진호영재희성태경주원혜선동훈상미정빈소율가람찬솔"
    "보람승규나래한결다인세린"
)

# (road address prefix, district's zip range) — street names are real, numbers are random.
_ROADS: tuple[tuple[str, int, int], ...] = (
    ("서울특별시 강남구 테헤란로", 6100, 6250),
    ("서울특별시 강남구 봉은사로", 6000, 6200),
    ("서울특별시 서초구 서초대로", 6500, 6800),
    ("서울특별시 마포구 월드컵북로", 3900, 4100),
    ("서울특별시 송파구 올림픽로", 5500, 5700),
    ("서울특별시 종로구 세종대로", 3100, 3200),
    ("서울특별시 관악구 관악로", 8700, 8800),
    ("서울특별시 노원구 동일로", 1600, 1900),
    ("부산광역시 해운대구 해운대로", 48000, 48100),
    ("부산광역시 부산진구 중앙대로", 47200, 47300),
    ("대구광역시 수성구 달구벌대로", 42000, 42200),
    ("인천광역시 연수구 컨벤시아대로", 21900, 22100),
    ("광주광역시 서구 상무중앙로", 61900, 62000),
    ("대전광역시 유성구 대학로", 34100, 34200),
    ("울산광역시 남구 삼산로", 44600, 44800),
    ("경기도 성남시 분당구 판교역로", 13400, 13600),
    ("경기도 수원시 영통구 광교중앙로", 16500, 16600),
    ("경기도 고양시 일산동구 중앙로", 10300, 10500),
    ("경기도 용인시 수지구 포은대로", 16800, 16900),
    ("세종특별자치시 한누리대로", 30100, 30200),
    ("강원특별자치도 춘천시 중앙로", 24200, 24300),
    ("충청북도 청주시 상당구 상당로", 28500, 28600),
    ("전북특별자치도 전주시 완산구 팔달로", 54900, 55000),
    ("경상남도 창원시 성산구 중앙대로", 51400, 51500),
    ("제주특별자치도 제주시 연삼로", 63100, 63300),
)

_MESSAGES = (
    "부재시 문앞", "문 앞에 놓아주세요", "배송 전 연락 부탁드립니다", "경비실에 맡겨주세요",
    "택배함에 넣어주세요", "파손 주의 부탁드려요", "공동현관 비밀번호 #1234", "빠른 배송 부탁드립니다",
    "- 부재시 문앞", "=경비실", "+ 문앞 보관", "@택배함",
)

_MARKETING = ("데일리", "베스트", "당일출고", "무료배송", "남녀공용", "인기상품")


class _Listing:
    """One sellable listing on one channel (channel-specific fields) and what it maps to."""

    __slots__ = ("channel", "fields", "key", "mapped", "mult", "price", "sku")

    def __init__(self, channel: str, fields: dict[str, str], price: int, sku: str, mult: int,
                 mapped: bool, key: str) -> None:
        self.channel = channel
        self.fields = fields
        self.price = price
        self.sku = sku
        self.mult = mult
        self.mapped = mapped
        self.key = key


class _Recipient:
    __slots__ = ("base", "detail", "name", "phone", "zip")

    def __init__(self, name: str, phone: str, zip_: str, base: str, detail: str) -> None:
        self.name = name
        self.phone = phone
        self.zip = zip_
        self.base = base
        self.detail = detail

    @property
    def full(self) -> str:
        return f"{self.base} {self.detail}".strip()


class _Line:
    __slots__ = ("cancelled", "listing", "qty")

    def __init__(self, listing: _Listing, qty: int, cancelled: bool) -> None:
        self.listing = listing
        self.qty = qty
        self.cancelled = cancelled


class _Checkout:
    __slots__ = ("buyer_name", "buyer_phone", "channel", "lines", "message", "paired", "recipient", "time")

    def __init__(self, channel: str, time: _dt.datetime, recipient: _Recipient, buyer_name: str,
                 buyer_phone: str, message: str, lines: list[_Line]) -> None:
        self.channel = channel
        self.time = time
        self.recipient = recipient
        self.buyer_name = buyer_name
        self.buyer_phone = buyer_phone
        self.message = message
        self.lines = lines
        self.paired = False


@dataclass(frozen=True)
class SampleDay:
    """One day of made-up business: the catalogue, its mappings and three channel exports."""

    products: list[dict]      # 상품 rows
    mappings: list[dict]      # 매핑 rows
    sets: list[dict]          # 세트 rows
    smartstore: list[dict]    # rows keyed by SMARTSTORE_HEADERS names
    coupang: list[dict]       # rows keyed by COUPANG_HEADERS names
    cafe24: list[dict]        # rows keyed by CAFE24_HEADERS names
    unmapped_listings: int    # how many distinct listings used today have no mapping
    day: _dt.date = DEFAULT_DAY


def _ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _letters(n: int, width: int) -> str:
    """Base-26 A..Z code of ``n`` (0 = 'A'), left-padded with '0' to ``width``."""
    s = ""
    n += 1
    while n > 0:
        n -= 1
        s = chr(65 + n % 26) + s
        n //= 26
    return s.rjust(width, "0")


def _phone(rng: random.Random, prefix: str = "010") -> str:
    return f"{prefix}-{rng.randrange(2000, 10000)}-{rng.randrange(0, 10000):04d}"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)


def _recipient(rng: random.Random, phone_prefix: str = "010") -> _Recipient:
    road, lo, hi = rng.choice(_ROADS)
    base = f"{road} {rng.randrange(1, 400)}"
    r = rng.random()
    if r < 0.35:
        detail = f"{rng.randrange(101, 120)}동 {rng.randrange(1, 25)}{rng.randrange(1, 5):02d}호"
    elif r < 0.6:
        detail = f"{rng.randrange(2, 15)}층"
    elif r < 0.85:
        detail = f"{rng.randrange(1, 6)}층 {rng.randrange(1, 6)}0{rng.randrange(1, 9)}호"
    else:
        detail = ""
    return _Recipient(_name(rng), _phone(rng, phone_prefix), f"{rng.randrange(lo, hi):05d}", base, detail)


def _respaced(rng: random.Random, base: str) -> str:
    """The same road address typed differently: a doubled space and/or no space before the number."""
    head, _, number = base.rpartition(" ")
    road_head, _, road = head.rpartition(" ")
    variant = rng.randrange(3)
    if variant == 0:
        return f"{road_head}  {road} {number}"
    if variant == 1:
        return f"{head}{number}"
    return f"{road_head}  {road}{number}"


def _catalogue(rng: random.Random, n_products: int, dropship: float = 0.0) -> list[dict]:
    """Pick ``n_products`` variants of the families (always including the core SKUs)."""
    variants: list[tuple[str, str, int, tuple[tuple[str, str, str], ...]]] = []
    for code, _name, price, axes in _FAMILIES:
        combos: list[tuple[tuple[str, str, str], ...]] = [()]
        for axis_name, values in axes:
            combos = [c + ((axis_name, vc, vl),) for c in combos for vc, vl in values]
        for combo in combos:
            sku = "-".join(["HR", code] + [vc for _, vc, _ in combo])
            variants.append((sku, code, price, combo))
    core = [v for v in variants if v[0] in _CORE_SKUS]
    rest = [v for v in variants if v[0] not in _CORE_SKUS]
    rng.shuffle(rest)
    chosen = core + rest[: max(0, n_products - len(core))]
    family_names = {code: name for code, name, _, _ in _FAMILIES}
    # Stable order: family order, then variant order, like a seller's sheet.
    order = {v[0]: i for i, v in enumerate(variants)}
    chosen.sort(key=lambda v: order[v[0]])
    barcode = rng.randrange(100_000_000, 900_000_000)
    products = []
    for sku, code, price, combo in chosen:
        barcode += rng.randrange(1, 50)
        label = " ".join([family_names[code]] + [vl for _, _, vl in combo])
        r = rng.random()
        products.append({
            "SKU": sku,
            "상품명": label,
            "바코드": _ean13(f"880{barcode:09d}"),
            "로케이션": f"{'ABCDE'[rng.randrange(5)]}-{rng.randrange(1, 21):02d}-{rng.randrange(1, 6):02d}",
            "재고": 0,
            "안전재고": rng.choice((0, 0, 3, 5, 10)),
            "공급사": _supplier(r, "" if r < 0.7 else rng.choice(_SUPPLIERS), dropship),
            # private helpers, removed before returning
            "_family": code,
            "_price": price,
            "_combo": combo,
        })
    return products


def _option_text(combo: Sequence[tuple[str, str, str]], style: str) -> str:
    if style == "smartstore":
        return " / ".join(f"{n}: {v}" for n, _, v in combo)
    if style == "alt":  # same pairs, another order and separators
        return ",".join(f"{n}:{v}" for n, _, v in reversed(combo))
    if style == "cafe24":
        return ", ".join(f"{n}={v}" for n, _, v in combo)
    if style == "coupang":
        return ", ".join(v for _, _, v in combo)
    raise ValueError(style)


class _Ids:
    """Monotonic id counters (unique by construction, no collision checks needed)."""

    def __init__(self, rng: random.Random, start: int, max_step: int) -> None:
        self.rng = rng
        self.value = start
        self.max_step = max_step

    def next(self) -> int:
        self.value += self.rng.randrange(1, self.max_step + 1)
        return self.value


def _build_listings(
    rng: random.Random, products: list[dict]
) -> tuple[dict[str, list[_Listing]], list[dict], list[Any]]:
    """Listings per channel (mapped ones), the 매핑 rows that map them, and the id generators
    (continued by the unmapped listings so their codes never collide with mapped ones)."""
    by_family: dict[str, list[dict]] = {}
    for p in products:
        by_family.setdefault(p["_family"], []).append(p)
    family_names = {code: name for code, name, _, _ in _FAMILIES}
    listings: dict[str, list[_Listing]] = {"smartstore": [], "coupang": [], "cafe24": []}
    mappings: list[dict] = []

    ss_ids = _Ids(rng, rng.randrange(5_000_000_000, 9_000_000_000), 997)
    cp_product_ids = _Ids(rng, rng.randrange(7_000_000_000, 8_500_000_000), 9_999)
    cp_option_ids = _Ids(rng, rng.randrange(80_000_000_000, 89_000_000_000), 5_000)
    cafe_no = rng.randrange(10, 40)

    def add_mapping(channel: str, product_code: str, option_code: str, product_name: str, option: str,
                    sku: str, qty: int) -> None:
        mappings.append({"채널": channel, "채널상품코드": product_code, "채널옵션코드": option_code,
                         "채널상품명": product_name, "채널옵션": option, "SKU": sku, "수량": qty})

    alt_counter = 0
    for code, items in by_family.items():
        fname = family_names[code]
        price = items[0]["_price"]
        has_opts = bool(items[0]["_combo"])

        # Smartstore: one 상품번호 per family, options as "이름: 값 / 이름: 값".
        ss_no = str(ss_ids.next())
        ss_name = f"{fname} {rng.choice(_MARKETING)}"
        for p in items:
            opt = _option_text(p["_combo"], "smartstore")
            extra = 2000 if any(vc in ("XL", "2XL", "750", "QN") for _, vc, _ in p["_combo"]) else 0
            fields = {"상품번호": ss_no, "상품명": ss_name, "옵션정보": opt, "판매자 상품코드": f"HR-{code}",
                      "상품종류": "조합형옵션상품" if has_opts else "단일상품", "_extra": extra}
            listings["smartstore"].append(_Listing("smartstore", fields, price, p["SKU"], 1, True, f"{ss_no}|{opt}"))
            map_opt = opt
            if len(p["_combo"]) >= 2:
                alt_counter += 1
                if alt_counter % 3 == 1 or p["SKU"] == "HR-TEE-RED-L":
                    map_opt = _option_text(p["_combo"], "alt")
            add_mapping("smartstore", ss_no, "", ss_name, map_opt, p["SKU"], 1)

        # Coupang: most products, one 노출상품ID per family and one 옵션ID per variant.
        cp_items = [p for p in items if p["SKU"] in _CORE_SKUS or rng.random() < 0.85]
        if cp_items:
            cp_pid = str(cp_product_ids.next())
            reg_name = f"{SHOP_NAME} {fname}"
            for p in cp_items:
                oid = str(cp_option_ids.next())
                opt = _option_text(p["_combo"], "coupang")
                fields = {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": reg_name, "등록옵션명": opt,
                          "노출상품명(옵션명)": f"{reg_name}, {opt}" if opt else reg_name,
                          "최초등록등록상품명/옵션명": f"{reg_name} {opt}".strip(), "바코드": p["바코드"]}
                listings["coupang"].append(_Listing("coupang", fields, price, p["SKU"], 1, True, oid))
                add_mapping("coupang", cp_pid, oid, reg_name, opt, p["SKU"], 1)

        # Cafe24: a smaller selection; 상품품목코드 = product code + variant suffix.
        cf_items = [p for p in items if p["SKU"] in _CORE_SKUS or rng.random() < 0.7]
        if cf_items:
            cafe_no += rng.randrange(1, 4)
            pcode = "P" + _letters(cafe_no, 7)
            for i, p in enumerate(cf_items):
                item_code = pcode + _letters(i, 4)
                opt = _option_text(p["_combo"], "cafe24")
                fields = {"상품번호": str(cafe_no), "상품품목코드": item_code, "주문상품명": fname, "상품옵션": opt}
                listings["cafe24"].append(_Listing("cafe24", fields, price, p["SKU"], 1, True, item_code))
                add_mapping("cafe24", str(cafe_no), item_code, fname, opt, p["SKU"], 1)

    # The gift set on every channel.
    ss_no = str(ss_ids.next())
    listings["smartstore"].append(_Listing(
        "smartstore", {"상품번호": ss_no, "상품명": _SET_NAME, "옵션정보": "", "판매자 상품코드": _SET_SKU,
                       "상품종류": "단일상품", "_extra": 0}, _SET_PRICE, _SET_SKU, 1, True, f"{ss_no}|"))
    add_mapping("smartstore", ss_no, "", _SET_NAME, "", _SET_SKU, 1)
    cp_pid, oid = str(cp_product_ids.next()), str(cp_option_ids.next())
    name = f"{SHOP_NAME} {_SET_NAME}"
    listings["coupang"].append(_Listing(
        "coupang", {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": name, "등록옵션명": "단품",
                    "노출상품명(옵션명)": f"{name}, 단품", "최초등록등록상품명/옵션명": f"{name} 단품", "바코드": ""},
        _SET_PRICE, _SET_SKU, 1, True, oid))
    add_mapping("coupang", cp_pid, oid, name, "단품", _SET_SKU, 1)
    cafe_no += 1
    item_code = "P" + _letters(cafe_no, 7) + _letters(0, 4)
    listings["cafe24"].append(_Listing(
        "cafe24", {"상품번호": str(cafe_no), "상품품목코드": item_code, "주문상품명": _SET_NAME, "상품옵션": ""},
        _SET_PRICE, _SET_SKU, 1, True, item_code))
    add_mapping("cafe24", str(cafe_no), item_code, _SET_NAME, "", _SET_SKU, 1)

    # "3개입" packs of socks on Smartstore and Coupang (mapping 수량 3).
    sock_price = 3900 * 3 - 1000
    ss_no = str(ss_ids.next())
    ss_name = "데일리 양말 3개입 세트"
    cp_pid = str(cp_product_ids.next())
    cp_name = f"{SHOP_NAME} 데일리 양말 3개입"
    for sku in _PACK_SKUS:
        p = next(p for p in products if p["SKU"] == sku)
        color = p["_combo"][0][2]
        opt = f"색상: {color}"
        listings["smartstore"].append(_Listing(
            "smartstore", {"상품번호": ss_no, "상품명": ss_name, "옵션정보": opt, "판매자 상품코드": "HR-SOCK-3P",
                           "상품종류": "조합형옵션상품", "_extra": 0}, sock_price, sku, 3, True, f"{ss_no}|{opt}"))
        add_mapping("smartstore", ss_no, "", ss_name, f"색상:{color}", sku, 3)
        oid = str(cp_option_ids.next())
        listings["coupang"].append(_Listing(
            "coupang", {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": cp_name, "등록옵션명": f"{color}, 3개",
                        "노출상품명(옵션명)": f"{cp_name}, {color}, 3개",
                        "최초등록등록상품명/옵션명": f"{cp_name} {color}", "바코드": ""},
            sock_price, sku, 3, True, oid))
        add_mapping("coupang", cp_pid, oid, cp_name, f"{color}, 3개", sku, 3)

    return listings, mappings, [ss_ids, cp_product_ids, cp_option_ids, cafe_no]


def _unmapped_pool(rng: random.Random, products: list[dict], channel: str, size: int, ids: list[Any]) -> list[_Listing]:
    """Listings the seller registered on the channel but never put in 매핑 (existing products, new codes)."""
    family_names = {code: name for code, name, _, _ in _FAMILIES}
    pool = []
    picks = [rng.choice(products) for _ in range(size)]
    if channel == "smartstore":
        ss_ids = ids[0]
        ss_no = str(ss_ids.next())
        for p in picks:
            if rng.random() < 0.4:
                ss_no = str(ss_ids.next())
            opt = _option_text(p["_combo"], "smartstore")
            name = f"{family_names[p['_family']]} 시즌 기획전"
            key = f"{ss_no}|{opt}"
            fields = {"상품번호": ss_no, "상품명": name, "옵션정보": opt, "판매자 상품코드": "",
                      "상품종류": "조합형옵션상품" if opt else "단일상품", "_extra": 0}
            pool.append(_Listing(channel, fields, p["_price"], p["SKU"], 1, False, key))
    elif channel == "coupang":
        cp_pid = str(ids[1].next())
        for p in picks:
            oid = str(ids[2].next())
            opt = _option_text(p["_combo"], "coupang")
            name = f"{SHOP_NAME} {family_names[p['_family']]} 기획전"
            fields = {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": name, "등록옵션명": opt,
                      "노출상품명(옵션명)": f"{name}, {opt}" if opt else name,
                      "최초등록등록상품명/옵션명": f"{name} {opt}".strip(), "바코드": ""}
            pool.append(_Listing(channel, fields, p["_price"], p["SKU"], 1, False, oid))
    else:
        cafe_no = ids[3] + 100
        for i, p in enumerate(picks):
            item_code = "P" + _letters(cafe_no, 7) + _letters(i, 4)
            opt = _option_text(p["_combo"], "cafe24")
            fields = {"상품번호": str(cafe_no), "상품품목코드": item_code,
                      "주문상품명": f"{family_names[p['_family']]} (기획전)", "상품옵션": opt}
            pool.append(_Listing(channel, fields, p["_price"], p["SKU"], 1, False, item_code))
    # Deduplicate by key (the same product can be picked twice).
    seen: set[str] = set()
    unique = []
    for listing in pool:
        if listing.key not in seen:
            seen.add(listing.key)
            unique.append(listing)
    return unique


def _pick(rng: random.Random, items: Sequence[_Listing]) -> _Listing:
    # Skewed popularity: the first listings of the (shuffled) list sell more.
    return items[int(len(items) * rng.random() ** 1.6)]


def _quantity(rng: random.Random) -> int:
    r = rng.random()
    return 1 if r < 0.8 else (2 if r < 0.95 else 3)


def generate_day(
    seed: int = 7,
    lines: int = 30,
    *,
    unmapped_share: float = 0.05,
    cancelled_share: float = 0.02,
    day: _dt.date | None = None,
    dropship: float = 0.0,
) -> SampleDay:
    """Generate one day of made-up orders over Smartstore, Coupang and Cafe24 (about 50/30/20 %).

    ``dropship``: the share of products a supplier ships for us (위탁, their 공급사 filled in); 0 = all our own.

    See the module docstring; the properties the tests rely on (unique line keys, a cross-channel repeat
    recipient, an unmapped listing, a cancelled Smartstore line) hold for ``lines >= 20``.
    """
    day = day or DEFAULT_DAY
    rng = random.Random(seed)
    lines = max(0, int(lines))

    n_products = min(500, max(20, int(20 + 4 * math.sqrt(lines))))
    products = _catalogue(rng, n_products, dropship)
    listings, mappings, ids = _build_listings(rng, products)

    counts = {"smartstore": round(lines * 0.5), "coupang": round(lines * 0.3)}
    counts["cafe24"] = max(0, lines - counts["smartstore"] - counts["coupang"])

    pools: dict[str, list[_Listing]] = {}
    for ch, n in counts.items():
        expected = n * unmapped_share
        size = max(1, min(60, math.ceil(expected / 3) + 1))
        pools[ch] = _unmapped_pool(rng, products, ch, size, ids)
        rng.shuffle(listings[ch])

    # Orders come in from yesterday afternoon until this morning.
    window_start = _dt.datetime.combine(day - _dt.timedelta(days=1), _dt.time(13, 0))
    window = int(_dt.timedelta(hours=21, minutes=50).total_seconds())

    checkouts: dict[str, list[_Checkout]] = {}
    for ch, n in counts.items():
        made: list[_Checkout] = []
        remaining = n
        while remaining > 0:
            size = 1 if rng.random() < 0.7 else rng.choice((2, 2, 3))
            size = min(size, remaining)
            remaining -= size
            chosen: list[_Line] = []
            used: set[str] = set()
            for _ in range(size):
                unmapped = rng.random() < unmapped_share
                source = pools[ch] if unmapped else listings[ch]
                listing = _pick(rng, source)
                for _retry in range(5):
                    if listing.key not in used:
                        break
                    listing = _pick(rng, listings[ch])
                if listing.key in used:
                    listing = next(x for x in listings[ch] if x.key not in used)
                used.add(listing.key)
                cancelled = ch != "coupang" and rng.random() < cancelled_share
                chosen.append(_Line(listing, _quantity(rng), cancelled))
            rec = _recipient(rng, "0504" if ch == "coupang" else "010")
            if rng.random() < 0.75:
                buyer_name, buyer_phone = rec.name, rec.phone
            else:
                buyer_name, buyer_phone = _name(rng), _phone(rng, "0504" if ch == "coupang" else "010")
            r = rng.random()
            message = "" if r < 0.3 else rng.choice(_MESSAGES)
            when = window_start + _dt.timedelta(seconds=rng.randrange(window))
            made.append(_Checkout(ch, when, rec, buyer_name, buyer_phone, message, chosen))
        made.sort(key=lambda c: c.time)
        checkouts[ch] = made

    _force_properties(rng, checkouts, listings, pools, lines,
                      unmapped=unmapped_share > 0, cancelled=cancelled_share > 0)
    _pair_recipients(rng, checkouts, lines)

    unmapped_keys = {
        (c.channel, ln.listing.key) for cs in checkouts.values() for c in cs for ln in c.lines if not ln.listing.mapped
    }

    # Stock: enough for today's demand, plus a margin; unsold products may be out of stock.
    demand: dict[str, int] = {}
    set_parts = {_SET_SKU: _SET_COMPONENTS}
    for cs in checkouts.values():
        for c in cs:
            for ln in c.lines:
                units = ln.qty * ln.listing.mult
                for sku, q in set_parts.get(ln.listing.sku, ((ln.listing.sku, 1),)):
                    demand[sku] = demand.get(sku, 0) + units * q
    for p in products:
        need = demand.get(p["SKU"], 0)
        if need:
            p["재고"] = need + p["안전재고"] + rng.randrange(5, 120)
        else:
            p["재고"] = rng.choice((0, 4, 12, 30, 55, 80, 120, 200))

    smartstore_rows = _smartstore_rows(rng, checkouts["smartstore"], day)
    coupang_rows = _coupang_rows(rng, checkouts["coupang"], day)
    cafe24_rows = _cafe24_rows(rng, checkouts["cafe24"], day)

    clean_products = [{h: p[h] for h in PRODUCT_HEADERS} for p in products]
    sets = [{"세트SKU": _SET_SKU, "구성SKU": sku, "수량": q} for sku, q in _SET_COMPONENTS]
    return SampleDay(
        products=clean_products,
        mappings=mappings,
        sets=sets,
        smartstore=smartstore_rows,
        coupang=coupang_rows,
        cafe24=cafe24_rows,
        unmapped_listings=len(unmapped_keys),
        day=day,
    )


def _force_properties(rng: random.Random, checkouts: dict[str, list[_Checkout]],
                      listings: dict[str, list[_Listing]], pools: dict[str, list[_Listing]], lines: int,
                      *, unmapped: bool, cancelled: bool) -> None:
    """Make small days still show the interesting cases: unmapped, cancelled, set and 3개입 lines
    (unmapped / cancelled only when their share is not zero)."""
    all_lines = [(c, ln) for cs in checkouts.values() for c in cs for ln in c.lines]
    if unmapped and lines >= 10 and not any(not ln.listing.mapped for _, ln in all_lines):
        for c in checkouts["smartstore"] or next(cs for cs in checkouts.values() if cs):
            ln = c.lines[-1]
            keys = {x.listing.key for x in c.lines}
            candidates = [x for x in pools[c.channel] if x.key not in keys]
            if candidates and not ln.cancelled:
                ln.listing = candidates[0]
                break
    ss_lines = [ln for c in checkouts["smartstore"] for ln in c.lines]
    if cancelled and lines >= 20 and not any(ln.cancelled for ln in ss_lines):
        mapped = [ln for ln in ss_lines if ln.listing.mapped]
        if mapped:
            mapped[len(mapped) // 2].cancelled = True
    if lines >= 10:
        # One gift set and one "3개입" order on Smartstore, in single-line checkouts.
        specials = [x for x in listings["smartstore"] if x.sku == _SET_SKU][:1]
        specials += [x for x in listings["smartstore"] if x.mult == 3][:1]
        singles = [c for c in checkouts["smartstore"]
                   if len(c.lines) == 1 and c.lines[0].listing.mapped and not c.lines[0].cancelled]
        for listing, c in zip(specials, singles[1::2]):
            if not any(ln.listing is listing for ln in ss_lines):
                c.lines[0].listing = listing


def _shippable(c: _Checkout) -> bool:
    return all(ln.listing.mapped and not ln.cancelled for ln in c.lines)


def _pair_recipients(rng: random.Random, checkouts: dict[str, list[_Checkout]], lines: int) -> None:
    """About 5 % of checkouts share a recipient with a checkout on another channel (same person,
    same phone digits, same address typed a little differently)."""
    channels = [ch for ch, cs in checkouts.items() if cs]
    if len(channels) < 2:
        return
    total = sum(len(cs) for cs in checkouts.values())
    n_pairs = round(total * 0.025)
    if lines >= 10:
        n_pairs = max(1, n_pairs)
    for _ in range(n_pairs):
        for _attempt in range(50):
            ch_a, ch_b = rng.sample(channels, 2)
            a = rng.choice(checkouts[ch_a])
            b = rng.choice(checkouts[ch_b])
            # Only shippable checkouts pair up, so the merge is visible on the waybill.
            if not a.paired and not b.paired and _shippable(a) and _shippable(b):
                break
        else:
            continue
        a.paired = b.paired = True
        src = a.recipient
        if src.phone.startswith("050"):
            # A 안심번호 is per order; the shared person shows their real number.
            src.phone = _phone(rng)
            if a.buyer_name == src.name:
                a.buyer_phone = src.phone
        digits = src.phone.replace("-", "")
        hyphenated = f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        if b.channel == "coupang":
            # Coupang phones are always hyphenated, so the other side is typed without hyphens.
            phone = hyphenated
            src.phone = digits
            if a.buyer_name == src.name:
                a.buyer_phone = digits
        else:
            phone = digits if "-" in src.phone else hyphenated
        base = _respaced(rng, src.base) if rng.random() < 0.8 else src.base
        b.recipient = _Recipient(src.name, phone, src.zip, base, src.detail)
        if rng.random() < 0.7:
            b.buyer_name, b.buyer_phone = src.name, phone


def _fmt(t: _dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _smartstore_rows(rng: random.Random, checkouts: list[_Checkout], day: _dt.date) -> list[dict]:
    rows: list[dict] = []
    counter = rng.randrange(10_000_000, 40_000_000)
    bundle = rng.randrange(100_000_000, 300_000_000)
    confirm = _dt.datetime.combine(day, _dt.time(10, 5))
    deadline = (day + _dt.timedelta(days=1)).isoformat()
    for c in checkouts:
        prefix = c.time.strftime("%Y%m%d")
        counter += rng.randrange(1, 30)
        order_no = f"{prefix}{counter:08d}"
        bundle += rng.randrange(1, 50)
        bundle_no = str(bundle)
        paid = c.time + _dt.timedelta(seconds=rng.randrange(5, 180))
        subtotal = sum(ln.listing.price * ln.qty for ln in c.lines)
        fee = 0 if subtotal >= 30000 else 3000
        jeju = 3000 if c.recipient.zip.startswith("63") else 0
        buyer_id = f"{''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(4))}****"
        pay = rng.choice(("신용카드", "네이버페이 포인트", "계좌이체", "신용카드 간편결제"))
        for ln in c.lines:
            counter += 1
            f = ln.listing.fields
            unit = ln.listing.price
            extra = f.get("_extra", 0)
            total = (unit + extra) * ln.qty
            discount = 1000 * ln.qty if rng.random() < 0.2 else 0
            final = total - discount
            commission = round(final * 0.0363)
            sales_fee = round(final * 0.02)
            rows.append({
                "상품주문번호": f"{prefix}{counter:08d}",
                "주문번호": order_no,
                "배송속성": "일반배송",
                "배송방법(구매자 요청)": "택배,등기,소포",
                "배송방법": "택배,등기,소포",
                "판매채널": "스마트스토어",
                "구매자명": c.buyer_name,
                "구매자ID": buyer_id,
                "수취인명": c.recipient.name,
                "주문상태": "취소" if ln.cancelled else "발송대기",
                "주문세부상태": "취소완료" if ln.cancelled else "발주확인",
                "결제위치": rng.choice(("모바일", "모바일", "PC")),
                "결제일": _fmt(paid),
                "상품번호": f["상품번호"],
                "상품명": f["상품명"],
                "상품종류": f["상품종류"],
                "옵션정보": f["옵션정보"],
                "판매자 상품코드": f.get("판매자 상품코드", ""),
                "수량": ln.qty,
                "옵션가격": extra,
                "상품가격": unit,
                "최종 상품별 할인액": discount,
                "최초 상품별 할인액": discount,
                "판매자 부담 할인액": discount,
                "최종 상품별 총 주문금액": final,
                "최초 상품별 총 주문금액": final,
                "발주확인일": _fmt(confirm),
                "발송기한": deadline,
                "배송비 형태": "선결제",
                "배송비 묶음번호": bundle_no,
                "배송비 유형": "조건부 무료",
                "배송비 합계": fee,
                "제주/도서 추가배송비": jeju,
                "배송비 할인액": 0,
                "수취인연락처1": c.recipient.phone,
                "통합배송지": c.recipient.full,
                "기본배송지": c.recipient.base,
                "상세배송지": c.recipient.detail,
                "구매자연락처": c.buyer_phone,
                "우편번호": c.recipient.zip,
                "배송메세지": c.message,
                "출고지": f"{SHOP_NAME} 물류센터",
                "결제수단": pay,
                "네이버페이 주문관리 수수료": commission,
                "매출연동 수수료": sales_fee,
                "정산예정금액": final - commission - sales_fee,
                "주문일시": _fmt(c.time),
            })
    return rows


def _coupang_rows(rng: random.Random, checkouts: list[_Checkout], day: _dt.date) -> list[dict]:
    rows: list[dict] = []
    order = rng.randrange(10_000_000_000_000, 30_000_000_000_000)
    box = rng.randrange(300_000_000_000, 400_000_000_000)
    ship_by = (day + _dt.timedelta(days=1)).isoformat()
    number = 0
    for c in checkouts:
        order += rng.randrange(1, 5000)
        order_no = str(order)
        lines = c.lines
        # Now and then one order is split into two boxes.
        if len(lines) >= 2 and rng.random() < 0.15:
            boxes = [lines[:1], lines[1:]]
        else:
            boxes = [lines]
        for box_lines in boxes:
            box += rng.randrange(1, 3000)
            subtotal = sum(ln.listing.price * ln.qty for ln in box_lines)
            fee = 0 if subtotal >= 19800 else 3000
            remote = 3000 if c.recipient.zip.startswith("63") else 0
            for ln in box_lines:
                number += 1
                f = ln.listing.fields
                rows.append({
                    "번호": number,
                    "묶음배송번호": str(box),
                    "주문번호": order_no,
                    "분리배송 Y/N": "N",
                    "주문시 출고예정일": ship_by,
                    "주문일": _fmt(c.time),
                    "등록상품명": f["등록상품명"],
                    "등록옵션명": f["등록옵션명"],
                    "노출상품명(옵션명)": f["노출상품명(옵션명)"],
                    "노출상품ID": f["노출상품ID"],
                    "옵션ID": f["옵션ID"],
                    "최초등록등록상품명/옵션명": f["최초등록등록상품명/옵션명"],
                    "바코드": f.get("바코드", ""),
                    "결제액": ln.listing.price * ln.qty,
                    "배송비구분": "무료" if fee == 0 else "유료",
                    "배송비": fee,
                    "도서산간 추가배송비": remote,
                    "구매수(수량)": ln.qty,
                    "옵션판매가(판매단가)": ln.listing.price,
                    "구매자": c.buyer_name,
                    "구매자전화번호": c.buyer_phone,
                    "수취인이름": c.recipient.name,
                    "수취인전화번호": c.recipient.phone,
                    "우편번호": c.recipient.zip,
                    "수취인 주소": c.recipient.full,
                    "배송메세지": c.message,
                    "결제위치": rng.choice(("APP", "APP", "MOBILE_WEB", "PC")),
                    "배송유형": "판매자배송",
                })
    return rows


def _cafe24_rows(rng: random.Random, checkouts: list[_Checkout], day: _dt.date) -> list[dict]:
    rows: list[dict] = []
    seq: dict[str, int] = {}
    for c in checkouts:
        d = c.time.strftime("%Y%m%d")
        seq[d] = seq.get(d, rng.randrange(100, 900)) + rng.randrange(1, 4)
        order_no = f"{d}-{seq[d]:07d}"
        paid = c.time + _dt.timedelta(seconds=rng.randrange(10, 600))
        path = rng.choice(("PC쇼핑몰", "모바일웹", "모바일웹", "모바일앱"))
        landline = f"02-{rng.randrange(200, 999)}-{rng.randrange(0, 10000):04d}" if rng.random() < 0.1 else ""
        for i, ln in enumerate(c.lines, start=1):
            f = ln.listing.fields
            price = ln.listing.price
            discount = 500 * ln.qty if rng.random() < 0.15 else 0
            rows.append({
                "주문번호": order_no,
                "품목별 주문번호": f"{order_no}-{i:02d}",
                "주문일시": _fmt(c.time),
                "결제일시(입금확인일)": _fmt(paid),
                "주문경로": path,
                "상품번호": f["상품번호"],
                "상품품목코드": f["상품품목코드"],
                "주문상품명": f["주문상품명"],
                "상품옵션": f["상품옵션"],
                "수량": ln.qty,
                "판매가": price,
                "실결제금액": price * ln.qty - discount,
                "주문자명": c.buyer_name,
                "주문자 휴대전화": c.buyer_phone,
                "수령인": c.recipient.name,
                "수령인 일반전화": landline,
                "수령인 휴대전화": c.recipient.phone,
                "수령인 우편번호": c.recipient.zip,
                "수령인 주소(전체)": c.recipient.full,
                "배송메시지": c.message,
                "쇼핑몰": "기본몰",
                "주문상태": "취소" if ln.cancelled else "배송준비중",
            })
    return rows


def write_day(day: SampleDay, inbox: Path, mapping_path: Path | None, *, password: str | None = "1234") -> list[Path]:
    """Write the day's three channel exports into ``inbox`` (real-looking file names) and, when
    ``mapping_path`` is given, the mapping workbook. Returns the export paths."""
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    ymd = day.day.strftime("%Y%m%d")
    paths = [
        write_smartstore_export(inbox / f"스마트스토어_전체주문발주발송관리_{ymd}_1130.xlsx", day.smartstore,
                                password=password),
        write_coupang_export(inbox / f"DeliveryList({day.day.isoformat()})_(0).xlsx", day.coupang),
        write_cafe24_export(inbox / f"order_list_{ymd}.xlsx", day.cafe24),
    ]
    if mapping_path is not None:
        write_mapping_workbook(mapping_path, day.products, day.mappings, day.sets)
    return paths


# --------------------------------------------------------------------------------------------------
# More channels: 11번가, ESM (G마켓/옥션), 토스쇼핑, 오늘의집, 롯데ON, 카카오톡 선물하기 (reference §4)
#
# Only Toss's layout comes from a real sample; the others are built from the column names the reference
# lists, completed with plausible columns (marked [uncertain] in templates/channels/<id>.toml).
# --------------------------------------------------------------------------------------------------

ELEVENST_TITLE = "11번가 셀러오피스 - 발송처리 주문목록"     # [uncertain] row 1 holds some title/notice text
ELEVENST_HEADERS: tuple[str, ...] = (
    "번호", "주문상태", "주문번호", "주문순번", "배송번호", "주문일시", "결제일시", "상품번호", "판매자상품코드",
    "상품명", "옵션", "수량", "주문금액", "판매자기본할인금액", "판매자 추가할인금액", "서비스이용료", "정산예정금액",
    "배송비", "구매자", "구매자ID", "수취인", "휴대폰번호", "전화번호", "우편번호", "주소", "배송메시지",
    "택배사", "송장번호",
)

ESM_HEADERS: tuple[str, ...] = (
    "판매아이디", "판매사이트", "주문번호", "장바구니번호(결제번호)", "배송번호", "배송상태", "주문일자(결제확인전)",
    "결제완료일", "발송마감일", "구매자명", "구매자ID", "상품번호", "상품명", "수량", "주문옵션", "추가구성", "사은품",
    "판매금액", "판매자 관리코드", "판매자 상세관리코드", "구매자 휴대폰", "구매자 전화번호", "수령인명", "수령인 휴대폰",
    "수령인 전화번호", "우편번호", "주소", "배송시 요구사항", "배송비 결제방법", "배송비", "택배사명(발송방법)",
    "송장번호(방문수령인증키)", "정산예정금액", "SKU번호 및 수량",
)

TOSS_NOTICE = (
    "※ 주문상태가 '상품준비중'인 주문만 발송처리됩니다. 택배사와 송장번호를 입력한 뒤 이 파일 그대로 업로드해 주세요. "
    "'수정 불가' 항목은 수정하지 마세요."
)
TOSS_HEADERS: tuple[str, ...] = (
    "주문일시", "주문번호", "주문상품번호", "주문상태", "발송기한", "택배사", "송장번호", "상품ID", "상품명",
    "상품 관리 코드", "옵션 ID", "옵션명", "주문건수", "옵션 관리 코드", "받은 혜택", "구매자명", "구매자 연락처",
    "수령인명", "수령인 연락처", "배송지", "우편번호", "주문요청사항", "구매확정일", "희망배송일", "발송처리일시",
    "배송완료일시", "취소일시", "주문금액", "배송비 묶음 번호", "배송비 합계",
)
# Row 2: group headers over the columns that start at these positions (merged cells in the download).
TOSS_GROUPS: tuple[tuple[int, str], ...] = (
    (0, "일시 정보"), (1, "주문 정보"), (7, "상품 정보"), (15, "구매자 정보"), (17, "배송 정보"),
    (22, "처리 일시"), (27, "금액 정보"),
)
TOSS_EDITABLE = frozenset({"주문상태", "택배사", "송장번호"})

OHOUSE_HEADERS: tuple[str, ...] = (
    "주문번호", "주문일", "옵션주문번호", "셀러상품코드", "상품명", "옵션", "수량", "판매가", "배송비", "결제금액",
    "주문자", "수취인", "수취인 연락처", "우편번호", "주소", "배송상태", "배송메모", "택배사", "송장번호",
)

LOTTEON_TITLE = "롯데ON 주문 목록"        # [uncertain] row 1 is some title
LOTTEON_HEADERS: tuple[str, ...] = (
    "주문번호", "주문순번", "주문상태", "쇼핑몰상품코드", "품목명(ERP)", "주문옵션", "주문금액", "수량", "주문자",
    "수취인", "주문자연락처", "수취인연락처1", "우편번호", "주소", "배송요청사항",
)

KAKAO_GIFT_HEADERS: tuple[str, ...] = (
    "주문번호", "주문일시", "주문상태", "상품번호", "상품명", "옵션", "수량", "결제금액", "구매자명", "수령인명",
    "수령인 연락처", "우편번호", "배송지 주소", "배송메시지", "택배사", "송장번호",
)

MORE_CHANNEL_IDS: tuple[str, ...] = ("11st", "esm", "toss", "ohouse", "lotteon", "kakao-gift")

_ELEVENST_NUMERIC = frozenset({"번호", "수량", "주문금액", "판매자기본할인금액", "판매자 추가할인금액", "서비스이용료",
                               "정산예정금액", "배송비"})
_ESM_NUMERIC = frozenset({"수량", "판매금액", "배송비", "정산예정금액"})
_TOSS_NUMERIC = frozenset({"주문건수", "받은 혜택", "주문금액", "배송비 합계"})
_OHOUSE_NUMERIC = frozenset({"수량"})         # amounts are text with commas ("1,890,000")
_LOTTEON_NUMERIC = frozenset({"주문금액", "수량"})
_KAKAO_NUMERIC = frozenset({"수량", "결제금액"})


def _encrypted(plain: bytes, password: str | None) -> bytes:
    if password is None:
        return plain
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


def _simple_export(path: str | Path, rows: Iterable[Mapping[str, Any]], headers: Sequence[str], sheet: str,
                   numeric: frozenset[str], *, title: str | None = None, password: str | None = None,
                   auto_number: str | None = None) -> Path:
    """One sheet: an optional title in A1 (header then on row 2), the header, the data."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, _WORKBOOK_OPTIONS)
    ws = wb.add_worksheet(sheet)
    first = 0
    if title is not None:
        ws.write_string(0, 0, title)
        first = 1
    for c, h in enumerate(headers):
        ws.write_string(first, c, h)
    _set_widths(ws, headers, _ADDRESS_WIDTHS)
    _write_rows(ws, headers, rows, first + 1, numeric, auto_number=auto_number)
    wb.close()
    return _save(path, _encrypted(buf.getvalue(), password))


def write_11st_export(path: str | Path, rows: Iterable[Mapping[str, Any]], *,
                      headers: Sequence[str] = ELEVENST_HEADERS) -> Path:
    """11번가 발송처리 download: a title in A1, header on row 2, data from row 3 (``번호`` filled 1..n)."""
    return _simple_export(path, rows, headers, "Sheet1", _ELEVENST_NUMERIC, title=ELEVENST_TITLE, auto_number="번호")


def write_esm_export(path: str | Path, rows: Iterable[Mapping[str, Any]], *,
                     headers: Sequence[str] = ESM_HEADERS) -> Path:
    """ESM Plus 발송관리 download (G마켓 and 옥션 orders together): header row 1."""
    return _simple_export(path, rows, headers, "Sheet1", _ESM_NUMERIC)


# ESM PLUS 반품관리 / 교환관리 downloads: the headers public tools read (chulgo/templates/channels/esm.toml [[claims]]).
ESM_RETURN_HEADERS: tuple[str, ...] = (
    "구매자명", "수령인명", "아이디", "주문번호", "주문일자(결제확인전)", "반품신청일", "수거완료일", "환불보류일", "환불승인일",
    "상품번호", "상품명", "판매금액", "수량", "필수선택", "추가구성", "배송번호", "배송비", "배송비금액", "반품접수채널",
    "반품사유", "상세사유", "상품상태", "최초배송비부담", "반품수거택배사명", "반품송장번호", "반품배송비지불주체",
    "반품배송비금액", "반품추가비금액", "반품추가비지불주체", "구매자ID", "원배송택배사명", "원배송송장번호", "환불보류사유",
    "장바구니번호(결제번호)", "판매자관리코드", "판매자상세관리코드")
ESM_EXCHANGE_HEADERS: tuple[str, ...] = (
    "교환신청일", "교환상태", "주문번호", "구매자명", "수령인명", "상품번호", "상품명", "수량", "교환접수채널", "교환사유",
    "상세사유", "교환보류일", "교환보류사유", "교환수거택배사명", "교환수거송장번호", "최초배송비부담", "교환배송비금액",
    "교환배송비지불주체", "재발송택배사명", "재발송송장번호", "배송번호", "장바구니번호(결제번호)")


def write_claim_list(path: str | Path, rows: Iterable[Mapping[str, Any]], headers: Sequence[str],
                     sheet: str = "Sheet1") -> Path:
    """A channel's 반품·교환 list: header row 1, every cell text (the amounts too, as some downloads do)."""
    return _simple_export(path, rows, headers, sheet, frozenset())


def write_toss_export(path: str | Path, rows: Iterable[Mapping[str, Any]], *,
                      headers: Sequence[str] = TOSS_HEADERS) -> Path:
    """토스쇼핑 주문내역: row 1 notice, row 2 group headers, row 3 headers, row 4 '수정 가능/불가', data from row 5."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, _WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("주문내역")
    group_fmt = wb.add_format({"bold": True, "align": "center", "bg_color": "#E8EEF7"})
    ws.write_string(0, 0, TOSS_NOTICE)
    starts = [s for s, _ in TOSS_GROUPS if s < len(headers)] + [len(headers)]
    for (start, label), end in zip(TOSS_GROUPS, starts[1:]):
        if end - 1 > start:
            ws.merge_range(1, start, 1, end - 1, label, group_fmt)
        else:
            ws.write_string(1, start, label, group_fmt)
    for c, h in enumerate(headers):
        ws.write_string(2, c, h)
        ws.write_string(3, c, "수정 가능" if h in TOSS_EDITABLE else "수정 불가")
    _set_widths(ws, headers, _ADDRESS_WIDTHS)
    _write_rows(ws, headers, rows, 4, _TOSS_NUMERIC)
    wb.close()
    return _save(path, buf.getvalue())


def write_ohouse_export(path: str | Path, rows: Iterable[Mapping[str, Any]], *, password: str | None = None,
                        headers: Sequence[str] = OHOUSE_HEADERS) -> Path:
    """오늘의집 주문현황 download: sheet 주문현황, header row 1; encrypted like Smartstore when ``password`` is given."""
    return _simple_export(path, rows, headers, "주문현황", _OHOUSE_NUMERIC, password=password)


def write_lotteon_export(path: str | Path, rows: Iterable[Mapping[str, Any]], *,
                         headers: Sequence[str] = LOTTEON_HEADERS) -> Path:
    """롯데ON order file: a title in A1, header on row 2, data from row 3."""
    return _simple_export(path, rows, headers, "Sheet1", _LOTTEON_NUMERIC, title=LOTTEON_TITLE)


def write_kakao_gift_export(path: str | Path, rows: Iterable[Mapping[str, Any]], *,
                            headers: Sequence[str] = KAKAO_GIFT_HEADERS) -> Path:
    """카카오톡 선물하기 배송상품 orders: header row 1; a gift whose recipient gave no address has it empty."""
    return _simple_export(path, rows, headers, "Sheet1", _KAKAO_NUMERIC)


# Listings sold on the new channels: core SKUs that every generate_day() catalogue holds, the gift set
# (세트 sheet) and a "3개입" pack. (sku, family code, name, option pairs, price, 매핑 수량)
_MORE_LISTINGS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...], int, int], ...] = (
    ("HR-TEE-RED-L", "TEE", "오가닉 코튼 티셔츠", (("색상", "빨강"), ("사이즈", "L")), 19900, 1),
    ("HR-SOCK-BLK", "SOCK", "데일리 양말", (("색상", "검정"),), 3900, 1),
    ("HR-SOCK-WHT", "SOCK", "데일리 양말", (("색상", "흰색"),), 3900, 1),
    ("HR-MUG-WHT", "MUG", "세라믹 머그컵", (("색상", "흰색"),), 9900, 1),
    ("HR-TWL-WHT", "TWL", "호텔식 세면타월", (("색상", "흰색"),), 6900, 1),
    (_SET_SKU, "GIFT", _SET_NAME, (), _SET_PRICE, 1),
    ("HR-SOCK-BLK", "SOCK3", "데일리 양말 3개입", (("색상", "검정"),), 10700, 3),
)

# How each channel writes "이름: 값" option pairs [uncertain for all but the general idea].
_MORE_OPTION_STYLE = {
    "11st": lambda pairs: "/".join(f"{n}:{v}" for n, v in pairs),
    "esm": lambda pairs: " / ".join(f"{n}:{v}" for n, v in pairs),
    "toss": lambda pairs: " / ".join(f"{n}: {v}" for n, v in pairs),
    "ohouse": lambda pairs: " / ".join(f"{n}: {v}" for n, v in pairs),
    "lotteon": lambda pairs: ",".join(f"{n}:{v}" for n, v in pairs),
    "kakao-gift": lambda pairs: " / ".join(f"{n}: {v}" for n, v in pairs),
}


class _MoreListing:
    __slots__ = ("code", "mult", "name", "option", "option_code", "price", "site", "sku")

    def __init__(self, sku: str, code: str, name: str, option: str, option_code: str, price: int, mult: int,
                 site: str = "") -> None:
        self.sku, self.code, self.name, self.option = sku, code, name, option
        self.option_code, self.price, self.mult, self.site = option_code, price, mult, site


def _more_listings(rng: random.Random, channel: str) -> list[_MoreListing]:
    """The channel's listings of _MORE_LISTINGS: one product code per family, options within it."""
    style = _MORE_OPTION_STYLE[channel]
    out: list[_MoreListing] = []
    sites = ("G", "A") if channel == "esm" else ("",)
    product_ids = _Ids(rng, rng.randrange(2_000_000_000, 6_000_000_000), 99_999)
    option_ids = _Ids(rng, rng.randrange(100_000_000, 900_000_000), 999)
    for site in sites:
        codes: dict[str, str] = {}
        for sku, family, name, pairs, price, mult in _MORE_LISTINGS:
            if family not in codes:
                number = product_ids.next()
                codes[family] = {
                    "ohouse": f"OH-{family}-{number % 1000:03d}",
                    "lotteon": f"LO{number:010d}",
                    "toss": str(number % 100_000_000),
                }.get(channel, str(number))
            option_code = str(option_ids.next()) if channel == "toss" else ""
            shown = f"{SHOP_NAME} {name}" if channel in ("11st", "esm", "toss") else name
            out.append(_MoreListing(sku, codes[family], shown, style(pairs), option_code, price, mult, site))
    return out


def _more_mapping(channel: str, listings: Sequence[_MoreListing]) -> list[dict]:
    return [{"채널": channel, "채널상품코드": "" if x.option_code else x.code, "채널옵션코드": x.option_code,
             "채널상품명": x.name, "채널옵션": "" if x.option_code else x.option, "SKU": x.sku, "수량": x.mult}
            for x in listings]


class _MoreCheckout:
    __slots__ = ("buyer_name", "buyer_phone", "lines", "message", "no_address", "recipient", "site", "time")

    def __init__(self, time: _dt.datetime, recipient: _Recipient, buyer_name: str, buyer_phone: str, message: str,
                 lines: list[list], site: str) -> None:
        self.time, self.recipient, self.buyer_name, self.buyer_phone = time, recipient, buyer_name, buyer_phone
        self.message, self.lines, self.site = message, lines, site    # lines: [listing, qty, cancelled]
        self.no_address = False


def _comma(n: int) -> str:
    return f"{n:,}"


def _digits_only(phone: str) -> str:
    return phone.replace("-", "")


def generate_channel_rows(
    channel_id: str,
    seed: int,
    n: int,
    *,
    day: _dt.date | None = None,
    gifts_without_address: int = 0,
    cancelled: int = 0,
) -> tuple[list[dict], list[dict]]:
    """``n`` made-up order lines of one of 11st, esm, toss, ohouse, lotteon, kakao-gift.

    Returns (rows keyed by that channel's ``*_HEADERS``, 매핑 rows mapping every listing of the channel to
    SKUs that every ``generate_day()`` catalogue holds). ``gifts_without_address`` orders (the latest ones)
    come without 우편번호/주소 — and, on 카카오톡 선물하기, without a phone — like a gift whose recipient
    has not entered the address yet; ``cancelled`` other lines carry the channel's cancel status.
    Deterministic for a given seed; line keys are unique.
    """
    if channel_id not in MORE_CHANNEL_IDS:
        raise ValueError(f"unknown channel {channel_id!r}: one of {', '.join(MORE_CHANNEL_IDS)}")
    day = day or DEFAULT_DAY
    rng = random.Random(f"{channel_id}:{seed}")
    listings = _more_listings(rng, channel_id)
    by_site: dict[str, list[_MoreListing]] = {}
    for x in listings:
        by_site.setdefault(x.site, []).append(x)

    window_start = _dt.datetime.combine(day - _dt.timedelta(days=1), _dt.time(13, 0))
    window = int(_dt.timedelta(hours=21, minutes=50).total_seconds())
    prefix = {"11st": "0503", "toss": "0508"}.get(channel_id, "010")
    checkouts: list[_MoreCheckout] = []
    remaining = max(0, int(n))
    while remaining > 0:
        size = 1 if channel_id == "kakao-gift" or rng.random() < 0.7 else rng.choice((2, 2, 3))
        size = min(size, remaining)
        remaining -= size
        site = rng.choice(sorted(by_site))
        pool = by_site[site]
        chosen = rng.sample(pool, min(size, len(pool)))
        lines = [[x, 1 if rng.random() < 0.8 else rng.choice((2, 3)), False] for x in chosen]
        rec = _recipient(rng, prefix if rng.random() < 0.4 else "010")
        if rng.random() < 0.75 and channel_id != "kakao-gift":
            buyer_name, buyer_phone = rec.name, rec.phone
        else:
            buyer_name, buyer_phone = _name(rng), _phone(rng)
        message = "" if rng.random() < 0.3 else rng.choice(_MESSAGES)
        when = window_start + _dt.timedelta(seconds=rng.randrange(window))
        checkouts.append(_MoreCheckout(when, rec, buyer_name, buyer_phone, message, lines, site))
        remaining += size - len(lines)
    checkouts.sort(key=lambda c: c.time)

    for c in checkouts[len(checkouts) - min(gifts_without_address, len(checkouts)):]:
        c.no_address = True
    others = [ln for c in checkouts if not c.no_address for ln in c.lines]
    for i in sorted(rng.sample(range(len(others)), min(cancelled, len(others)))):
        others[i][2] = True

    build = {"11st": _rows_11st, "esm": _rows_esm, "toss": _rows_toss, "ohouse": _rows_ohouse,
             "lotteon": _rows_lotteon, "kakao-gift": _rows_kakao_gift}[channel_id]
    return build(rng, checkouts, day), _more_mapping(channel_id, listings)


def _where(c: _MoreCheckout) -> tuple[str, str]:
    """(zip, full address) — empty for a gift whose recipient has not entered the address."""
    return ("", "") if c.no_address else (c.recipient.zip, c.recipient.full)


def _rows_11st(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = _Ids(rng, rng.randrange(1_000_000, 9_000_000), 40)
    deliveries = _Ids(rng, rng.randrange(700_000_000, 900_000_000), 30)
    for c in checkouts:
        order_no = f"{c.time:%Y%m%d}{orders.next():07d}"
        dlv = str(deliveries.next())
        zip_, address = _where(c)
        buyer_id = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4)) + "****"
        for seq, (x, qty, cancelled) in enumerate(c.lines, start=1):
            amount = x.price * qty
            discount = 1000 * qty if rng.random() < 0.2 else 0
            fee = round((amount - discount) * 0.12)
            rows.append({
                "주문상태": "취소완료" if cancelled else "배송준비중",
                "주문번호": order_no, "주문순번": str(seq), "배송번호": dlv,
                "주문일시": _fmt(c.time), "결제일시": _fmt(c.time + _dt.timedelta(seconds=rng.randrange(5, 300))),
                "상품번호": x.code, "판매자상품코드": x.sku, "상품명": x.name, "옵션": x.option, "수량": qty,
                "주문금액": amount, "판매자기본할인금액": discount, "판매자 추가할인금액": 0, "서비스이용료": fee,
                "정산예정금액": amount - discount - fee, "배송비": 0 if amount >= 30000 else 3000,
                "구매자": c.buyer_name, "구매자ID": buyer_id, "수취인": c.recipient.name,
                "휴대폰번호": c.recipient.phone, "전화번호": "", "우편번호": zip_, "주소": address,
                "배송메시지": c.message,
            })
    return rows


ESM_SELLER_IDS = {"G": "harushop", "A": "haru_auction"}
_ESM_SITES = {"G": ("지마켓", "G마켓"), "A": ("옥션", "옥션")}


def _rows_esm(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = _Ids(rng, rng.randrange(3_000_000_000, 4_000_000_000), 500)
    carts = _Ids(rng, rng.randrange(5_000_000_000, 6_000_000_000), 500)
    deliveries = _Ids(rng, rng.randrange(200_000_000, 300_000_000), 100)
    deadline = (day + _dt.timedelta(days=2)).isoformat()
    for c in checkouts:
        cart, dlv = str(carts.next()), str(deliveries.next())
        zip_, address = _where(c)
        label, shown = _ESM_SITES[c.site]
        for x, qty, cancelled in c.lines:
            amount = x.price * qty
            rows.append({
                "판매아이디": f"{label}({ESM_SELLER_IDS[c.site]})", "판매사이트": shown,
                "주문번호": str(orders.next()), "장바구니번호(결제번호)": cart, "배송번호": dlv,
                "배송상태": "취소완료" if cancelled else "배송준비중",
                "주문일자(결제확인전)": _fmt(c.time), "결제완료일": _fmt(c.time + _dt.timedelta(seconds=rng.randrange(5, 300))),
                "발송마감일": deadline, "구매자명": c.buyer_name,
                "구매자ID": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3)) + "***",
                "상품번호": x.code, "상품명": x.name, "수량": qty, "주문옵션": x.option, "판매금액": amount,
                "판매자 관리코드": x.sku, "구매자 휴대폰": c.buyer_phone, "수령인명": c.recipient.name,
                "수령인 휴대폰": c.recipient.phone, "우편번호": zip_, "주소": address, "배송시 요구사항": c.message,
                "배송비 결제방법": "선결제", "배송비": 0 if amount >= 30000 else 3000,
                "정산예정금액": round(amount * 0.88), "SKU번호 및 수량": f"{x.sku}/{qty * x.mult}",
            })
    return rows


def _rows_toss(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = _Ids(rng, rng.randrange(10_000_000, 90_000_000), 400)
    items = _Ids(rng, rng.randrange(100_000_000, 900_000_000), 40)
    bundles = _Ids(rng, rng.randrange(1_000_000, 9_000_000), 60)
    deadline = (day + _dt.timedelta(days=1)).isoformat()
    for c in checkouts:
        order_no = f"{c.time:%Y%m%d}{orders.next():08d}"
        bundle = str(bundles.next())
        zip_, address = _where(c)
        subtotal = sum(x.price * q for x, q, _ in c.lines)
        for i, (x, qty, cancelled) in enumerate(c.lines):
            benefit = 500 * qty if rng.random() < 0.2 else 0
            rows.append({
                "주문일시": _fmt(c.time), "주문번호": order_no, "주문상품번호": str(items.next()),
                "주문상태": "취소완료" if cancelled else rng.choice(("결제완료", "상품준비중", "상품준비중")),
                "발송기한": deadline, "상품ID": x.code, "상품명": x.name, "상품 관리 코드": x.sku.rsplit("-", 1)[0],
                "옵션 ID": x.option_code, "옵션명": x.option, "주문건수": qty, "옵션 관리 코드": x.sku,
                "받은 혜택": benefit, "구매자명": c.buyer_name, "구매자 연락처": _digits_only(c.buyer_phone),
                "수령인명": c.recipient.name, "수령인 연락처": _digits_only(c.recipient.phone), "배송지": address,
                "우편번호": zip_, "주문요청사항": c.message,
                "취소일시": _fmt(c.time + _dt.timedelta(hours=2)) if cancelled else "",
                "주문금액": x.price * qty - benefit, "배송비 묶음 번호": bundle,
                "배송비 합계": (0 if subtotal >= 30000 else 3000) if i == 0 else 0,
            })
    return rows


def _rows_ohouse(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = _Ids(rng, rng.randrange(100_000_000, 200_000_000), 300)
    options = _Ids(rng, rng.randrange(1_000_000_000, 2_000_000_000), 30)
    for c in checkouts:
        order_no = str(orders.next())
        zip_, address = _where(c)
        for i, (x, qty, cancelled) in enumerate(c.lines):
            price = x.price
            fee = 0 if i else 3000
            rows.append({
                "주문번호": order_no, "주문일": c.time.strftime("%Y.%m.%d"), "옵션주문번호": str(options.next()),
                "셀러상품코드": x.code, "상품명": x.name, "옵션": x.option, "수량": qty, "판매가": _comma(price),
                "배송비": _comma(fee), "결제금액": _comma(price * qty + fee), "주문자": c.buyer_name,
                "수취인": c.recipient.name, "수취인 연락처": c.recipient.phone, "우편번호": zip_, "주소": address,
                "배송상태": "취소" if cancelled else "배송준비중", "배송메모": c.message,
            })
    return rows


def _rows_lotteon(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = _Ids(rng, rng.randrange(10_000_000, 90_000_000), 400)
    for c in checkouts:
        order_no = f"{c.time:%Y%m%d}{orders.next():08d}"
        zip_, address = _where(c)
        for seq, (x, qty, cancelled) in enumerate(c.lines, start=1):
            rows.append({
                "주문번호": order_no, "주문순번": str(seq), "주문상태": "취소완료" if cancelled else "출고지시",
                "쇼핑몰상품코드": x.code, "품목명(ERP)": x.name, "주문옵션": x.option, "주문금액": x.price * qty,
                "수량": qty, "주문자": c.buyer_name, "수취인": c.recipient.name, "주문자연락처": c.buyer_phone,
                "수취인연락처1": c.recipient.phone, "우편번호": zip_, "주소": address, "배송요청사항": c.message,
            })
    return rows


def _rows_kakao_gift(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = _Ids(rng, rng.randrange(3_000_000_000, 4_000_000_000), 700)
    for c in checkouts:
        zip_, address = _where(c)
        for x, qty, cancelled in c.lines:
            rows.append({
                "주문번호": str(orders.next()), "주문일시": _fmt(c.time),
                "주문상태": "주문취소" if cancelled else rng.choice(("발송요청", "발송준비중")),
                "상품번호": x.code, "상품명": x.name, "옵션": x.option, "수량": qty, "결제금액": x.price * qty,
                "구매자명": c.buyer_name, "수령인명": c.recipient.name,
                "수령인 연락처": "" if c.no_address else c.recipient.phone, "우편번호": zip_, "배송지 주소": address,
                "배송메시지": "" if c.no_address else c.message,
            })
    return rows
