"""합포장: turn ready lines into parcels. A channel's own bundle always ships together; bundles to the same
recipient (name + phone digits + normalised address) merge within the scope the seller chose."""

from __future__ import annotations

from datetime import date

from chulgo.model import Item, OrderLine, ParcelLine, Recipient, Shipment
from chulgo.normalise import recipient_key

Ready = tuple[OrderLine, list[Item]]


def group_parcels(ready: list[Ready], merge: str) -> list[list[Ready]]:
    """Group ready lines into parcels, oldest order first. ``merge``: off | channel | all."""
    bundles: dict[tuple[str, str], list[Ready]] = {}
    for entry in ready:
        line = entry[0]
        bundles.setdefault((line.channel, line.bundle_key), []).append(entry)
    parcels: dict[tuple, list[Ready]] = {}
    for (channel, bundle_key), entries in bundles.items():
        if merge == "off":
            key: tuple = (channel, bundle_key)
        else:
            who = recipient_key(entries[0][0].recipient)
            key = {"channel": (channel, who), "all": (who,)}[merge]
        parcels.setdefault(key, []).extend(entries)
    return sorted(parcels.values(), key=lambda es: min(e[0].ordered_at for e in es))


def shipment_id(code: str, day: date, batch_id: int, n: int, width: int, dry_run: bool = False) -> str:
    """Our parcel id, printed in the courier's customer-order column: `K7Q261122-3-0007`. ``code`` is the
    workspace's own (two shops on one courier account never share an id); a dry run's ids carry `T` after it
    (a real batch will use its numbers again)."""
    return f"{_batch_prefix(code, day, batch_id, dry_run)}{n:0{width}d}"


def _batch_prefix(code: str, day: date, batch_id: int, dry_run: bool) -> str:
    return f"{code}{'T' if dry_run else ''}{day:%y%m%d}-{batch_id}-"


def make_shipments(parcels: list[list[Ready]], day: date, batch_id: int, courier: str, *, code: str,
                   dry_run: bool = False) -> list[Shipment]:
    width = max(4, len(str(len(parcels))))
    prefix = _batch_prefix(code, day, batch_id, dry_run)      # shipment_id's, written once for the batch
    shipments = []
    for n, entries in enumerate(parcels, start=1):
        first = entries[0][0].recipient
        messages = list(dict.fromkeys(e[0].recipient.message for e in entries if e[0].recipient.message))
        phone2 = next((e[0].recipient.phone2 for e in entries if e[0].recipient.phone2), "")
        recipient = Recipient(first.name, first.phone, phone2, first.zip, first.address, " / ".join(messages))
        lines = tuple(ParcelLine(line.channel, line.line_key, line.order_no, line.product_name, line.option_text,
                                 line.quantity, tuple(items)) for line, items in entries)
        shipments.append(Shipment(f"{prefix}{n:0{width}d}", batch_id, courier, recipient, lines))
    return shipments
