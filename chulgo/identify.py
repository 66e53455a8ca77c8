"""Which format an input file is: each table is claimed by a channel's order export, a channel's claim list, or a
courier's (or a supplier's) tracking result — by content, never by file name. Two formats claiming one table is an
error the seller fixes in templates/, not a guess."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, TypeVar

from chulgo.archive import display_name
from chulgo.channels import Channel
from chulgo.claims import Claim, ClaimLayout
from chulgo.files import InputFileError, read_tables
from chulgo.model import OrderLine, Problem, RawTable, TrackingResult


class TrackingReader(Protocol):
    """A format whose file carries tracking numbers: a courier's result, or a supplier's answer to our 발주서."""
    id: str
    name: str

    def identify_tracking(self, table: RawTable) -> int: ...

    def read_tracking(self, table: RawTable) -> Iterator[TrackingResult | Problem]: ...


@dataclass(frozen=True)
class Formats:
    """Every format a workspace reads: its channels (and their claim lists), couriers and supplier templates."""
    channels: Sequence[Channel]
    couriers: Sequence[TrackingReader]
    suppliers: Sequence[TrackingReader] = ()

    def claimants(self, table: RawTable) -> tuple[list[tuple[Channel, int]], list[tuple[ClaimLayout, int]],
                                                  list[tuple[TrackingReader, int]]]:
        """(channels, claim lists, tracking readers) that claim ``table``, each with the header row it found."""
        claims = [(layout, hr) for ch in self.channels for layout in ch.claim_layouts
                  if (hr := layout.identify(table)) >= 0]
        return self._orders(table), claims, self._tracking(table)

    def recognises(self, tables: Iterable[RawTable]) -> bool:
        """Some table is an order export or a tracking result (what a pick-up from Downloads takes)."""
        return any(self._orders(table) or self._tracking(table) for table in tables)

    def _orders(self, table: RawTable) -> list[tuple[Channel, int]]:
        return [(ch, hr) for ch in self.channels if (hr := ch.identify(table)) >= 0]

    def _tracking(self, table: RawTable) -> list[tuple[TrackingReader, int]]:
        """Couriers, and supplier templates that claim it — those that read answers alike as one reader."""
        found = [(co, hr) for co in self.couriers if (hr := co.identify_tracking(table)) >= 0]
        answers: dict[str, tuple[TrackingReader, int]] = {}
        for sup in self.suppliers:
            if (hr := sup.identify_tracking(table)) >= 0:
                answers.setdefault(repr(sorted(sup.result.items())), (sup, hr))
        return found + list(answers.values())


Reader = TypeVar("Reader")


@dataclass
class InputFile:
    """One input file, identified: its tables by what reads them, or why it cannot be used."""
    path: Path
    sha: str
    orders: list[tuple[Channel, RawTable]] = field(default_factory=list)
    claims: list[tuple[ClaimLayout, RawTable]] = field(default_factory=list)
    tracking: list[tuple[TrackingReader, RawTable]] = field(default_factory=list)
    error: str = ""                  # unreadable, or claimed by two formats

    @property
    def name(self) -> str:
        """The file's name as the seller reads it (an undecodable name never breaks a message or the ledger)."""
        return display_name(self.path)

    @property
    def recognised(self) -> bool:
        return bool(self.orders or self.claims or self.tracking)

    def read_orders(self) -> tuple[Channel | None, list[OrderLine], list[Problem]]:
        """Every row of the order tables: (their channel, lines, problems)."""
        return _read(self.orders, lambda ch, t: ch.read_orders(t))

    def read_claims(self) -> tuple[ClaimLayout | None, list[Claim], list[Problem]]:
        return _read(self.claims, lambda layout, t: layout.read(t))

    def read_tracking(self) -> tuple[TrackingReader | None, list[TrackingResult], list[Problem]]:
        return _read(self.tracking, lambda reader, t: reader.read_tracking(t))

    def release(self, *, orders: bool = False, claims: bool = False, tracking: bool = False) -> None:
        """Let go of the parsed cells of the tables named (all when none is): a step that will not read them does
        not keep them; reading them later parses them anew."""
        every = not (orders or claims or tracking)
        for wanted, tables in ((orders, self.orders), (claims, self.claims), (tracking, self.tracking)):
            if every or wanted:
                for _, table in tables:
                    table.release()


def _read(tables: list[tuple[Reader, RawTable]], rows) -> tuple[Reader | None, list, list[Problem]]:
    values: list = []
    problems: list[Problem] = []
    for reader, table in tables:
        for item in rows(reader, table):
            (problems if isinstance(item, Problem) else values).append(item)
        table.release()           # its rows are read: the parsed sheet need not stay for the rest of the run
    return (tables[0][0] if tables else None), values, problems


def identify_tables(path: Path, sha: str, tables: Iterable[RawTable], formats: Formats) -> InputFile:
    """Each table to the one format that claims it (with its header row); two claims make the file an error."""
    shown = path.with_name(display_name(path))
    out = InputFile(path, sha)
    for table in tables:
        orders, claims, tracking = formats.claimants(table)
        found = [(orders, out.orders, "주문"), (claims, out.claims, "반품·교환"), (tracking, out.tracking, "택배 결과")]
        names = [f"{r.name}({kind})" for readers, _, kind in found for r, _ in readers]
        if len(names) > 1:
            return InputFile(path, sha, error=f"{shown.name}: 두 형식이 같은 파일을 자기 것이라 합니다: {', '.join(names)}. "
                                              "templates/ 의 [identify] headers 를 더 구체적으로 고치세요.")
        for readers, into, _ in found:
            into.extend((reader, replace(table, header_row=hr)) for reader, hr in readers)
    return out


def identify_file(path: Path, formats: Formats, passwords: Mapping[str, str], from_env: Iterable[str] = (),
                  read: Mapping[str, list[RawTable]] | None = None) -> InputFile:
    """Read and identify the file at ``path`` (sheets streamed: only their first rows become text now).
    ``read``: tables already read from a file with these bytes (by sha256), so they are not parsed twice."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    shown = path.with_name(display_name(path))      # what every row, message and ledger record names
    tables = (read or {}).get(sha)
    if tables is not None:
        tables = [replace(t, file=shown) for t in tables]
    else:
        try:
            tables = read_tables(shown, passwords, data, from_env=set(from_env), stream=True)
        except InputFileError as e:
            return InputFile(path, sha, error=str(e))
    return identify_tables(path, sha, tables, formats)
