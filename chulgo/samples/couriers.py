"""The one courier simulator: made-up RESULT files for our waybill requests, shaped like each courier's real list
(``run.py demo``, the tests and the benchmarks all play the courier with ``write_courier_result``).

What each courier gives back after printing (shared/reference/channel-formats.md §0, §5, §6, §9 quirk 10):

* ``cj``     CJ대한통운: the request's columns with 운송장번호 filled; phone cells are NUMBERS, so the leading 0 is
             lost (`1012345678`); 고객주문번호 echoed; rows in CJ's own order.
* ``lotte``  롯데택배 [uncertain]: the request layout with 운송장번호 filled; 주문번호 echoed.
* ``hanjin`` 한진택배: its own list "출력자료" — 순번 (the request row), 운송장번호, 받으시는 분 … — re-sorted by
             delivery region; 메모1 echoes the id the request carried in 메모1 or 출고번호 [uncertain].
* ``epost``  우체국택배 [uncertain]: the request rows with a 13-digit 등기번호 column added in front; a parcel split
             into boxes is 우체국's 분할접수.
* ``logen``  로젠택배: its own list with two title rows above the header (header on row 3): 운송장번호, 수하인명,
             수하인전화 with digits masked by `*` (`010-12**-5678`), 수하인주소1; 주문번호 only when the request
             had one (the old A타입) [uncertain]. The 15-column form carries no id at all.

Tracking numbers are invented: unique, of the lengths §6 allows for the courier (cycling through them; CJ's
current 12 digits only), with a mod-7 check digit as CJ, 롯데 and 로젠 use. Each seed starts its numbers somewhere
else in the courier's range, so the results of many days (benchmarks, one ledger) do not share numbers.
Output is deterministic for a given seed.

The same module plays the supplier: ``write_supplier_answer`` fills 택배사 and 송장번호 into our 발주서.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import xlsxwriter

from chulgo.files import normalise_header, read_tables
from chulgo.normalise import address_key, digits

__all__ = ["COURIERS", "mask_phone", "tracking_numbers", "write_courier_result", "write_supplier_answer"]

COURIERS = ("cj", "lotte", "hanjin", "epost", "logen")

# (lengths, leading digit) per courier — reference §6. CJ's older 10-digit numbers are left out: CJ prints
# 12 digits today, and the other couriers' 10-digit numbers exercise the short form.
_NUMBERING: dict[str, tuple[tuple[int, ...], str]] = {
    "cj": ((12,), "6"),
    "lotte": ((12, 10, 13), "2"),
    "hanjin": ((12, 10), "3"),
    "epost": ((13,), "6"),
    "logen": ((11, 10), "2"),
}

# Where each courier's request layouts carry our parcel id (first header present wins).
_ID_HEADERS: dict[str, tuple[str, ...]] = {
    "cj": ("고객주문번호",),
    "lotte": ("주문번호",),
    "hanjin": ("출고번호", "메모1"),
    "epost": ("주문번호", "내용물"),
    "logen": ("주문번호",),
}

_OPTIONS = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def tracking_numbers(courier_id: str, count: int, seed: int = 1) -> list[str]:
    """``count`` unique made-up tracking numbers of the lengths the courier uses."""
    lengths, lead = _NUMBERING[courier_id]
    rng = random.Random(f"{courier_id}:{seed}")
    room = 10 ** (min(lengths) - 2)          # the digits between the leading digit and the check digit
    base = rng.randrange(room // 100, room // 2)
    step = rng.randrange(1, 4)
    out = []
    for i in range(count):
        n = lengths[i % len(lengths)]
        body = f"{lead}{base + i * step:0{n - 2}d}"
        out.append(f"{body}{int(body) % 7}")
    return out


def mask_phone(phone: str) -> str:
    """로젠-style masking: two digits of the middle group become `*` (`010-1234-5678` -> `010-12**-5678`)."""
    parts = phone.split("-")
    if len(parts) == 3 and len(parts[1]) >= 3:
        parts[1] = parts[1][:2] + "*" * (len(parts[1]) - 2)
        return "-".join(parts)
    d = digits(phone)
    if len(d) < 8:
        return "*" * len(d)
    return d[:-6] + "**" + d[-4:]


class _Request:
    """Our waybill request as text rows; columns looked up by header text (first occurrence)."""

    def __init__(self, path: Path) -> None:
        rows = read_tables(Path(path), {})[0].rows
        if not rows:
            raise ValueError(f"{path}: 빈 파일입니다")
        self.header = list(rows[0])
        width = max(len(r) for r in rows)
        self.header += [""] * (width - len(self.header))
        self.rows = [list(r) + [""] * (width - len(r)) for r in rows[1:]]
        self.excel_rows = [i + 2 for i, r in enumerate(self.rows) if any(r)]
        self.rows = [r for r in self.rows if any(r)]
        self.index: dict[str, int] = {}
        for i, h in enumerate(self.header):
            if h:
                self.index.setdefault(normalise_header(h), i)

    def col(self, *names: str) -> int | None:
        for name in names:
            i = self.index.get(normalise_header(name))
            if i is not None:
                return i
        return None

    def get(self, row: list[str], *names: str) -> str:
        """The first of ``names`` that the request has and that is filled in this row."""
        for name in names:
            i = self.col(name)
            if i is not None and row[i]:
                return row[i]
        return ""


def _write(path: Path, sheet: str, rows: Sequence[Sequence[str | int]]) -> None:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, _OPTIONS)
    ws = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v == "" or v is None:
                continue
            if isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    book.close()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def write_courier_result(
    request_path: str | Path,
    result_path: str | Path,
    *,
    courier_id: str = "cj",
    seed: int = 1,
    shuffle: bool = True,
    drop_order_ref: Iterable[str] = frozenset(),
    split_boxes: Mapping[str, int] | None = None,
    shipment_ids: Sequence[str] | None = None,
) -> dict[str, list[str]]:
    """Play the courier ``courier_id`` (default ``cj``, the default workspace's courier): write its result file
    for one of our waybill request files, mangled the way that courier mangles it (see the module docstring).

    ``drop_order_ref``: parcel ids whose echoed id cell is left blank (the courier dropped it).
    ``split_boxes``: ``{parcel id: n}`` — that parcel comes back as n rows with n tracking numbers.
    ``shipment_ids``: our parcel ids in request-row order (our writer writes one row per parcel, in order);
    needed when the layout carries no id (로젠's 15-column form). Without it such rows are keyed ``#<Excel row>``.
    ``shuffle``: rows in the courier's own order (한진: sorted by region; others: shuffled).

    Returns ``{parcel id: [tracking numbers]}`` (one number per box) — the truth the matching must recover.
    """
    if courier_id not in COURIERS:
        raise ValueError(f"택배사 {courier_id!r} 의 결과 파일은 만들 수 없습니다: {', '.join(COURIERS)}")
    req = _Request(Path(request_path))
    split = dict(split_boxes or {})
    drop = set(drop_order_ref)
    if shipment_ids is not None and len(shipment_ids) != len(req.rows):
        raise ValueError(f"shipment_ids 는 {len(req.rows)}개여야 합니다 (요청 파일의 행 수)")

    id_col = req.col(*_ID_HEADERS[courier_id])
    ids = []
    for k, row in enumerate(req.rows):
        if shipment_ids is not None:
            ids.append(shipment_ids[k])
        elif id_col is not None and row[id_col]:
            ids.append(row[id_col])
        else:
            ids.append(f"#{req.excel_rows[k]}")

    # One entry per box: (request row index, parcel id, tracking number).
    boxes = [(k, sid) for k, sid in enumerate(ids) for _ in range(max(1, split.get(sid, 1)))]
    numbers = tracking_numbers(courier_id, len(boxes), seed)
    truth: dict[str, list[str]] = {}
    for (_, sid), number in zip(boxes, numbers):
        truth.setdefault(sid, []).append(number)
    entries = [(k, sid, number) for (k, sid), number in zip(boxes, numbers)]

    rng = random.Random(seed)
    if shuffle and courier_id != "hanjin":
        rng.shuffle(entries)

    def echoed(k: int, sid: str) -> str:
        """The id cell as the courier gives it back ('' when dropped)."""
        return "" if sid in drop else (req.rows[k][id_col] if id_col is not None else "")

    build = {"cj": _cj, "lotte": _lotte, "hanjin": _hanjin, "epost": _epost, "logen": _logen}[courier_id]
    sheet, rows = build(req, entries, id_col, echoed, shuffle)
    _write(Path(result_path), sheet, rows)
    return truth


# -- per courier -----------------------------------------------------------------------------------------

def _same_layout(req: _Request, entries, id_col, echoed, tracking_header: str) -> list[list[str | int]]:
    t = req.col(tracking_header)
    if t is None:
        raise ValueError(f"요청 파일에 '{tracking_header}' 열이 없습니다")
    rows: list[list[str | int]] = [list(req.header)]
    for k, sid, number in entries:
        row: list[str | int] = list(req.rows[k])
        row[t] = number
        if id_col is not None:
            row[id_col] = echoed(k, sid)
        rows.append(row)
    return rows


def _cj(req, entries, id_col, echoed, shuffle):
    rows = _same_layout(req, entries, id_col, echoed, "운송장번호")
    phone_cols = [i for i, h in enumerate(req.header) if "전화" in h]
    for row in rows[1:]:
        for i in phone_cols:
            d = digits(str(row[i]))
            if d:
                row[i] = int(d)            # a number cell: the leading 0 is gone
    return "Sheet1", rows


def _lotte(req, entries, id_col, echoed, shuffle):
    return "Sheet1", _same_layout(req, entries, id_col, echoed, "운송장번호")


def _epost(req, entries, id_col, echoed, shuffle):
    rows: list[list[str | int]] = [["등기번호", *req.header]]
    for k, sid, number in entries:
        row = list(req.rows[k])
        if id_col is not None:
            row[id_col] = echoed(k, sid)
        rows.append([number, *row])
    return "Sheet1", rows


HANJIN_HEADER = ("순번", "운송장번호", "받으시는 분", "받으시는 분 전화", "받는분핸드폰", "받는분우편번호",
                 "받는분총주소", "수량", "품목명", "메모1")


def _hanjin(req, entries, id_col, echoed, shuffle):
    body = []
    for k, sid, number in entries:
        r = req.rows[k]
        body.append([
            str(k + 1), number,
            req.get(r, "받으시는 분", "받는분성함"),
            req.get(r, "받으시는 분 전화", "받는분 연락처"),
            req.get(r, "받는분핸드폰", "받는분 핸드폰"),
            req.get(r, "받는분우편번호", "받는분 우편번호"),
            req.get(r, "받는분총주소", "받는분주소"),
            req.get(r, "수량"),
            req.get(r, "품목명"),
            echoed(k, sid),
        ])
    if shuffle:                            # 한진 prints by delivery region: sort by address
        body.sort(key=lambda row: (address_key(row[6]), int(row[0])))
    return "출력자료", [list(HANJIN_HEADER), *body]


LOGEN_HEADER = ("운송장번호", "수하인명", "수하인전화", "수하인주소1", "품목명", "택배수량")


def _logen(req, entries, id_col, echoed, shuffle):
    with_ref = id_col is not None          # only the A타입 request has a 주문번호 column [uncertain]
    header = list(LOGEN_HEADER) + (["주문번호"] if with_ref else [])
    rows: list[list[str | int]] = [["로젠택배 운송장 출력 내역"], [f"총 {len(entries)}건"], header]
    for k, sid, number in entries:
        r = req.rows[k]
        phone = req.get(r, "수하인핸드폰번호", "수하인전화번호", "수하인휴대폰", "수하인전화")
        address = " ".join(v for v in (req.get(r, "수하인주소1"), req.get(r, "수하인주소2")) if v)
        row: list[str | int] = [number, req.get(r, "수하인명"), mask_phone(phone) if phone else "", address,
                                req.get(r, "품목명", "물품명"), req.get(r, "택배수량")]
        if with_ref:
            row.append(echoed(k, sid))
        rows.append(row)
    return "Sheet1", rows


def write_supplier_answer(order_sheet: str | Path, answer_path: str | Path, *, courier: str = "롯데택배",
                          courier_id: str = "lotte", seed: int = 1, skip: Iterable[str] = ()) -> Path:
    """A supplier's made-up answer to our 발주서: the same rows with 택배사 and one 송장번호 per parcel (발주번호) filled
    in, except the parcels in ``skip`` (not sent yet)."""
    req = _Request(Path(order_sheet))
    ref, name_col, number_col = req.col("발주번호"), req.col("택배사"), req.col("송장번호")
    if ref is None or name_col is None or number_col is None:
        raise ValueError(f"{order_sheet}: 발주서가 아닙니다 (발주번호·택배사·송장번호 열이 없음)")
    parcels = list(dict.fromkeys(row[ref] for row in req.rows))
    numbers = dict(zip(parcels, tracking_numbers(courier_id, len(parcels), seed)))
    skipped = set(skip)
    rows: list[list[str | int]] = [req.header]
    for row in req.rows:
        row = list(row)
        if row[ref] not in skipped:
            row[name_col], row[number_col] = courier, numbers[row[ref]]
        rows.append(row)
    _write(Path(answer_path), "발주서", rows)
    return Path(answer_path)
