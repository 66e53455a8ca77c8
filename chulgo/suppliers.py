"""Suppliers who ship for us (위탁): who ships a line, the 발주서 we send them, their answer with tracking numbers,
and how far each supplier is trusted (the share of its recent orders it shipped by the deadline).

The 발주서 and the answer are TOML templates in templates/suppliers/ (our own layout by default; a workspace may
add one per supplier). An answer row names our parcel id (발주번호), the courier the supplier used and the tracking
number; it goes through the same tracking step as a courier's result file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chulgo.couriers.template import EXAMPLE_SHIPMENT, NOBODY, check_result, tracking_number_problem
from chulgo.deadlines import add_business_days, deadline, next_business_day
from chulgo.files import find_header_row, normalise_header
from chulgo.mapping import MappingBook
from chulgo.model import ChulgoError, Item, OrderLine, Problem, RawTable, Shipment, TrackingResult
from chulgo.normalise import digits, repair_phone
from chulgo.settings import Seller, SupplierSettings
from chulgo.sheets import Sheet, write_workbook
from chulgo.template import TemplateCheck, column_getter, load_template, spec_names, template_files

OWN_STOCK = ("", "자사")          # 공급사 values that mean the seller's own stock
SUPPLIER_PARCELS = ""             # the courier of a supplier's parcels until its answer names one
MIN_HISTORY = 5                   # a supplier with fewer decided orders is not trusted by its score yet
RESULT_FIELDS = ("tracking_no", "shipment_ref", "courier", "name", "phone", "address")
MIXED = None

Ready = tuple[OrderLine, list[Item]]     # a line ready to ship, with the SKUs it sends


def supplier_of(items: Sequence[Item], suppliers: dict[str, str]) -> str | None:
    """Who ships these items: '' our own stock, a supplier's name, or None (MIXED) when they come from several
    (a set whose components two suppliers ship: it cannot go out as one parcel). ``suppliers``: SKU -> 공급사."""
    who = {suppliers.get(it.sku, "").strip() for it in items}
    who = {"" if s in OWN_STOCK else s for s in who}
    return who.pop() if len(who) == 1 else MIXED


def supplier_map(book: MappingBook) -> dict[str, str]:
    """SKU -> the supplier who ships it, as the 상품 sheet's 공급사 says now (our own stock left out)."""
    return {sku: p.supplier.strip() for sku, p in book.products.items() if p.supplier.strip() not in OWN_STOCK}


def split_by_supplier(ready: list[Ready], book: MappingBook) -> tuple[list[Ready], dict[str, list[Ready]]]:
    """(lines we ship ourselves, {supplier: lines it ships}). A channel bundle with both becomes two parcels
    (분리배송); a line whose set mixes suppliers never gets here (it waits, see readiness.sort_open_lines)."""
    suppliers = supplier_map(book)
    own: list[Ready] = []
    theirs: dict[str, list[Ready]] = {}
    for line, items in ready:
        who = supplier_of(items, suppliers)
        (own if not who else theirs.setdefault(who, [])).append((line, items))
    return own, theirs


class SupplierTemplate:
    """One 발주서 layout and the answer it expects (see templates/suppliers/발주서.toml)."""

    def __init__(self, doc: dict, path: Path, courier_ids: dict[str, str], digits_of: dict[str, list[int]]) -> None:
        check = TemplateCheck("공급사 템플릿", path)
        check.keys(doc, ("id", "name", "suppliers", "order", "result"), "")
        self.doc, self.path = doc, path
        self.id: str = check.text(doc, "id", "", required=True, empty=False)
        self.name: str = check.text(doc, "name", "", self.id)
        self.suppliers: list[str] = [s.strip() for s in check.texts(doc, "suppliers", "")]
        self.order: dict = check.table(doc, "order", "[order]", ("sheet", "columns"))
        check.sheet_name(self.order, "sheet", "[order]", "발주서")
        check.cells(self.order, "columns", "[order]", ORDER_VALUES)
        self.result: dict = check_result(check, doc, RESULT_FIELDS, ("tracking_no", "shipment_ref", "courier"))
        self.courier_ids = courier_ids           # normalised courier name -> courier id
        self.digits_of = digits_of               # courier id -> allowed tracking number lengths

    def write_order_sheet(self, shipments: Sequence[Shipment], sender: Seller, path: Path,
                          channel_names: dict[str, str]) -> Path:
        """The 발주서: one row per item of each parcel, our parcel id on every row, 택배사·송장번호 left blank."""
        cols = self.order["columns"]
        rows: list[list[str | int]] = [[c["header"] for c in cols]]
        for s in shipments:
            for it in s.items:
                values = _row_values(s, it, sender, channel_names)
                rows.append([str(c["text"]) if "text" in c else values[c["value"]] for c in cols])
        # The columns the supplier fills in stand out and have room to type in.
        blank = [i for i, c in enumerate(cols) if "text" in c and not str(c["text"])]
        sheet = Sheet(self.order.get("sheet", "발주서"), rows, printable=True, landscape=True,
                      styles={"fill": {"bold": True, "bg_color": "#FFF2CC", "border": 1}},
                      cell_styles={(0, i): "fill" for i in blank}, widths={i: 16 for i in blank})
        return write_workbook(path, [sheet])

    # -- the answer ---------------------------------------------------------------------------------------

    def identify_tracking(self, table: RawTable) -> int:
        return find_header_row(table.rows, set(self.result.get("identify", [])) or {"발주번호", "송장번호"})

    def read_tracking(self, table: RawTable) -> Iterator[TrackingResult | Problem]:
        """Rows with a tracking number become results for our parcel; a blank number is a parcel not sent yet (no
        problem: the supplier answers again). A courier nobody knows or a number of the wrong shape is named."""
        header = table.rows[table.header_row]
        get = {f: column_getter(self.result[f], header) for f in RESULT_FIELDS if f in self.result}
        for f in ("tracking_no", "shipment_ref", "courier"):
            if get.get(f) is None:
                yield Problem("missing_column", f"공급사 답장에 {spec_names(self.result[f])} 열이 없습니다.", table.file.name,
                              table.sheet, table.header_row + 1, spec_names(self.result[f]))
                return

        def value(f: str, row: list[str]) -> str:
            g = get.get(f)
            return g(row).strip() if g else ""

        for i, row in table.rows_from(table.header_row + 1):
            raw_no = value("tracking_no", row)
            if not raw_no:
                continue                             # not shipped yet
            where = (table.file.name, table.sheet, i + 1)
            courier = self.courier_ids.get(_courier_key(value("courier", row)))
            if courier is None:
                yield Problem("unknown_courier", "택배사 이름을 알 수 없습니다. CJ대한통운, 롯데택배, 한진택배, 우체국택배, "
                              "로젠택배 중 하나로 적어 달라고 하거나 templates/courier-names.toml 에 이름을 더하세요.",
                              *where, spec_names(self.result["courier"]), value("courier", row))
                continue
            if wrong := tracking_number_problem(raw_no, self.digits_of.get(courier) or []):
                yield Problem("bad_tracking", f"송장번호는 {wrong}", *where, spec_names(self.result["tracking_no"]), raw_no)
                continue
            yield TrackingResult(courier, digits(raw_no), value("shipment_ref", row), value("name", row),
                                 repair_phone(value("phone", row)), value("address", row), table.file.name, i + 1,
                                 parcels_of=SUPPLIER_PARCELS)


def _row_values(s: Shipment, it: Item, sender: Seller, channel_names: dict[str, str]) -> dict[str, str]:
    r = s.recipient
    return {
        "shipment_id": s.shipment_id,
        "channels": ", ".join(dict.fromkeys(channel_names.get(line.channel, line.channel) for line in s.lines)),
        "order_nos": ", ".join(dict.fromkeys(line.order_no for line in s.lines)),
        "item.sku": it.sku, "item.name": it.name or it.sku, "item.quantity": str(it.quantity),
        "recipient.name": r.name, "recipient.phone": r.phone or r.phone2, "recipient.phone2": r.phone2,
        "recipient.zip": r.zip, "recipient.address": r.address, "recipient.message": r.message,
        "sender.name": sender.name, "sender.phone": sender.phone,
    }


ORDER_VALUES = tuple(_row_values(EXAMPLE_SHIPMENT, EXAMPLE_SHIPMENT.items[0], NOBODY, {}))   # what [order] can name


def _courier_key(name: str) -> str:
    return normalise_header(name).replace("(주)", "").replace("주식회사", "")


COURIER_ALIASES = {"cj": ("CJ", "CJ택배", "대한통운", "CJGLS"), "lotte": ("롯데", "현대택배", "HYUNDAI"),
                   "hanjin": ("한진",), "epost": ("우체국", "EPOST", "우편"), "logen": ("로젠", "KGB")}


def load_suppliers(workspace: Path | None, names: dict[str, dict[str, str]],
                   digits_of: dict[str, list[int]]) -> list[SupplierTemplate]:
    """Every 발주서 template, the workspace's own overriding the repo's by id. ``names``: the courier crosswalk
    (every spelling a channel uses is a name a supplier may write)."""
    courier_ids: dict[str, str] = {}
    for cid, spellings in names.items():
        for name in (cid, *spellings.values(), *COURIER_ALIASES.get(cid, ())):
            courier_ids.setdefault(_courier_key(name), cid)
    found: dict[str, SupplierTemplate] = {}
    for path in template_files("suppliers", workspace):
        template = SupplierTemplate(load_template(path), path, courier_ids, digits_of)
        found[template.id] = template
    if not any(not t.suppliers for t in found.values()):
        raise ChulgoError("공급사 템플릿 중 모든 공급사에 쓰는 기본 발주서(suppliers 목록 없는 것)가 없습니다. "
                          "templates/suppliers/발주서.toml 을 되살리세요.")
    return list(found.values())


def template_for(templates: Sequence[SupplierTemplate], supplier: str) -> SupplierTemplate:
    """The supplier's own layout when a template lists it, else the default 발주서."""
    return next((t for t in templates if supplier in t.suppliers), None) or next(t for t in templates if not t.suppliers)


# -- trust ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupplierParcel:
    """One parcel a supplier was asked to ship, as the ledger knows it."""

    supplier: str
    shipment_id: str
    day: str                 # the 발주서's day
    ship_by: str             # the earliest channel deadline of its lines (order-time key, '' = none)
    ordered: str             # the oldest order time of its lines (order-time key)
    tracked_at: str          # when its first tracking number was read ('' = not yet)
    name: str                # recipient


@dataclass(frozen=True)
class Trust:
    supplier: str
    decided: int             # recent orders whose outcome is known (answered, or past the deadline)
    on_time: int
    pending: int             # sent, no answer yet, deadline not passed
    late_now: int            # no answer and the deadline passed
    setting: bool | None     # the seller's override in settings.toml
    trusted: bool

    @property
    def share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def why(self) -> str:
        if self.setting is not None:
            return "설정(settings.toml)"
        if self.decided < MIN_HISTORY:
            return f"기록 부족 ({self.decided}/{MIN_HISTORY}건)"
        return "최근 기록"


def due_day(p: SupplierParcel, settings: SupplierSettings, ship_days: int, off: frozenset[str]) -> date:
    """The day the supplier's tracking number must be in: the channel's deadline for its lines, or the supplier's
    own promised business days after the 발주서, whichever comes first — but not before the 발주서's own day. (An
    answer counts from when it was read: the supplier's own shipping time is not in its file.)"""
    sent = date.fromisoformat(p.day)
    days = settings.days_for(p.supplier)
    promised = add_business_days(sent, days, off) if days else next_business_day(sent, off)
    channel = deadline(p.ship_by, p.ordered, ship_days, off)
    # Never before the supplier had the 발주서: an order that waited on our side is not the supplier's lateness.
    return max(sent, min(promised, channel)) if channel is not None else promised


def supplier_trust(parcels: Sequence[SupplierParcel], settings: SupplierSettings, today: date, ship_days: int,
                   off: frozenset[str]) -> dict[str, Trust]:
    """Per supplier: the share of its last ``settings.window`` decided orders answered by the deadline; trusted when
    at least ``settings.share`` of at least MIN_HISTORY orders, unless settings.toml says otherwise."""
    by_supplier: dict[str, list[SupplierParcel]] = {}
    for p in parcels:
        by_supplier.setdefault(p.supplier, []).append(p)
    for name in settings.trusted:
        by_supplier.setdefault(name, [])
    out = {}
    for name, group in by_supplier.items():
        decided, pending, late_now = [], 0, 0
        for p in sorted(group, key=lambda p: (p.day, p.shipment_id), reverse=True):
            due = due_day(p, settings, ship_days, off)
            if p.tracked_at:
                decided.append(date.fromisoformat(p.tracked_at[:10]) <= due)
            elif due < today:
                decided.append(False)
                late_now += 1
            else:
                pending += 1
        recent = decided[: settings.window]
        on_time = sum(recent)
        by_score = len(recent) >= MIN_HISTORY and on_time * 1000 >= round(settings.share * 1000) * len(recent)
        setting = settings.trusted.get(name)
        out[name] = Trust(name, len(recent), on_time, pending, late_now, setting,
                          by_score if setting is None else setting)
    return out
