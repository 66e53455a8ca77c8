"""A progress bar for the long parts of a big day (rich), shown only on a terminal: scheduled runs and logs get
plain reports."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

T = TypeVar("T")


def shown(items: Iterable[T], label: str, *, at_least: int = 2) -> Iterator[T]:
    """Iterate ``items``, drawing a transient bar on an interactive terminal when there are ``at_least`` of them."""
    many = isinstance(items, Sized) and len(items) >= at_least
    if not many or not sys.stdout.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # a terminal only

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
