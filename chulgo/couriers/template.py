"""The generic courier adapter: waybill request by column position, result file by header name."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from chulgo.files import find_header_row
from chulgo.model import ChulgoError, Item, ParcelLine, Problem, RawTable, Recipient, Shipment, TrackingResult
from chulgo.normalise import digits, repair_phone
from chulgo.recipient_check import cut_message, phone_problem
from chulgo.settings import Seller
from chulgo.sheets import Sheet, write_workbook
from chulgo.template import TemplateCheck, column_getter, column_positions, fields_reader, spec_names

RESULT_FIELDS = ("tracking_no", "shipment_ref", "name", "phone", "address")
MESSAGE_MAX = 100                  # the delivery message's length when a template names no message_max


def items_text(items: Sequence[Item], limit: int) -> str:
    """What is in the parcel (``Shipment.items``), as the label prints it: `티셔츠 빨강 L 2개 / 양말 1개`."""
    text = " / ".join(f"{it.name or it.sku} {it.quantity}개" for it in items)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tracking_number_problem(raw: str, lengths: Sequence[int]) -> str:
    """What is wrong with a tracking number as a courier's or supplier's file wrote it ('' = nothing): digits only
    (dashes and spaces between them are fine), of one of ``lengths`` when the courier has them."""
    number = digits(raw)
    if number != raw.replace("-", "").replace(" ", "") or (lengths and len(number) not in lengths):
        return f"숫자 {' 또는 '.join(str(n) for n in lengths) or '여러'}자리여야 합니다."
    return ""


def waybill_values(s: Shipment, sender: Seller, message_max: int, item_text_max: int,
                   today: str | None = None) -> dict[str, str]:
    """Every value a waybill column can name, for one parcel (``today``: the run's date, ISO; default today's)."""
    r = s.recipient
    # One valid number is enough: when the first is garbage or masked and the second is whole, lead with it.
    phone = r.phone if r.phone.strip() else r.phone2
    if phone_problem(r.phone) and not phone_problem(r.phone2):
        phone = r.phone2
    items = s.items
    return {
        "shipment_id": s.shipment_id,
        "sender.name": sender.name, "sender.phone": sender.phone,
        "sender.zip": sender.zip, "sender.address": sender.address,
        "recipient.name": r.name, "recipient.phone": phone,
        "recipient.phone2": r.phone2, "recipient.zip": r.zip,
        "recipient.address": r.address, "recipient.message": cut_message(r.message, message_max)[0],
        "items": items_text(items, item_text_max),
        "item_count": str(sum(it.quantity for it in items)),
        "order_nos": ", ".join(dict.fromkeys(line.order_no for line in s.lines)),
        "today": today or date.today().isoformat(),
    }


# A parcel with nothing in it, to ask the functions that fill a file which values they know (the template check's list).
EXAMPLE_SHIPMENT = Shipment("", 0, "", Recipient("", "", "", "", ""),
                            (ParcelLine("", "", "", "", "", 1, (Item("", 1),)),))
NOBODY = Seller("", "", "", "")
WAYBILL_VALUES = tuple(waybill_values(EXAMPLE_SHIPMENT, NOBODY, MESSAGE_MAX, 100))
WAYBILL_KEYS = ("file", "sheet", "item_text_max", "message_max", "columns")


class TemplateCourier:
    """A courier described entirely by its template, checked as it is read (every layout, the one in use or not)."""

    def __init__(self, doc: dict, path: Path, layout: str = "") -> None:
        check = TemplateCheck("택배사 템플릿", path)
        check.keys(doc, ("id", "name", "tracking_digits", "waybill", "layouts", "result"), "")
        self.doc = doc
        self.path = path
        self.id: str = check.text(doc, "id", "", required=True, empty=False)
        self.name: str = check.text(doc, "name", "", self.id)
        self.tracking_digits: list[int] = check.integers(doc, "tracking_digits", "", minimum=1)
        self.layouts: dict[str, dict] = check.table(doc, "layouts", "[layouts]")
        for name in self.layouts:
            _check_waybill(check, check.table(self.layouts, name, f"[layouts.{name}]", WAYBILL_KEYS),
                           f"[layouts.{name}]")
        _check_waybill(check, check.table(doc, "waybill", "[waybill]", WAYBILL_KEYS), "[waybill]")
        if layout and layout not in self.layouts:
            choices = ", ".join(sorted(self.layouts)) or "없음"
            raise ChulgoError(f'settings.toml [courier] layout: "{layout}"은(는) {self.name} 템플릿에 없는 양식입니다. '
                              f"쓸 수 있는 양식: {choices} (비우면 기본 양식)")
        self.waybill: dict = self.layouts[layout] if layout else doc.get("waybill", {})
        self.result: dict = check_result(check, doc, RESULT_FIELDS, ("tracking_no",))
        self.message_max: int = self.waybill.get("message_max", MESSAGE_MAX)
        self.item_text_max: int = self.waybill.get("item_text_max", 100)

    # -- waybill request ---------------------------------------------------------------------------------

    def write_waybills(self, shipments: Sequence[Shipment], sender: Seller, out_dir: Path, stem: str) -> Path:
        """The courier's upload file: one row per parcel, our parcel id in the customer-order column."""
        cols = self.waybill["columns"]
        rows: list[list[str | int]] = [[c["header"] for c in cols]]
        today = date.today().isoformat()
        for s in shipments:
            values = waybill_values(s, sender, self.message_max, self.item_text_max, today)
            rows.append([str(c["text"]) if "text" in c else values[c["value"]] for c in cols])
        sheet = Sheet(self.waybill.get("sheet", "Sheet1"), rows, styled=False)
        return write_workbook(out_dir / f"{self.waybill.get('file', self.name + '_송장요청')}_{stem}.xlsx", [sheet])

    def cut_messages(self, shipments: Sequence[Shipment]) -> list[tuple[str, int]]:
        """(parcel id, original length) of every parcel whose delivery message ``write_waybills`` cuts to
        ``message_max``; empty when this layout has no message column. For the run's report."""
        if not any(c.get("value") == "recipient.message" for c in self.waybill["columns"]):
            return []
        return [(s.shipment_id, len(s.recipient.message)) for s in shipments
                if cut_message(s.recipient.message, self.message_max)[1]]

    # -- tracking result ---------------------------------------------------------------------------------

    def identify_tracking(self, table: RawTable) -> int:
        return find_header_row(table.rows, set(self.result.get("identify", [])) or {"운송장번호"})

    def read_tracking(self, table: RawTable) -> Iterator[TrackingResult | Problem]:
        header = table.rows[table.header_row]
        get = {f: column_getter(self.result[f], header) for f in RESULT_FIELDS if f in self.result}
        if get.get("tracking_no") is None:
            yield Problem("missing_column", f"{self.name} 결과 파일에 운송장번호 열이 없습니다.", table.file.name,
                          table.sheet, table.header_row + 1, spec_names(self.result["tracking_no"]))
            return

        specs = [self.result.get(f) for f in RESULT_FIELDS]
        read_fields = fields_reader(specs, header)
        for i, row in table.rows_from(table.header_row + 1, column_positions([s for s in specs if s], header)):
            if not any(row):
                continue
            raw_no, shipment_ref, name, phone, address = read_fields(row)
            number = digits(raw_no)
            if not number:
                yield Problem("no_tracking", "운송장번호가 비어 있습니다.", table.file.name, table.sheet, i + 1,
                              spec_names(self.result["tracking_no"]))
                continue
            if wrong := tracking_number_problem(raw_no, self.tracking_digits):
                yield Problem("bad_tracking", f"{self.name} 운송장번호는 {wrong}", table.file.name,
                              table.sheet, i + 1, spec_names(self.result["tracking_no"]), raw_no)
                continue
            yield TrackingResult(self.id, number, shipment_ref, name, repair_phone(phone), address, table.file.name, i + 1)


def _check_waybill(check: TemplateCheck, waybill: dict, where: str) -> None:
    """One waybill layout ([waybill] or [layouts.<name>]): its columns name values waybill_values knows."""
    check.file_name(waybill, "file", where, "송장요청")
    check.sheet_name(waybill, "sheet", where, "Sheet1")
    check.integer(waybill, "item_text_max", where, 100, minimum=1)
    check.integer(waybill, "message_max", where, MESSAGE_MAX, minimum=1)
    check.cells(waybill, "columns", where, WAYBILL_VALUES)


def check_result(check: TemplateCheck, doc: dict, fields: Sequence[str], required: Sequence[str]) -> dict:
    """The [result] table of a courier's or supplier's template: `identify` (headers the file has together) and where
    each of ``fields`` is read from; ``required`` must be there."""
    result = check.table(doc, "result", "[result]", ("identify", *fields))
    check.texts(result, "identify", "[result]")
    for f in fields:
        if f in result:
            check.column(result[f], f"[result] {f}")
        elif f in required:
            raise check.error(f"[result] {f}", "이(가) 없습니다.")
    return result
