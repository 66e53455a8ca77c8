"""What every job gets: the workspace's settings, ledger, adapters, the day's outbox, and the run report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chulgo.api import ChannelApi
from chulgo.archive import archive_file, remove_stale_temp_files
from chulgo.channels import Channel, load_channels
from chulgo.channels.template import courier_names
from chulgo.couriers import Courier, load_couriers
from chulgo.downloads import pick_up, template_recogniser
from chulgo.identify import Formats, InputFile
from chulgo.inbox import Inbox
from chulgo.ledger import Ledger
from chulgo.mapping import MappingBook, XlsxMappingStore
from chulgo.model import ChulgoError, Problem
from chulgo.outputs import publish, recover, stage, staging_dir
from chulgo.readiness import ShipRules
from chulgo.settings import CHANNEL_IDS, Settings, load_settings
from chulgo.suppliers import SupplierTemplate, load_suppliers

if TYPE_CHECKING:                 # imported when used: a workspace without APIs or [sheets] never loads them
    from chulgo.api.accounts import Transport
    from chulgo.gsheet import SheetsMappingStore




@dataclass
class Report:
    """What a run did, in Korean, for the seller: done, outputs, waiting, problems."""

    done: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, p: Problem) -> None:
        if p not in self.problems:
            self.problems.append(p)

    @property
    def failed(self) -> bool:
        """Exit code 1: something needs the seller's fix or check (a problem); waiting orders alone are exit 0."""
        return bool(self.problems)

    def text(self, workspace: Path) -> str:
        out = []
        out += [f"✔ {d}" for d in dict.fromkeys(self.done)]
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
class Context:
    workspace: Path
    dry_run: bool = False
    today: date = field(default_factory=date.today)
    report: Report = field(default_factory=Report)
    at: datetime | None = None        # the run's moment when injected (CHULGO_NOW); today follows it
    ship_now: bool = False            # `ship --now`: the cut-off does not hold today's late orders back
    api_transport: Transport | None = None   # tests and `demo --api`: base URL -> transport to a fake channel API
    sheets_client: Callable[[], Any] | None = None   # tests: a gspread.Client on a fake Sheets session
    _final_names: set[str] = field(default_factory=set, init=False, repr=False)   # the day's outbox names this run

    def __post_init__(self) -> None:
        self._started = datetime.now()     # before any now(): an injected moment never runs backwards
        if self.at is not None:
            self.today = self.at.date()

    def now(self) -> datetime:
        """The run's clock: the injected moment (advancing with real time), or now on the business day."""
        if self.at is not None:
            return self.at + (datetime.now() - self._started)
        real = datetime.now()
        return real if self.today == real.date() else datetime.combine(self.today, real.time())

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.workspace)

    @cached_property
    def ledger(self) -> Ledger:
        """The ledger; a dry run works on an in-memory copy so nothing on disk changes."""
        if self.dry_run:
            ledger = Ledger.snapshot(self.settings.ledger_path)
        else:
            ledger = Ledger(self.settings.ledger_path, parcel_code=self.settings.parcel_code)
        if self.settings.parcel_code and ledger.parcel_code != self.settings.parcel_code:
            ledger.set_parcel_code(self.settings.parcel_code)
        ledger.clock = self.now
        return ledger

    @cached_property
    def channels(self) -> dict[str, Channel]:
        return load_channels(self.workspace)

    @cached_property
    def couriers(self) -> dict[str, Courier]:
        return load_couriers(self.workspace, {self.settings.courier: self.settings.courier_layout})

    @cached_property
    def suppliers(self) -> list[SupplierTemplate]:
        """The 발주서 templates (the default one, and any a supplier has of its own)."""
        digits_of = {cid: getattr(c, "tracking_digits", []) for cid, c in self.couriers.items()}
        return load_suppliers(self.workspace, courier_names(self.workspace), digits_of)

    def check_templates(self) -> None:
        """Load every channel, courier and 발주서 template, which checks them: a wrong one stops the run before it
        reads or writes anything, not at the step that first uses it (an upload value after tracking)."""
        self.channels, self.couriers, self.suppliers

    @cached_property
    def api_accounts(self) -> list[ChannelApi]:
        """The channel API accounts settings.toml turns on; one without its secret is named once and skipped."""
        if not self.settings.apis:
            return []
        from chulgo.api.accounts import connect     # httpx, keyring, bcrypt: only for a workspace that uses APIs
        accounts, notes = connect(self.settings, self.api_transport)
        for note in notes:
            self.report.problem(Problem("api_secret", note))
        return accounts

    def courier_codes(self, channel: str) -> dict[str, str]:
        """{courier id: the code the channel's API takes} from templates/courier-names.toml (`<channel>_api`)."""
        return {cid: names[f"{channel}_api"] for cid, names in courier_names(self.workspace).items()
                if names.get(f"{channel}_api")}

    def ship_rules(self) -> ShipRules:
        """What decides whether a line ships now (chulgo/readiness.py), as of this moment of the run."""
        s = self.settings
        return ShipRules(self.channels, self.today, self.now(), s.cutoff, self.days_off, s.min_age_minutes,
                         s.partial_bundles, self.ship_now, s.gift_days)

    @property
    def days_off(self) -> frozenset[str]:
        """The seller's own days off and 택배 없는 날, besides the public holidays."""
        return frozenset(self.settings.extra_holidays) | frozenset(self.settings.courier_off_days)

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

    # -- outputs: staged in data/, in outbox/ only once the ledger committed them ---------------------------

    def staging(self, run_id: int) -> Path:
        """Where a step writes the files its ledger transaction describes (a dry run: straight to outbox/_dryrun)."""
        return self.out_dir if self.dry_run else staging_dir(self.settings.data, run_id)

    def staging_for(self, run_id: int, part: str) -> Path:
        """A staging folder of its own for one writer of a step (two channels may name their uploads alike)."""
        if self.dry_run:
            return self.out_dir
        path = self.staging(run_id) / part
        path.mkdir(parents=True, exist_ok=True)
        return path

    def stage_outputs(self, run_id: int, files: list[Path], suffix: str = "") -> list[Path]:
        """Inside the step's transaction: these files go to the day's outbox once it commits. A name another file
        of this run already takes gets ``suffix`` (`…_cafe24.xlsx`). Returns the names they will have."""
        if self.dry_run:
            self.report.outputs += files
            return files
        finals = []
        for f in files:
            final = self.out_dir / f.name
            if final.name in self._final_names and suffix:
                final = final.with_name(f"{final.stem}_{suffix}{final.suffix}")
            self._final_names.add(final.name)
            finals.append(final)
        stage(self.ledger, self.workspace, run_id, list(zip(files, finals)))
        return finals

    def publish_outputs(self) -> None:
        """After the commit: move the staged files to outbox/ under their final names."""
        if not self.dry_run:
            done, later = publish(self.ledger, self.workspace, self.settings.data)
            self.report.outputs += done
            self.report.waiting += later

    def recover(self) -> None:
        """Before a step: finish a killed run's committed outputs, discard its uncommitted ones, sweep temp files."""
        result = recover(self.ledger, self.workspace, self.settings.data)
        remove_stale_temp_files(self.settings.outbox)
        remove_stale_temp_files(self.settings.mapping_path.parent)     # 백업/ included
        if result.published:
            self.report.outputs += result.published
            self.report.done.append(f"지난 실행이 끝나기 직전에 멈춰, 장부에 기록된 파일 {len(result.published)}개를 outbox로 마저 "
                                    "옮겼습니다.")
        self.report.waiting += result.later
        if result.discarded:
            self.report.done.append(f"지난 실행이 장부에 기록하기 전에 멈춰, 그때 만들던 파일 {len(result.discarded)}개를 "
                                    "지웠습니다 (그 출고·업로드는 이번에 새로 만듭니다).")

    def pick_up_downloads(self) -> None:
        """Move files the templates recognise from [inbox] watch folders (Downloads) into inbox/ (never in a dry run)."""
        if self.dry_run or not self.settings.watch:
            return
        inbox = self.inbox
        got = pick_up(self.settings.watch, self.settings.inbox,
                      template_recogniser(Formats(list(self.channels.values()), list(self.couriers.values())),
                                          inbox.passwords, inbox.from_env, keep=inbox.picked_up))
        if got.moved:
            self.report.done.append(got.summary())
        self.report.waiting.extend(got.notes)

    def channel_name(self, channel_id: str) -> str:
        ch = self.channels.get(channel_id)
        return ch.name if ch else channel_id

    def courier_name(self, courier_id: str) -> str:
        courier = self.couriers.get(courier_id)
        return courier.name if courier else courier_id

    def courier(self, courier_id: str) -> Courier:
        if courier_id not in self.couriers:
            raise ChulgoError(f'"{courier_id}" 택배사 템플릿이 없습니다. {", ".join(sorted(self.couriers))} 중 하나를 쓰세요.')
        return self.couriers[courier_id]

    @cached_property
    def mapping_store(self) -> XlsxMappingStore | SheetsMappingStore:
        """Where the mapping lives: mappings/상품매핑.xlsx, or the shared Google Sheet of [sheets]."""
        s = self.settings
        if s.sheets is None:
            return XlsxMappingStore(s.mapping_path)
        from chulgo.gsheet import GoogleSheet, SheetsMappingStore, service_account    # gspread: only with [sheets]
        sheet = GoogleSheet(s.sheets.spreadsheet, self.sheets_client or service_account(s.sheets.credentials))
        return SheetsMappingStore(sheet, s.data / "sheets-mapping.json", s.mapping_path)

    def mapping(self) -> MappingBook:
        """The mapping as it is now (read fresh: the seller may have typed SKUs since the last step)."""
        aliases = {cid: cid for cid in CHANNEL_IDS} | {cid: cid for cid in self.channels}
        aliases |= {ch.name: cid for cid, ch in self.channels.items()}
        book = self.mapping_store.load(aliases, create=not self.dry_run)
        if self.mapping_store.failure:
            self.report.problem(Problem("sheets_failed", self.mapping_store.failure))
        return book

    # -- inbox -------------------------------------------------------------------------------------------

    @cached_property
    def formats(self) -> Formats:
        """Every format an input file may be: channel exports and claim lists, courier and supplier results."""
        return Formats(list(self.channels.values()), list(self.couriers.values()), self.suppliers)

    @cached_property
    def inbox(self) -> Inbox:
        """inbox/ as this process reads it (each file identified once)."""
        passwords = {cid: self.settings.password(cid) for cid in self.channels}
        from_env = {cid for cid in self.channels if self.settings.password_source(cid) == "env"}
        return Inbox(self.settings.inbox, lambda: self.formats, passwords, from_env)

    def report_unusable(self, files: list[InputFile]) -> None:
        """Name, once per run, each inbox file that cannot be read (exit 1) or that nobody recognises (it stays)."""
        for f in self.inbox.unusable(files):
            if f.error:
                self.report.problem(Problem("unreadable", f.error.removeprefix(f"{f.name}: "), f.name))
            else:
                self.report.waiting.append(f"{f.name}: 어떤 채널·택배사 파일인지 알 수 없어 inbox에 그대로 둡니다. "
                                           "주문 엑셀이 맞다면 채널에서 전체 항목으로 다시 내려받으세요.")

    def archive(self, path: Path) -> None:
        """Move a fully read input to archive/YYYY-MM-DD/ (never deleted; a dry run leaves it)."""
        if self.dry_run:
            return
        moved, reason = archive_file(path, self.settings.archive / self.day)
        if reason:      # open in Excel, disk full …: the ledger knows it was read; the next run moves it
            self.report.waiting.append(reason)
            return
        self.inbox.forget(path)
