"""Couriers: how to write a waybill request, and how to recognise and read the tracking-result file.

Every courier is a TOML template in templates/couriers/ read by one generic adapter (template.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from chulgo.couriers.template import TemplateCourier
from chulgo.model import Problem, RawTable, Shipment, TrackingResult
from chulgo.settings import Seller
from chulgo.template import load_template, template_files


class Courier(Protocol):
    id: str
    name: str

    def write_waybills(self, shipments: Sequence[Shipment], sender: Seller, out_dir: Path, stem: str) -> Path: ...

    def identify_tracking(self, table: RawTable) -> int:
        """The header row index if this table is this courier's result file, else -1. Never raises."""

    def read_tracking(self, table: RawTable) -> Iterator[TrackingResult | Problem]: ...


def load_couriers(workspace: Path | None, layouts: dict[str, str] | None = None) -> dict[str, Courier]:
    """Every courier template, the workspace's own overriding the repo's by id; ``layouts`` picks a courier's
    alternative waybill layout (settings.toml [courier] layout)."""
    couriers: dict[str, Courier] = {}
    for path in template_files("couriers", workspace):
        doc = load_template(path)
        cid = doc.get("id")
        courier = TemplateCourier(doc, path, (layouts or {}).get(cid, "") if isinstance(cid, str) else "")
        couriers[courier.id] = courier
    return couriers
