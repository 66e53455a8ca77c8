"""daily: everything that is due, in order — collect, ship, tracking, invoice, the status report, then the\npurge of personal data past its keeping time."""

from __future__ import annotations

from jobs.collect import collect
from jobs.context import Context
from jobs.invoice import invoice
from jobs.purge import purge
from jobs.ship import ship
from jobs.status import status
from jobs.tracking import tracking


def daily(ctx: Context) -> None:
    collect(ctx)
    ship(ctx)
    tracking(ctx)
    invoice(ctx)
    status(ctx)
    purge(ctx)
