"""The generic channel adapter: everything a channel needs, driven by its TOML template."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

from chulgo.claims import ClaimLayout
from chulgo.files import find_header_row, is_unrepairable, normalise_header
from chulgo.model import ChulgoError, InvoiceLine, Layout, OrderLine, Problem, RawTable, Recipient
from chulgo.normalise import repair_phone, repair_zip
from chulgo.sheets import Sheet, write_workbook
from chulgo.template import REPO_TEMPLATES, Getter, column_getter, load_toml, spec_names, template_files

FIELDS = ("line_key", "order_no", "bundle_key", "product_code", "option_code", "product_name", "option_text",
          "quantity", "recipient", "phone", "phone2", "zip", "address", "message", "ordered_at", "ship_by")
ID_FIELDS = ("line_key", "order_no", "bundle_key", "product_code", "option_code")
FIELD_NAMES = {
    "line_key": "주문 줄 번호", "order_no": "주문번호", "bundle_key": "묶음번호", "product_name": "상품명",
    "quantity": "수량", "recipient": "수취인", "phone": "수취인 연락처", "address": "주소", "zip": "우편번호",
}
STATUS_CLASSES = ("cancelled", "hold", "closed")
BY_HAND = "직접입력"          # the list of tracking numbers to type in where there is no downloaded file to fill   # checked in this order: the first that matches wins


def _no_value(row: list[str]) -> str:
    """The value of a field the file has no column for."""
    return ""


def courier_names(workspace: Path | None) -> dict[str, dict[str, str]]:
    """The courier crosswalk: courier id -> {channel id or 'default': name as that channel spells it}."""
    table = load_toml(REPO_TEMPLATES / "courier-names.toml")
    for path in template_files("couriers", workspace):     # a courier nobody listed goes by its template's name
        doc = load_toml(path)
        if doc.get("id") and doc.get("name"):
            table.setdefault(doc["id"], {}).setdefault("default", doc["name"])
    if workspace is not None and (workspace / "templates" / "courier-names.toml").exists():
        for cid, names in load_toml(workspace / "templates" / "courier-names.toml").items():
            table.setdefault(cid, {}).update(names)
    return table


class TemplateChannel:
    """A channel described entirely by its template (see templates/channels/README.md)."""

    def __init__(self, doc: dict, path: Path, names: dict[str, dict[str, str]]) -> None:
        self.doc = doc
        self.path = path
        self.id: str = doc["id"]
        self.name: str = doc.get("name", self.id)
        ident = doc.get("identify", {})
        self.sheets: list[str] = ident.get("sheets", [])
        self.headers: list[str] = ident.get("headers", [])
        self.not_headers = {normalise_header(h) for h in ident.get("not_headers", [])}
        self.data_offset: int = ident.get("data_offset", 0)
        if not self.headers:
            raise ChulgoError(f"채널 템플릿 {path}: [identify] headers 가 비어 있습니다.")
        self.columns: dict = doc.get("columns", {})
        self.required: list[str] = doc.get("required", ["line_key", "product_name", "quantity", "recipient", "address"])
        for f in self.required:
            if f not in self.columns:
                raise ChulgoError(f"채널 템플릿 {path}: 필수 항목 {f} 의 [columns] 지정이 없습니다.")
        self.skip = {col: re.compile(rx) for col, rx in doc.get("skip", {}).items()}
        status = doc.get("status", {})
        self.status_columns: list[str] = status.get("columns", [])
        self.status_rules = [(cls, re.compile(status[cls])) for cls in STATUS_CLASSES if status.get(cls)]
        self.invoice: dict = doc.get("invoice", {})
        self.gift_days: int | None = doc.get("gift", {}).get("days")
        # The export lists every open order of its time span, so an open line missing from a newer one was dropped
        # by the channel (cancelled). Turn off for a channel whose downloads are filtered by status.
        self.lists_open_orders: bool = doc.get("lists_open_orders", True)
        self.crosswalk = names
        self.claim_layouts = [ClaimLayout(self.id, self.name, d, path) for d in doc.get("claims", [])]
        self.name_overrides: dict[str, str] = self.invoice.get("courier_names", {})
        self._getters: dict[tuple[str, tuple[str, ...]], Getter | None] = {}

    # -- reading ----------------------------------------------------------------------------------------

    def raw_columns(self) -> set[str] | None:
        """The export columns the invoice upload needs from a line's own row (normalised header names); None =
        the whole row (a channel that takes its own file back). Only these are kept in the ledger: the rest of a
        row (buyer ids, 개인통관고유부호, amounts …) is never stored."""
        if self.invoice.get("kind", "columns") == "original":
            return None
        return {normalise_header(c["value"][4:]) for c in self.invoice.get("columns", [])
                if str(c.get("value", "")).startswith("raw:")}

    def identify(self, table: RawTable) -> int:
        if self.sheets and table.sheet and table.sheet not in self.sheets:
            return -1
        hr = find_header_row(table.rows, set(self.headers))
        if hr < 0 or (self.not_headers & {normalise_header(c) for c in table.rows[hr]}):
            return -1
        return hr

    def courier_name(self, courier: str) -> str:
        names = self.crosswalk.get(courier, {})
        return self.name_overrides.get(courier) or names.get(self.id) or names.get("default") or courier

    def _status(self, values: list[str]) -> tuple[str, str]:
        """(class, text): the first status value matching a class, or all values joined when none does."""
        for cls, rx in self.status_rules:
            for v in values:
                if v and rx.search(v):
                    return cls, v
        return "", " / ".join(v for v in values if v)

    def read_orders(self, table: RawTable) -> Iterator[OrderLine | Problem]:
        """Each data row as an OrderLine, or a Problem naming file, row and column."""
        hr = table.header_row
        header = table.rows[hr]
        fname = table.file.name
        get = {f: column_getter(self.columns[f], header) for f in FIELDS if f in self.columns}
        missing = [f for f in self.required if get.get(f) is None]
        key_spec = self.columns["line_key"]
        if isinstance(key_spec, dict) and "line_key" not in missing:   # every part of a joined key, or keys collide
            present = {normalise_header(h) for h in header}
            if any(normalise_header(h) not in present for h in key_spec.get("join", [])):
                missing.append("line_key")
        if missing:
            cols = ", ".join(f"'{spec_names(self.columns[f])}'" for f in missing)
            yield Problem("missing_column", f"{self.name} 파일에 꼭 필요한 열이 없습니다: {cols}. 채널에서 전체 항목으로 "
                          "다시 내려받거나 templates/channels/" + self.path.name + " 의 열 이름을 고치세요.",
                          fname, table.sheet, hr + 1, spec_names(self.columns[missing[0]]))
            return
        status_get = [g for g in (column_getter(c, header) for c in self.status_columns) if g]
        skip_get = [(g, rx, col) for col, rx in self.skip.items() if (g := column_getter(col, header))]
        rows = table.rows_from(hr + 1)
        layout = Layout(table.sheet, tuple(tuple(r) for r in table.rows[:hr]), tuple(header),
                        tuple(tuple(r) for _, r in islice(rows, self.data_offset)))
        width = len(header)
        keep = self.raw_columns()
        kept = None if keep is None else [i for i, h in enumerate(header) if normalise_header(h) in keep]
        blank = [""] * width
        # Every field's value is taken once per row, in FIELDS order (a field the file lacks reads as "").
        getters = [get.get(f) or _no_value for f in FIELDS]
        ids = [(k, f) for k, f in enumerate(FIELDS) if f in ID_FIELDS]
        needed = [(FIELDS.index(f), f) for f in self.required if f not in ("address", "recipient")]
        sheet = table.sheet

        for i, row in rows:
            if not any(row):
                continue
            if skip_get and any(rx.search(g(row)) for g, rx, _ in skip_get):
                continue
            excel_row = i + 1
            v = [g(row) for g in getters]
            bad = ""
            for k, f in ids:
                if "+" in v[k] and is_unrepairable(v[k]):     # `1.234e+15`: only a text with a + can be one
                    bad = f
                    break
            if bad:
                yield Problem("float_id", f"{FIELD_NAMES.get(bad, bad)}가 숫자로 저장되어 뒷자리가 사라졌습니다. 엑셀에서 "
                              "열어 저장하지 말고 채널에서 받은 파일 그대로 넣으세요.", fname, sheet, excel_row,
                              spec_names(self.columns[bad]), v[FIELDS.index(bad)])
                continue
            empty = ""
            for k, f in needed:
                if not v[k]:
                    empty = f
                    break
            if empty:
                yield Problem("empty_cell", f"{FIELD_NAMES.get(empty, empty)} 칸이 비어 있습니다.", fname, sheet,
                              excel_row, spec_names(self.columns[empty]))
                continue
            (line_key, order_no, bundle_key, product_code, option_code, product_name, option_text, quantity,
             name, phone, phone2, zip_, address, message, ordered_at, ship_by) = v
            qty_text = quantity.replace(",", "")
            try:
                qty = int(float(qty_text))
                if qty <= 0 or qty != float(qty_text):
                    raise ValueError
            except (ValueError, OverflowError):
                yield Problem("bad_quantity", "수량이 1 이상의 정수가 아닙니다.", fname, sheet, excel_row,
                              spec_names(self.columns["quantity"]), qty_text)
                continue
            recipient = Recipient(name, repair_phone(phone), repair_phone(phone2), repair_zip(zip_),
                                  " ".join(address.split()), message)
            status_class, status = self._status([g(row) for g in status_get])
            if kept is None:
                raw = tuple(row[:width]) + ("",) * (width - len(row))
            elif kept:
                cells = blank.copy()
                n = len(row)
                for k in kept:
                    if k < n:
                        cells[k] = row[k]
                raw = tuple(cells)
            else:
                raw = ()
            yield OrderLine(self.id, line_key, order_no or line_key, bundle_key or order_no or line_key, product_code,
                            option_code, product_name, option_text, qty, recipient, status, status_class, ordered_at,
                            layout, raw, fname, excel_row, ship_by)

    # -- writing ----------------------------------------------------------------------------------------

    def _getter(self, spec: str, header: tuple[str, ...]) -> Getter | None:
        """column_getter of ``spec`` for an export's header, worked out once per header: an upload asks it for
        every line (each call would normalise the whole header again)."""
        key = (spec, header)
        if key not in self._getters:
            self._getters[key] = column_getter(spec, list(header))
        return self._getters[key]

    def _cell(self, spec: dict, line: InvoiceLine, tracking_no: str, layout: Layout | None) -> str:
        if "text" in spec:
            return str(spec["text"])
        what = spec.get("value", "")
        if what == "line_key":
            return line.line_key
        if what == "order_no":
            return line.order_no
        if what == "courier_name":
            return self.courier_name(line.courier)
        if what == "tracking_no":
            return tracking_no
        if what == "split":
            return "Y" if line.split else "N"
        if what.startswith("raw:") and layout is not None:
            getter = self._getter(what[4:], layout.header)
            return getter(list(line.raw)) if getter else ""
        raise ChulgoError(f"채널 템플릿 {self.path}: [invoice] 값 {what!r} 을(를) 알 수 없습니다.")

    def check_invoices(self, lines: Sequence[InvoiceLine]) -> list[Problem]:
        """What the upload will lack (cells it cannot fill); the file is still written. Hooks override this."""
        return []

    @property
    def upload_verified(self) -> bool:
        """False while the template's upload layout is not confirmed against a real upload ([확인 필요])."""
        return bool(self.invoice.get("verified", True))

    def write_invoices(self, lines: Sequence[InvoiceLine], out_dir: Path, stem: str) -> list[Path]:
        """The channel's invoice upload file(s) for ``lines``, ready to upload unchanged."""
        file_stem = f"{self.invoice.get('file', self.name + '_송장업로드')}_{stem}"
        if self.invoice.get("kind", "columns") == "original":
            return self._write_original(lines, out_dir, file_stem, stem)
        cols = self.invoice.get("columns", [])
        rows: list[list[str | int]] = [[c["header"] for c in cols]]
        for line in lines:
            for tracking_no in self._tracking_rows(line):
                rows.append([self._cell(c, line, tracking_no, line.layout) for c in cols])
        sheet = Sheet(self.invoice.get("sheet", "Sheet1"), rows, styled=self.invoice.get("styled", True))
        return [write_workbook(out_dir / f"{file_stem}.xlsx", [sheet])]

    def _tracking_rows(self, line: InvoiceLine) -> tuple[str, ...]:
        """One upload row per tracking number where the channel takes several, else the first only."""
        return line.tracking_nos if self.invoice.get("row_per_tracking") else line.tracking_nos[:1]

    def _write_original(self, lines: Sequence[InvoiceLine], out_dir: Path, file_stem: str, stem: str) -> list[Path]:
        """The export as downloaded, only the courier cells filled (쿠팡, 토스쇼핑 take their own file back)."""
        by_layout: dict[Layout, list[InvoiceLine]] = {}
        by_hand: list[InvoiceLine] = []          # came through the API only: no downloaded file to fill in
        for line in lines:
            if line.layout is None:
                by_hand.append(line)
            else:
                by_layout.setdefault(line.layout, []).append(line)
        sets = self.invoice.get("set", [])
        written = []
        for n, (layout, group) in enumerate(by_layout.items()):
            header = list(layout.header)
            positions = []
            for spec in sets:
                try:
                    positions.append((header.index(spec["header"]), spec))
                except ValueError:
                    raise ChulgoError(f"{self.name} 원본 파일에 '{spec['header']}' 열이 없어 송장을 채울 수 없습니다.") from None
            rows: list[list[str | int]] = [list(r) for r in layout.before] + [header] + [list(r) for r in layout.after]
            for line in group:
                for tracking_no in self._tracking_rows(line):
                    row: list[str | int] = list(line.raw)
                    for pos, spec in positions:
                        row[pos] = self._cell(spec, line, tracking_no, layout)
                    rows.append(row)
            sheet = Sheet(layout.sheet or "Sheet1", rows, header_rows=len(layout.before) + 1 + len(layout.after),
                          styled=False)
            name = file_stem if n == 0 else f"{file_stem}_{n + 1}"
            written.append(write_workbook(out_dir / f"{name}.xlsx", [sheet]))
        if by_hand:
            rows = [["주문 줄 번호", "주문번호", "택배사", "운송장번호"]]
            rows += [[line.line_key, line.order_no, self.courier_name(line.courier), no]
                     for line in by_hand for no in self._tracking_rows(line)]
            # Not an upload file: the numbers to type into the seller center by hand (listed so none is forgotten).
            written.append(write_workbook(out_dir / f"{self.name}_{BY_HAND}_{stem}.xlsx", [Sheet(BY_HAND, rows)]))
        return written
