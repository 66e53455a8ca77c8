"""The generic channel adapter: everything a channel needs, driven by its TOML template."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from chulgo.claims import ClaimLayout
from chulgo.files import find_header_row, is_unrepairable, normalise_header
from chulgo.model import ChulgoError, InvoiceLine, Layout, OrderLine, Problem, RawTable, Recipient
from chulgo.normalise import repair_phone, repair_zip
from chulgo.sheets import Sheet, write_workbook
from chulgo.stock import SOLDOUT_VALUES
from chulgo.template import (REPO_TEMPLATES, Getter, TemplateCheck, column_getter, column_positions, fields_reader,
                             load_template, load_toml, spec_names, template_files)

FIELDS = ("line_key", "order_no", "bundle_key", "product_code", "option_code", "product_name", "option_text",
          "quantity", "recipient", "phone", "phone2", "zip", "address", "message", "ordered_at", "ship_by")
ID_FIELDS = ("line_key", "order_no", "bundle_key", "product_code", "option_code")
FIELD_NAMES = {
    "line_key": "주문 줄 번호", "order_no": "주문번호", "bundle_key": "묶음번호", "product_name": "상품명",
    "quantity": "수량", "recipient": "수취인", "phone": "수취인 연락처", "address": "주소", "zip": "우편번호",
}
REQUIRED = ("line_key", "product_name", "quantity", "recipient", "address")   # unless the template says `required`
STATUS_CLASSES = ("cancelled", "hold", "closed")   # checked in this order: the first that matches wins
BY_HAND = "직접입력"          # the list of tracking numbers to type in where there is no downloaded file to fill
RAW = "raw:"                  # an [invoice] value `raw:<머리글>`: that column of the line's own downloaded row
TEMPLATE_KEYS = ("id", "name", "hook", "identify", "columns", "required", "skip", "status", "invoice", "soldout",
                 "gift", "lists_open_orders", "claims")


def courier_names(workspace: Path | None) -> dict[str, dict[str, str]]:
    """The courier crosswalk: courier id -> {channel id or 'default': name as that channel spells it}."""
    table = _name_table(REPO_TEMPLATES / "courier-names.toml")
    for path in template_files("couriers", workspace):     # a courier nobody listed goes by its template's name
        doc = load_template(path)
        if doc.get("id") and doc.get("name"):
            table.setdefault(doc["id"], {}).setdefault("default", doc["name"])
    if workspace is not None and (workspace / "templates" / "courier-names.toml").exists():
        for cid, names in _name_table(workspace / "templates" / "courier-names.toml").items():
            table.setdefault(cid, {}).update(names)
    return table


def _name_table(path: Path) -> dict[str, dict[str, str]]:
    """A courier-names.toml, checked: one [courier id] table of `<channel id> = "name"` per courier."""
    doc = load_toml(path)
    check = TemplateCheck("택배사 이름표", path)
    for cid in doc:
        check.texts_by_name(doc, cid, f"[{cid}]")
    return doc


class TemplateChannel:
    """A channel described entirely by its template (see templates/channels/*.toml and the README's template section).
    The template is checked as it is read: a wrong one stops the program when the templates load."""

    # What an [invoice] cell's `value` names, and how it is filled: the one list _cell reads and the template check
    # allows (a hook adds its own). Besides these, `raw:<머리글>` is that column of the line's own downloaded row.
    invoice_values: dict[str, Callable[[TemplateChannel, InvoiceLine, str, Layout | None], str]] = {
        "line_key": lambda ch, line, tracking_no, layout: line.line_key,
        "order_no": lambda ch, line, tracking_no, layout: line.order_no,
        "courier_name": lambda ch, line, tracking_no, layout: ch.courier_name(line.courier),
        "tracking_no": lambda ch, line, tracking_no, layout: tracking_no,
        "split": lambda ch, line, tracking_no, layout: "Y" if line.split else "N",
    }
    invoice_keys: tuple[str, ...] = ("kind", "verified", "file", "sheet", "styled", "columns", "set",
                                     "row_per_tracking", "courier_names")

    def __init__(self, doc: dict, path: Path, names: dict[str, dict[str, str]]) -> None:
        check = TemplateCheck("채널 템플릿", path)
        check.keys(doc, TEMPLATE_KEYS, "")
        self.doc = doc
        self.path = path
        self.id: str = check.text(doc, "id", "", required=True, empty=False)
        self.name: str = check.text(doc, "name", "", self.id)
        check.text(doc, "hook", "")                      # which class reads the template: load_channels
        ident = check.table(doc, "identify", "[identify]", ("sheets", "headers", "not_headers", "data_offset"))
        self.sheets: list[str] = check.texts(ident, "sheets", "[identify]")
        self.headers: list[str] = check.texts(ident, "headers", "[identify]", required=True)
        self.not_headers = {normalise_header(h) for h in check.texts(ident, "not_headers", "[identify]")}
        self.data_offset: int = check.integer(ident, "data_offset", "[identify]", 0, minimum=0)
        self.columns: dict = check.columns(doc, "columns", "[columns]", FIELDS)
        self.required: list[str] = check.texts(doc, "required", "", allowed=FIELDS, default=REQUIRED)
        for f in self.required:
            if f not in self.columns:
                raise check.error(f"[columns] {f}", "이(가) 없습니다 (꼭 필요한 항목: required).")
        skip = check.table(doc, "skip", "[skip]")
        self.skip = {col: check.regex(skip, col, "[skip]") for col in skip}
        status = check.table(doc, "status", "[status]", ("columns", *STATUS_CLASSES))
        self.status_columns: list = status.get("columns", [])
        if not isinstance(self.status_columns, list):
            raise check.error("[status] columns", '은(는) 목록이어야 합니다 (예: ["주문상태"]).')
        for n, spec in enumerate(self.status_columns, 1):
            check.column(spec, f"[status] columns {n}번째")
        rules = [(cls, check.regex(status, cls, "[status]")) for cls in STATUS_CLASSES]
        self.status_rules = [(cls, rx) for cls, rx in rules if rx is not None and rx.pattern]
        self.invoice: dict = check.table(doc, "invoice", "[invoice]", self.invoice_keys)
        kind = check.choice(self.invoice, "kind", "[invoice]", ("columns", "original"), "columns")
        needed = "set" if kind == "original" else "columns"       # the upload's cells: set in the file, or a new one
        for key in ("columns", "set"):
            if key == needed or key in self.invoice:
                check.cells(self.invoice, key, "[invoice]", tuple(self.invoice_values), (RAW,), required=key == needed)
        check.file_name(self.invoice, "file", "[invoice]", self.name + "_송장업로드")
        check.sheet_name(self.invoice, "sheet", "[invoice]", "Sheet1")
        for key, default in (("verified", True), ("styled", True), ("row_per_tracking", False)):
            check.flag(self.invoice, key, "[invoice]", default)
        soldout = check.table(doc, "soldout", "[soldout]", ("sheet", "columns", "states"))
        check.cells(soldout, "columns", "[soldout]", tuple(SOLDOUT_VALUES), required=False)
        check.sheet_name(soldout, "sheet", "[soldout]", "품절")
        check.texts_by_name(soldout, "states", "[soldout.states]")
        self.gift_days: int | None = check.integer(check.table(doc, "gift", "[gift]", ("days",)), "days", "[gift]",
                                                   None, minimum=1)
        # The export lists every open order of its time span, so an open line missing from a newer one was dropped
        # by the channel (cancelled). Turn off for a channel whose downloads are filtered by status.
        self.lists_open_orders: bool = check.flag(doc, "lists_open_orders", "", True)
        self.crosswalk = names
        self.claim_layouts = [ClaimLayout(self.id, self.name, d, path, f"[[claims]] {n}번째")
                              for n, d in enumerate(check.tables(doc, "claims", "[[claims]]"), 1)]
        self.name_overrides: dict[str, str] = check.texts_by_name(self.invoice, "courier_names",
                                                                  "[invoice.courier_names]")
        self._getters: dict[tuple[str, tuple[str, ...]], Getter | None] = {}

    # -- reading ----------------------------------------------------------------------------------------

    def raw_columns(self) -> set[str] | None:
        """The export columns the invoice upload needs from a line's own row (normalised header names); None =
        the whole row (a channel that takes its own file back). Only these are kept in the ledger: the rest of a
        row (buyer ids, 개인통관고유부호, amounts …) is never stored."""
        if self.invoice.get("kind", "columns") == "original":
            return None
        return {normalise_header(c["value"][len(RAW):]) for c in self.invoice.get("columns", [])
                if str(c.get("value", "")).startswith(RAW)}

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
        layout = Layout(table.sheet, tuple(tuple(r) for r in table.rows[:hr]), tuple(header),
                        tuple(tuple(r) for _, r in islice(table.rows_from(hr + 1), self.data_offset)))
        width = len(header)
        keep = self.raw_columns()
        kept = None if keep is None else [i for i, h in enumerate(header) if normalise_header(h) in keep]
        # The cells this reader looks at (a row kept whole: every cell).
        used = None if kept is None else column_positions(
            [self.columns[f] for f in FIELDS if f in self.columns] + self.status_columns + list(self.skip), header) \
            | set(kept)
        rows = table.rows_from(hr + 1 + self.data_offset, used)
        blank = [""] * width
        # Every field's value is taken once per row, in FIELDS order (a field the file lacks reads as "").
        read_fields = fields_reader([self.columns.get(f) for f in FIELDS], header)
        ids = [(k, f) for k, f in enumerate(FIELDS) if f in ID_FIELDS]
        needed = [(FIELDS.index(f), f) for f in self.required if f not in ("address", "recipient")]
        sheet = table.sheet
        statuses: dict[tuple[str, ...], tuple[str, str]] = {}       # a day's rows repeat a few status combinations

        for i, row in rows:
            if not any(row):
                continue
            if skip_get and any(rx.search(g(row)) for g, rx, _ in skip_get):
                continue
            excel_row = i + 1
            v = read_fields(row)
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
            values = tuple([g(row) for g in status_get])
            if values not in statuses:
                statuses[values] = self._status(list(values))
            status_class, status = statuses[values]
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
        what = spec["value"]
        if what.startswith(RAW):
            if layout is None:
                raise ChulgoError(f"{self.name} {line.line_key}: 원본 엑셀 형식이 장부에 없어 [invoice] 값 {what!r} 을(를) "
                                  "채울 수 없습니다 (API로만 들어온 주문).")
            getter = self._getter(what[len(RAW):], layout.header)
            return getter(list(line.raw)) if getter else ""
        return self.invoice_values[what](self, line, tracking_no, layout)

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
