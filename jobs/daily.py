"""daily: everything that is due, in order — collect, ship, tracking, invoice, then the status report."""

from __future__ import annotations

from jobs.collect import collect
from jobs.context import Context
from jobs.invoice import invoice
from jobs.ship import ship
from jobs.status import status
from jobs.tracking import tracking


def daily(ctx: Context) -> None:
    collect(ctx)
    ship(ctx)
    tracking(ctx)
    invoice(ctx)
    status(ctx)
