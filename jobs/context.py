"""What every job gets: the workspace's settings, ledger, adapters, the day's outbox, and the run report."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from chulgo.channels import Channel, load_channels
from chulgo.couriers import Courier, load_couriers
from chulgo.files import InputFileError, read_tables
from chulgo.ledger import Ledger
from chulgo.mapping import MappingBook, load_mapping
from chulgo.model import ChulgoError, Problem, RawTable
from chulgo.settings import CHANNEL_IDS, Settings, load_settings


PARTIAL_DOWNLOADS = {".crdownload", ".part", ".partial", ".download", ".tmp"}   # a browser still writing it
SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass
class Report:
    """What a run did, in Korean, for the seller: done, outputs, waiting, problems."""

    done: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: bool = False             # an input or setting was bad: exit code 1

    def problem(self, p: Problem, fatal: bool = False) -> None:
        self.problems.append(p)
        self.failed = self.failed or fatal

    def text(self, workspace: Path) -> str:
        out = []
        out += [f"✔ {d}" for d in self.done]
        if self.outputs:
            out.append("만든 파일:")
            for p in self.outputs:
                try:
                    shown = p.relative_to(workspace)
                except ValueError:
                    shown = p
                out.append(f"  - {shown}")
        out += [f"… {w}" for w in dict.fromkeys(self.waiting)]
        if self.problems:
            out.append(f"확인할 것 {len(self.problems)}건:")
            out += [f"  ! {p.text()}" for p in self.problems[:50]]
            if len(self.problems) > 50:
                out.append(f"  … 외 {len(self.problems) - 50}건 (현황.xlsx 의 '문제' 시트 참고)")
        return "\n".join(out)


@dataclass
class InboxFile:
    path: Path
    sha: str
    tables: list[tuple[str, object, RawTable]]    # (kind 'orders' | 'tracking', adapter, table with header row)
    error: str = ""                                 # unreadable, or claimed by two formats

    def read(self, kind: str) -> tuple[object, list, list[Problem]]:
        """Every row of this file's tables of ``kind`` through their adapter: (first adapter, values, problems)."""
        values: list = []
        problems: list[Problem] = []
        tables = [(adapter, table) for k, adapter, table in self.tables if k == kind]
        for adapter, table in tables:
            rows = adapter.read_orders(table) if kind == "orders" else adapter.read_tracking(table)
            for item in rows:
                (problems if isinstance(item, Problem) else values).append(item)
        return (tables[0][0] if tables else None), values, problems


@dataclass
class Context:
    workspace: Path
    dry_run: bool = False
    today: date = field(default_factory=date.today)
    report: Report = field(default_factory=Report)
    _scanned: dict[Path, InboxFile] = field(default_factory=dict, init=False, repr=False)
    _reported: set[Path] = field(default_factory=set, init=False, repr=False)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.workspace)

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(self.settings.ledger_path)

    @cached_property
    def channels(self) -> dict[str, Channel]:
        return load_channels(self.workspace)

    @cached_property
    def couriers(self) -> dict[str, Courier]:
        return load_couriers(self.workspace, {self.settings.courier: self.settings.courier_layout})

    @property
    def day(self) -> str:
        return self.today.isoformat()

    @property
    def stamp(self) -> str:
        return self.today.strftime("%Y%m%d")

    @property
    def out_dir(self) -> Path:
        base = self.settings.outbox / "_dryrun" if self.dry_run else self.settings.outbox
        return base / self.day

    def channel_name(self, channel_id: str) -> str:
        ch = self.channels.get(channel_id)
        return ch.name if ch else channel_id

    def courier(self, courier_id: str) -> Courier:
        if courier_id not in self.couriers:
            raise ChulgoError(f'"{courier_id}" 택배사 템플릿이 없습니다. {", ".join(sorted(self.couriers))} 중 하나를 쓰세요.')
        return self.couriers[courier_id]

    def mapping(self) -> MappingBook:
        """The mapping workbook as it is now (read fresh: the seller may have typed SKUs since the last step)."""
        aliases = {cid: cid for cid in CHANNEL_IDS} | {cid: cid for cid in self.channels}
        aliases |= {ch.name: cid for cid, ch in self.channels.items()}
        return load_mapping(self.settings.mapping_path, aliases)

    # -- inbox -------------------------------------------------------------------------------------------

    def inbox_files(self) -> list[InboxFile]:
        """Every file in inbox/, read and identified by content (each read once per process)."""
        inbox = self.settings.inbox
        inbox.mkdir(parents=True, exist_ok=True)
        passwords = {cid: self.settings.password(cid) for cid in self.channels}
        files = []
        for path in sorted(inbox.iterdir(), key=lambda p: (p.stat().st_mtime, p.name)):
            if (not path.is_file() or path.name.startswith(("~$", ".")) or path.suffix.lower() in PARTIAL_DOWNLOADS
                    or path.name.lower() in SYSTEM_FILES):
                continue
            if path not in self._scanned:
                self._scanned[path] = self._identify(path, passwords)
            files.append(self._scanned[path])
        return files

    def _identify(self, path: Path, passwords: dict[str, str]) -> InboxFile:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        try:
            tables = read_tables(path, passwords, data)
        except InputFileError as e:
            return InboxFile(path, sha, [], str(e))
        found = []
        for table in tables:
            claims = [("orders", ch, hr) for ch in self.channels.values() if (hr := ch.identify(table)) >= 0]
            claims += [("tracking", co, hr) for co in self.couriers.values() if (hr := co.identify_tracking(table)) >= 0]
            if len(claims) > 1:
                names = ", ".join(f"{a.name}({'주문' if k == 'orders' else '택배 결과'})" for k, a, _ in claims)
                return InboxFile(path, sha, [], f"{path.name}: 두 형식이 같은 파일을 자기 것이라 합니다: {names}. "
                                                "templates/ 의 [identify] headers 를 더 구체적으로 고치세요.")
            if claims:
                kind, adapter, hr = claims[0]
                found.append((kind, adapter, RawTable(table.file, table.sheet, table.rows, hr)))
        return InboxFile(path, sha, found)

    def report_unusable(self, files: list[InboxFile]) -> None:
        """Name, once per run, each inbox file that cannot be read (exit 1) or that nobody recognises (it stays)."""
        for f in files:
            if f.path in self._reported or (f.tables and not f.error):
                continue
            self._reported.add(f.path)
            if f.error:
                self.report.problem(Problem("unreadable", f.error, f.path.name), fatal=True)
            else:
                self.report.waiting.append(f"{f.path.name}: 어떤 채널·택배사 파일인지 알 수 없어 inbox에 그대로 둡니다. "
                                           "주문 엑셀이 맞다면 채널에서 전체 항목으로 다시 내려받으세요.")

    def archive(self, path: Path) -> None:
        """Move a fully read input to archive/YYYY-MM-DD/ (never deleted; a dry run leaves it)."""
        if self.dry_run:
            return
        target_dir = self.settings.archive / self.day
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / path.name
        n = 2
        while target.exists():
            target = target_dir / f"{path.stem} ({n}){path.suffix}"
            n += 1
        try:
            os.replace(path, target)
        except OSError:   # open in Excel (Windows) or another drive: the ledger knows it was read; next run moves it
            self.report.waiting.append(f"{path.name}: 다 읽었지만 열려 있어 보관함으로 옮기지 못했습니다 — 닫으면 다음 실행 때 "
                                       "옮깁니다 (다시 읽지는 않습니다).")
            return
        self._scanned.pop(path, None)
