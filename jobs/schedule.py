"""schedule: register [schedule] slots as Windows Task Scheduler tasks that run `daily` (install), show them (show),
remove them (remove), or print their task XML (xml, on any OS). See chulgo/schedule.py for what the tasks carry."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from chulgo.model import ChulgoError
from chulgo.schedule import (daily_command, registered_in_folder, schtasks_commands, task_folder, task_name,
                             task_xml)
from chulgo.settings import WEEKDAY_NAMES, Settings
from jobs.context import Context

ACTIONS = ("install", "remove", "show", "xml")
REPO = Path(__file__).resolve().parent.parent          # where run.py and pyproject.toml live


def schedule(ctx: Context, action: str) -> None:
    if action not in ACTIONS:
        raise ChulgoError(f"'schedule {action}'은(는) 없는 동작입니다. install(등록), remove(삭제), show(보기), xml 중 하나를 "
                          "쓰세요.")
    settings, report = ctx.settings, ctx.report
    windows = os.name == "nt"
    if action == "xml":
        runner, _ = find_runner(REPO, strict=False)
        for slot in settings.schedule.slots:
            print(_xml(ctx, slot, runner))
        report.done.append(f"작업 {len(settings.schedule.slots)}개의 XML입니다 ({_when(settings)}). 등록은 Windows에서 "
                           "'uv run run.py schedule install' (또는 설치.bat).")
        return
    if not windows:
        for cmd in schtasks_commands(settings, action):
            report.waiting.append(f"Windows라면 실행할 명령: {subprocess.list2cmdline(cmd)}")
        raise ChulgoError(f"'schedule {action}'은 Windows의 작업 스케줄러에서만 됩니다 — 이 컴퓨터({os.name})에서는 아무것도 "
                          "바꾸지 않았습니다. 위 명령이 Windows에서 실행될 내용이고, 'uv run run.py schedule xml'로 등록될 작업 "
                          "XML을 볼 수 있습니다.")
    registered = _registered(settings)
    if action == "install":
        _install(ctx, registered)
    elif action == "remove":
        _remove(ctx, registered)
    else:
        _show(ctx, registered)


def find_runner(repo: Path, strict: bool = True) -> tuple[list[str], str]:
    """The program a task starts, and a note for the seller when it is the fallback.

    uvw.exe (uv without a console window) next to uv.exe or in the official installer's folder; else the
    project's .venv pythonw.exe (no console either, but not re-synced after an update)."""
    if os.name == "nt":
        candidates = [Path(found).with_name("uvw.exe") for exe in ("uvw", "uv") if (found := shutil.which(exe))]
        candidates.append(Path.home() / ".local" / "bin" / "uvw.exe")
        for path in candidates:
            if path.is_file():
                return [str(path)], ""
        pythonw = repo / ".venv" / "Scripts" / "pythonw.exe"
        if pythonw.is_file():
            return [str(pythonw)], ("uvw.exe(창 없이 도는 uv)를 찾지 못해 .venv의 pythonw.exe로 등록했습니다. 프로그램을 새 버전으로 "
                                    "바꾼 뒤에는 설치.bat을 다시 실행하세요.")
        if strict:
            raise ChulgoError("uv를 찾을 수 없습니다. 설치.bat을 두 번 눌러 uv를 설치한 뒤 다시 등록하세요.")
    return ["uvw.exe"], ""


def _xml(ctx: Context, slot: str, runner: list[str], user: str = "") -> str:
    """A slot already past today starts tomorrow: a start boundary in the past would count as a missed start, and
    StartWhenAvailable would run it right after registering."""
    first = ctx.today if ctx.now().strftime("%H:%M") < slot else ctx.today + timedelta(days=1)
    command = daily_command(runner, REPO, ctx.workspace, slot)
    return task_xml(ctx.settings, slot, command, ctx.workspace, today=first, user=user)


def _when(settings: Settings) -> str:
    days = "·".join(d for d in WEEKDAY_NAMES if d in settings.schedule.days)
    holidays = ", 공휴일 쉼" if settings.schedule.holidays else ""
    return f"{days} {', '.join(settings.schedule.slots)}{holidays}"


def _decode(data: bytes) -> str:
    """schtasks writes in the console's code page (cp949 on Korean Windows, UTF-8 after chcp 65001)."""
    for encoding in ("utf-8", "oem", "mbcs"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp949", errors="replace")


def _schtasks(cmd: list[str]) -> tuple[int, str]:
    done = subprocess.run(cmd, capture_output=True, check=False, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    return done.returncode, (_decode(done.stdout) + _decode(done.stderr)).strip()


def _registered(settings: Settings) -> list[str]:
    """This workspace's tasks registered now (also those of slots since removed from settings.toml)."""
    code, out = _schtasks(["schtasks", "/Query", "/FO", "CSV", "/NH"])
    return registered_in_folder(settings, out) if code == 0 else []


def _install(ctx: Context, registered: list[str]) -> None:
    settings, report = ctx.settings, ctx.report
    runner, note = find_runner(REPO)
    domain, name = os.environ.get("USERDOMAIN", ""), os.environ.get("USERNAME", "")
    user = f"{domain}\\{name}" if domain and name else name
    with tempfile.TemporaryDirectory(prefix="chulgo-schedule-") as tmp:
        files = {}
        for slot in settings.schedule.slots:
            path = Path(tmp) / f"daily {slot.replace(':', '-')}.xml"
            path.write_text(_xml(ctx, slot, runner, user), encoding="utf-16")    # schtasks reads UTF-16 with BOM
            files[task_name(settings, slot)] = path
        for cmd in schtasks_commands(settings, "install", files, registered):
            code, out = _schtasks(cmd)
            if code != 0 and cmd[1] == "/Create":
                raise ChulgoError(f"작업 스케줄러에 '{cmd[3]}'을(를) 등록하지 못했습니다: {out or f'schtasks 종료 코드 {code}'}. "
                                  "회사 PC라 막혀 있다면 관리자에게 '작업 스케줄러 작업 만들기' 권한을 물어보세요.")
            if cmd[1] == "/Delete" and code == 0:
                report.done.append(f"settings.toml에서 빠진 시각의 작업을 지웠습니다: {cmd[3]}")
    report.done.append(f"작업 스케줄러에 등록했습니다 ({_when(settings)}): 작업 스케줄러 라이브러리 → {task_folder(settings)}")
    report.done.append("PC가 꺼져 있거나 잠자던 시각의 실행은 켜진 뒤 한 번 돌고, 이미 돌고 있으면 겹쳐 돌지 않습니다.")
    if note:
        report.waiting.append(note)


def _remove(ctx: Context, registered: list[str]) -> None:
    settings, report = ctx.settings, ctx.report
    removed = []
    for cmd in schtasks_commands(settings, "remove", registered=registered):
        code, out = _schtasks(cmd)
        if code == 0:
            removed.append(cmd[3])
        elif cmd[3] in registered:
            raise ChulgoError(f"작업 '{cmd[3]}'을(를) 지우지 못했습니다: {out}. 작업 스케줄러 창을 닫고 다시 실행하세요.")
    if removed:
        report.done.append(f"작업 스케줄러에서 지웠습니다: {', '.join(removed)}")
    else:
        report.done.append(f"지울 작업이 없습니다 ({task_folder(settings)} 에 등록된 작업 없음).")


def _show(ctx: Context, registered: list[str]) -> None:
    settings, report = ctx.settings, ctx.report
    shown = 0
    for cmd in schtasks_commands(settings, "show", registered=registered):
        code, out = _schtasks(cmd)
        if code == 0:
            print(out + "\n")
            shown += 1
        else:
            report.waiting.append(f"{cmd[3]}: 등록되어 있지 않습니다 — 'uv run run.py schedule install'로 등록합니다.")
    if shown:
        report.done.append(f"등록된 작업 {shown}개 (settings.toml: {_when(settings)}). 작업 스케줄러 라이브러리 → "
                           f"{task_folder(settings)} 에서도 볼 수 있습니다.")
