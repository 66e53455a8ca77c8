"""Channel exports and the seller's mapping workbook, written in the real layouts.

The layouts are the ones shared/reference/channel-formats.md describes (Smartstore §1.1, Coupang §2.1, Cafe24
§3.1, the more channels §4) and the mapping workbook of SPEC.md. Cells are typed as the real downloads type
them: numbers where the channel writes numbers, everything else text (ids keep their digits, a leading ``=``
stays text). Workbooks are written with XlsxWriter into memory and stored with a single write; Smartstore's
and 오늘의집's are encrypted like the real downloads when a password is given.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

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


def timestamp(t: _dt.datetime) -> str:
    """A date-time as the downloads write it."""
    return t.strftime("%Y-%m-%d %H:%M:%S")


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
