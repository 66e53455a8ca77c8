"""The domain values that flow from files to the ledger to outputs.

Every id, phone, zip and tracking number is a ``str``: nothing here is ever a float.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import MISSING, dataclass, field, fields
from itertools import islice
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give a frozen slots dataclass an ``__init__`` that fills each slot through its descriptor: the same signature
    and defaults, the instance as frozen as before, built in about half the time. A frozen dataclass's own
    ``__init__`` goes through ``object.__setattr__`` field by field, and a peak day builds millions of these values
    (every line, recipient, parcel line and item, in every step). Put it above ``@dataclass``."""
    params, body, env = [], [], {}
    for f in fields(cls):
        if f.default_factory is not MISSING or not f.init:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} needs the dataclass's own __init__")
        if f.default is MISSING:
            params.append(f.name)
        else:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        env[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        body.append(f"    _set_{f.name}(self, {f.name})\n")
    exec(f"def __init__(self, {', '.join(params)}):\n{''.join(body)}", env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


class ChulgoError(Exception):
    """A fault the seller must fix (bad setting, unreadable file). The message is Korean and says what to do."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A bad row or file. It never stops the run; it is reported and the line waits."""

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""

    def where(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None:
            parts.append(f"{self.row}행")
        if self.column:
            parts.append(f"'{self.column}' 열")
        return " ".join(parts)

    def text(self) -> str:
        where = self.where()
        value = f" (값: {self.value})" if self.value else ""
        return f"{where}: {self.message}{value}" if where else f"{self.message}{value}"


@dataclass(frozen=True, slots=True)
class RawTable:
    """One sheet of an input file, every cell as text, with the header row located.

    A streamed sheet (``stream``, see chulgo.files.SheetStream) holds only its first rows in ``rows`` (enough to
    identify it and find its header); ``rows_from`` reads every row. Readers of data rows use ``rows_from``."""

    file: Path
    sheet: str
    rows: list[list[str]]          # every row of the sheet, cells as text (a streamed sheet: its first rows)
    header_row: int = -1           # 0-based index into rows; -1 = not located yet
    stream: Callable[[Collection[int] | None], Iterator[list[str]]] | None = field(default=None, compare=False,
                                                                               repr=False)

    @property
    def header(self) -> list[str]:
        return self.rows[self.header_row] if self.header_row >= 0 else []

    def rows_from(self, start: int, columns: Collection[int] | None = None) -> Iterator[tuple[int, list[str]]]:
        """(0-based index, row) of every row from ``start`` on: a streamed sheet is read row by row.
        ``columns``: the only cells the caller reads (0-based), when it says so; a streamed sheet then makes text of
        those alone and leaves "" in the others — but a row with no text in any of them comes whole, so a row reads
        as blank exactly when all its cells are."""
        if self.stream is None:
            for i in range(start, len(self.rows)):
                yield i, self.rows[i]
        else:
            yield from islice(enumerate(self.stream(columns)), start, None)

    def release(self) -> None:
        """Let go of a streamed sheet's parsed cells once its rows are read (reading again parses it anew)."""
        release = getattr(self.stream, "release", None)
        if release is not None:
            release()


@dataclass(frozen=True, slots=True)
class Layout:
    """How a channel's export sheet looked: rows above the header, the header, marker rows below it."""

    sheet: str
    before: tuple[tuple[str, ...], ...]
    header: tuple[str, ...]
    after: tuple[tuple[str, ...], ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    phone: str
    phone2: str
    zip: str
    address: str
    message: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of one channel export (a 상품주문번호, a 묶음배송번호+옵션ID, a 품목별 주문번호)."""

    channel: str
    line_key: str
    order_no: str
    bundle_key: str                 # lines with the same key ship in one parcel (배송비 묶음번호, 묶음배송번호, 주문번호)
    product_code: str
    option_code: str
    product_name: str
    option_text: str
    quantity: int
    recipient: Recipient
    status: str                     # the channel's own status text
    status_class: str               # "" (active) | "hold" | "cancelled" | "closed"
    ordered_at: str
    layout: Layout | None = None    # the export's sheet layout, to write the channel's own file back
    raw: tuple[str, ...] = ()       # the row's cells as downloaded, in the layout's column order
    source: str = ""                # file name
    source_row: int = 0             # 1-based Excel row
    ship_by: str = ""               # the channel's own 발송기한 / 출고예정일, as given ('' = none)


@quick_init
@dataclass(frozen=True, slots=True)
class Item:
    """One SKU to pick, after mapping and set expansion."""

    sku: str
    quantity: int
    name: str = ""
    location: str = ""
    barcode: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class ParcelLine:
    channel: str
    line_key: str
    order_no: str
    product_name: str
    option_text: str
    quantity: int
    items: tuple[Item, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Shipment:
    """One parcel: one waybill, one or more channel lines to one recipient."""

    shipment_id: str
    batch_id: int
    courier: str
    recipient: Recipient
    lines: tuple[ParcelLine, ...]

    @property
    def items(self) -> list[Item]:
        merged: dict[str, Item] = {}
        for line in self.lines:
            for it in line.items:
                prev = merged.get(it.sku)
                merged[it.sku] = it if prev is None else Item(it.sku, prev.quantity + it.quantity,
                                                               it.name, it.location, it.barcode)
        return list(merged.values())


@quick_init
@dataclass(frozen=True, slots=True)
class TrackingResult:
    """One row of a courier's result file."""

    courier: str
    tracking_no: str
    shipment_ref: str               # our shipment id as the courier echoed it ("" when the courier dropped it)
    name: str
    phone: str
    address: str
    source: str
    source_row: int
    parcels_of: str | None = None   # whose parcels it answers for when not the courier's own: a supplier's answer
    #                                 ('' — chulgo.suppliers.SUPPLIER_PARCELS) names the courier the supplier used


@quick_init
@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """A tracked line ready for its channel's invoice upload."""

    channel: str
    line_key: str
    order_no: str
    courier: str
    tracking_nos: tuple[str, ...]
    layout: Layout | None = None
    raw: tuple[str, ...] = ()
    split: bool = False             # its channel bundle went out in more than one box (분리배송)
    exchange_of: str = ""           # a replacement for this line of an exchange (교환 재발송): not an order upload
