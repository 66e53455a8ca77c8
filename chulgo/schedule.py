"""Windows Task Scheduler tasks for [schedule]: one task per slot, each running `daily` — pure functions only
(no Windows needed): the task XML, the schtasks command lines, and whether a day is a run day.

Why Task Scheduler and not a resident Python loop: after sleep a loop runs every missed slot at once and forgets
which slot it was; a task with StartWhenAvailable runs a missed slot once when the PC wakes, and knows its slot.

Why the action is ``uvw.exe run …``: a scheduled console program (uv.exe, python.exe) opens a console window on the
seller's desktop for the whole run, which steals the focus and invites closing it mid-run. ``uvw.exe`` (shipped next
to uv.exe since uv 0.6) is uv started without a console window; the python.exe it starts inherits that invisible
console, so nothing appears, and nothing ever waits for a key. ``uv run`` also keeps the environment in step with
uv.lock after an update, which a fixed ``.venv\\Scripts\\pythonw.exe`` would not (that is the fallback when uvw.exe
cannot be found). The task's own <Hidden> setting only hides the task from the Task Scheduler window, so it stays
false: the seller should be able to find the tasks there.

Holidays: Task Scheduler cannot skip public holidays, so the run itself checks ``is_run_day`` and ends early.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePath, PureWindowsPath
from xml.sax.saxutils import escape

from chulgo.deadlines import korean_holidays
from chulgo.settings import WEEKDAY_NAMES, Settings

TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
TASK_ROOT = "chulgo"                 # the folder in 작업 스케줄러 라이브러리
SLOT_OPTION = "--slot"               # `daily --slot 09:00`: a scheduled run (ends early on a day off)
DAY_ELEMENTS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# -- run days ------------------------------------------------------------------------------------------------

def day_off_reason(settings: Settings, day: date) -> str:
    """Why a scheduled run does nothing on ``day`` (Korean, e.g. "설날 대체 휴일"), or '' on a run day."""
    weekday = WEEKDAY_NAMES[day.weekday()]
    if weekday not in settings.schedule.days:
        return f"{weekday}요일은 예약 요일([schedule] days)이 아님"
    if settings.schedule.holidays:
        name = korean_holidays(day.year).get(day)
        if name:
            return f"공휴일({name})"
        if day.isoformat() in settings.extra_holidays:
            return "쉬는 날([calendar] extra_holidays)"
    return ""


def is_run_day(settings: Settings, day: date) -> bool:
    """A scheduled `daily` runs on ``day``: its weekday is in [schedule] days and, with [schedule] holidays = true,
    it is no Korean public holiday (substitute and lunar ones included) and not in [calendar] extra_holidays."""
    return not day_off_reason(settings, day)


def day_off_message(settings: Settings, day: date, slot: str = "") -> str:
    """The line a scheduled run prints when it skips ``day`` ('' on a run day)."""
    reason = day_off_reason(settings, day)
    if not reason:
        return ""
    at = f" {slot}" if slot else ""
    return (f"{day.isoformat()}{at} 예약 실행을 건너뜁니다: {reason}. 오늘 일을 하려면 chulgo.bat을 두 번 누르거나 "
            "'uv run run.py daily'를 실행하세요.")


# -- tasks ---------------------------------------------------------------------------------------------------

def _folder_name(workspace: PurePath) -> str:
    name = workspace.name or str(workspace).strip("\\/:") or "workspace"
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name)


def task_folder(settings: Settings) -> str:
    """``chulgo\\<workspace folder name>``: one folder per workspace under 작업 스케줄러 라이브러리\\chulgo."""
    workspace = settings.workspace
    return f"{TASK_ROOT}\\{_folder_name(workspace if isinstance(workspace, PurePath) else PurePath(workspace))}"


def task_name(settings: Settings, slot: str) -> str:
    """``chulgo\\출고\\daily 09-00`` (':' cannot be part of a task name)."""
    return f"{task_folder(settings)}\\daily {slot.replace(':', '-')}"


def task_names(settings: Settings) -> list[str]:
    return [task_name(settings, slot) for slot in settings.schedule.slots]


def daily_command(runner: list[str], repo: PurePath, workspace: PurePath, slot: str) -> list[str]:
    """The program and arguments a slot's task runs. ``runner`` is ``[uvw.exe]`` (then ``run --project repo``
    follows) or a Python interpreter such as ``[…\\pythonw.exe]``."""
    script = [str(repo / "run.py"), "--workspace", str(workspace), "daily", SLOT_OPTION, slot]
    program = PureWindowsPath(runner[0]).name.lower()      # "/" and "\\" both split
    if program in ("uvw.exe", "uvw", "uv.exe", "uv"):
        return [*runner, "run", "--project", str(repo), *script]
    return [*runner, *script]


def _x(text: str) -> str:
    return escape(text)        # element text only: & < >


def task_xml(settings: Settings, slot: str, command: list[str], workdir: PurePath, *, today: date | None = None,
             user: str = "") -> str:
    """The Task Scheduler XML of the task that runs ``command`` at ``slot`` on the [schedule] days, starting
    ``today``. Write it UTF-16 (with BOM) for ``schtasks /Create /XML``. ``user`` (DOMAIN\\name) is who it runs
    as; without it schtasks takes the user who registers it. No password is stored (InteractiveToken: it runs
    only while that user is logged on, on their desktop)."""
    today = today or date.today()
    hour, minute = (int(p) for p in slot.split(":"))
    start = datetime(today.year, today.month, today.day, hour, minute).isoformat()
    days = "".join(f"<{DAY_ELEMENTS[WEEKDAY_NAMES.index(d)]} />"
                   for d in sorted(settings.schedule.days, key=WEEKDAY_NAMES.index))
    description = (f"chulgo(출고) {slot} 예약 실행: 작업 폴더 {workdir} 의 daily (수집 → 출고 → 운송장 → 송장 업로드 파일 → "
                   "현황). " + ("공휴일·쉬는 날에는 실행되어도 바로 끝납니다. " if settings.schedule.holidays else "")
                   + "'uv run run.py schedule remove'로 지웁니다.")
    user_id = f"\n      <UserId>{_x(user)}</UserId>" if user else ""
    arguments = subprocess.list2cmdline(command[1:])
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="{TASK_NAMESPACE}">
  <RegistrationInfo>
    <Date>{today.isoformat()}T00:00:00</Date>
    <Author>chulgo</Author>
    <Description>{_x(description)}</Description>
    <URI>\\{_x(task_name(settings, slot))}</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>{start}</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByWeek>
        <DaysOfWeek>{days}</DaysOfWeek>
        <WeeksInterval>1</WeeksInterval>
      </ScheduleByWeek>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">{user_id}
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings>
      <StopOnIdleEnd>false</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <RunOnlyIfIdle>false</RunOnlyIfIdle>
    <WakeToRun>false</WakeToRun>
    <ExecutionTimeLimit>PT{settings.schedule.time_limit_minutes}M</ExecutionTimeLimit>
    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{_x(command[0])}</Command>
      <Arguments>{_x(arguments)}</Arguments>
      <WorkingDirectory>{_x(str(workdir))}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""


def registered_in_folder(settings: Settings, query_csv: str) -> list[str]:
    """The task names under this workspace's folder in ``schtasks /Query /FO CSV /NH`` output."""
    prefix = f"\\{task_folder(settings)}\\".lower()
    found = []
    for line in query_csv.splitlines():
        name = line.split('","')[0].strip().strip('"')
        if name.lower().startswith(prefix) and name[1:] not in found:
            found.append(name[1:])
    return found


def schtasks_commands(settings: Settings, action: str, xml_files: dict[str, PurePath] | None = None,
                      registered: Iterable[str] = ()) -> list[list[str]]:
    """The schtasks command lines of ``action``:

    - install: ``/Create /TN name /XML file /F`` per slot (``xml_files``: task name -> its XML file), then
      ``/Delete`` for tasks of this workspace still ``registered`` for slots no longer in settings.toml;
    - remove: ``/Delete /TN name /F`` for every slot's task and every ``registered`` one of this workspace;
    - show: ``/Query /TN name /FO LIST /V`` for the same tasks.
    """
    names = task_names(settings)
    own = [r for r in registered if r.lower().startswith(task_folder(settings).lower() + "\\")]
    if action == "install":
        files = xml_files or {}
        create = [["schtasks", "/Create", "/TN", n, "/XML", str(files.get(n, f"{n.rsplit(chr(92), 1)[-1]}.xml")),
                   "/F"] for n in names]
        stale = [n for n in own if n.lower() not in {m.lower() for m in names}]
        return create + [["schtasks", "/Delete", "/TN", n, "/F"] for n in stale]
    every = names + [n for n in own if n.lower() not in {m.lower() for m in names}]
    if action == "remove":
        return [["schtasks", "/Delete", "/TN", n, "/F"] for n in every]
    if action == "show":
        return [["schtasks", "/Query", "/TN", n, "/FO", "LIST", "/V"] for n in every]
    raise ValueError(f"unknown schtasks action {action!r}")
