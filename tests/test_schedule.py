"""Windows Task Scheduler tasks from [schedule]: golden XML, the elements that make an unattended run safe, run days
across 설날, and what `schedule` does off Windows.

Golden files live in tests/golden/schedule*.xml. Regenerate them on purpose only:
CHULGO_REGEN_GOLDEN=1 uv run pytest tests/test_schedule.py
"""

from __future__ import annotations

import dataclasses
import os
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path, PureWindowsPath

import pytest

import run
from chulgo.model import ChulgoError
from chulgo.schedule import (daily_command, day_off_message, is_run_day, registered_in_folder, schtasks_commands,
                             task_name, task_xml)
from chulgo.settings import DEFAULT_SETTINGS, Schedule, load_settings
from jobs.context import Context
from jobs.schedule import schedule

GOLDEN = Path(__file__).parent / "golden"
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
REPO = PureWindowsPath(r"C:\Users\하루\chulgo")
TODAY = date(2027, 2, 5)

EXAMPLES = {
    # the default: weekdays 09:00 and 13:00, holidays off, found uvw.exe, registered by the logged-on user
    "schedule.default": (DEFAULT_SETTINGS, PureWindowsPath(r"C:\Users\하루\출고"),
                         [r"C:\Users\하루\.local\bin\uvw.exe"], "DESKTOP-7\\하루"),
    # three slots, Mon/Wed/Fri/Sat, 30 minutes, no holiday skipping, the pythonw fallback, a space in the path
    "schedule.three-slots": (DEFAULT_SETTINGS + '\n[schedule]\nslots = ["08:30", "12:00", "16:30"]\n'
                             'days = ["월", "수", "금", "토"]\nholidays = false\ntime_limit_minutes = 30\n',
                             PureWindowsPath(r"D:\쇼핑몰 출고"),
                             [r"C:\Users\하루\chulgo\.venv\Scripts\pythonw.exe"], ""),
}


def _settings(tmp_path: Path, text: str, workspace=None):
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "settings.toml").write_text(text, encoding="utf-8")
    settings = load_settings(ws)
    return dataclasses.replace(settings, workspace=workspace) if workspace is not None else settings


def _example(tmp_path: Path, name: str) -> tuple[object, list[str]]:
    text, workspace, runner, user = EXAMPLES[name]
    settings = _settings(tmp_path, text, workspace)
    docs = [task_xml(settings, slot, daily_command(runner, REPO, workspace, slot), workspace, today=TODAY, user=user)
            for slot in settings.schedule.slots]
    return settings, docs


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CHULGO_REGEN_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} missing: run with CHULGO_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def _parse(doc: str) -> ET.Element:
    """As schtasks reads it: the file written in UTF-16 with a BOM."""
    data = doc.encode("utf-16")
    assert data[:2] == b"\xff\xfe"
    return ET.fromstring(data)


def _text(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None, f"{path} missing"
    return found.text or ""


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_task_xml_matches_the_golden_file(tmp_path, name):
    settings, docs = _example(tmp_path, name)
    for slot, doc in zip(settings.schedule.slots, docs):
        _golden(f"{name}.{slot.replace(':', '')}.xml", doc)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_task_xml_carries_what_an_unattended_run_needs(tmp_path, name):
    settings, docs = _example(tmp_path, name)
    workspace = EXAMPLES[name][1]
    day_elements = {"월": "Monday", "화": "Tuesday", "수": "Wednesday", "목": "Thursday", "금": "Friday",
                    "토": "Saturday", "일": "Sunday"}
    assert len(docs) == len(settings.schedule.slots)
    for slot, doc in zip(settings.schedule.slots, docs):
        root = _parse(doc)
        assert root.tag == f"{{{NS['t']}}}Task"
        triggers = root.findall("t:Triggers/t:CalendarTrigger", NS)
        assert len(triggers) == 1
        assert _text(triggers[0], "t:StartBoundary") == f"{TODAY.isoformat()}T{slot}:00"
        days = {el.tag.split("}")[1] for el in triggers[0].find("t:ScheduleByWeek/t:DaysOfWeek", NS)}
        assert days == {day_elements[d] for d in settings.schedule.days}
        assert _text(triggers[0], "t:ScheduleByWeek/t:WeeksInterval") == "1"
        assert _text(root, "t:Principals/t:Principal/t:LogonType") == "InteractiveToken"
        assert root.find(".//t:Password", NS) is None
        assert _text(root, "t:Settings/t:StartWhenAvailable") == "true"
        assert _text(root, "t:Settings/t:MultipleInstancesPolicy") == "IgnoreNew"
        assert _text(root, "t:Settings/t:ExecutionTimeLimit") == f"PT{settings.schedule.time_limit_minutes}M"
        assert _text(root, "t:Settings/t:DisallowStartIfOnBatteries") == "false"
        assert _text(root, "t:Settings/t:StopIfGoingOnBatteries") == "false"
        assert _text(root, "t:Actions/t:Exec/t:WorkingDirectory") == str(workspace)
        command = _text(root, "t:Actions/t:Exec/t:Command")
        assert PureWindowsPath(command).name in ("uvw.exe", "pythonw.exe")      # never a console window
        arguments = _text(root, "t:Actions/t:Exec/t:Arguments")
        assert f'--workspace "{workspace}"' in arguments or f"--workspace {workspace}" in arguments
        assert arguments.endswith(f"daily --slot {slot}")
        assert _text(root, "t:RegistrationInfo/t:URI") == "\\" + task_name(settings, slot)


def test_task_names_live_in_a_chulgo_folder_per_workspace(tmp_path):
    settings, _ = _example(tmp_path, "schedule.default")
    assert task_name(settings, "09:00") == "chulgo\\출고\\daily 09-00"
    assert daily_command(["C:\\uv\\uvw.exe"], REPO, PureWindowsPath("C:\\출고"), "13:00")[:4] == [
        "C:\\uv\\uvw.exe", "run", "--project", str(REPO)]


def test_schtasks_commands_install_remove_show(tmp_path):
    settings, _ = _example(tmp_path, "schedule.default")
    files = {task_name(settings, s): PureWindowsPath(f"C:\\Temp\\{s.replace(':', '-')}.xml")
             for s in settings.schedule.slots}
    stale = "chulgo\\출고\\daily 17-00"           # a slot removed from settings.toml since the last install
    other = "chulgo\\다른폴더\\daily 09-00"        # another workspace's task is never touched
    install = schtasks_commands(settings, "install", files, [stale, other])
    assert install == [
        ["schtasks", "/Create", "/TN", "chulgo\\출고\\daily 09-00", "/XML", "C:\\Temp\\09-00.xml", "/F"],
        ["schtasks", "/Create", "/TN", "chulgo\\출고\\daily 13-00", "/XML", "C:\\Temp\\13-00.xml", "/F"],
        ["schtasks", "/Delete", "/TN", stale, "/F"],
    ]
    assert schtasks_commands(settings, "remove", registered=[stale, other]) == [
        ["schtasks", "/Delete", "/TN", n, "/F"] for n in ("chulgo\\출고\\daily 09-00", "chulgo\\출고\\daily 13-00", stale)]
    assert schtasks_commands(settings, "show")[0] == ["schtasks", "/Query", "/TN", "chulgo\\출고\\daily 09-00", "/FO",
                                                      "LIST", "/V"]


def test_registered_tasks_are_read_from_schtasks_csv(tmp_path):
    settings, _ = _example(tmp_path, "schedule.default")
    csv = ('"\\Microsoft\\Office\\Office Feature Updates","2027-02-05 오전 9:00:00","준비"\r\n'
           '"\\chulgo\\출고\\daily 09-00","2027-02-08 오전 9:00:00","준비"\r\n'
           '"\\chulgo\\출고\\daily 17-00","N/A","사용 안 함"\r\n'
           '"\\chulgo\\출고2\\daily 09-00","N/A","준비"\r\n')
    assert registered_in_folder(settings, csv) == ["chulgo\\출고\\daily 09-00", "chulgo\\출고\\daily 17-00"]


def test_run_days_skip_seollal_weekends_and_extra_holidays(tmp_path):
    settings = _settings(tmp_path, DEFAULT_SETTINGS + '\n[calendar]\nextra_holidays = ["2027-02-12"]\n')
    days = {date(2027, 2, d): is_run_day(settings, date(2027, 2, d)) for d in range(5, 16)}
    assert days == {
        date(2027, 2, 5): True,      # Fri
        date(2027, 2, 6): False,     # Sat, 설날 전날
        date(2027, 2, 7): False,     # Sun, 설날
        date(2027, 2, 8): False,     # Mon, 설날 다음날
        date(2027, 2, 9): False,     # Tue, 설날 대체 휴일
        date(2027, 2, 10): True,
        date(2027, 2, 11): True,
        date(2027, 2, 12): False,    # the seller's own day off
        date(2027, 2, 13): False,    # Sat
        date(2027, 2, 14): False,    # Sun
        date(2027, 2, 15): True,
    }
    assert "설날" in day_off_message(settings, date(2027, 2, 9), "09:00")
    assert "토요일" in day_off_message(settings, date(2027, 2, 13))
    assert day_off_message(settings, date(2027, 2, 10)) == ""


def test_run_days_follow_the_configured_days_and_holidays_switch(tmp_path):
    settings = _settings(tmp_path, DEFAULT_SETTINGS)
    every_day = dataclasses.replace(settings, schedule=Schedule(days=("월", "화", "수", "목", "금", "토", "일"),
                                                                holidays=False))
    assert all(is_run_day(every_day, date(2027, 2, d)) for d in range(5, 16))      # 설날 and weekends included
    saturdays = dataclasses.replace(settings, schedule=Schedule(days=("토",), holidays=True))
    assert not is_run_day(saturdays, date(2027, 2, 6))     # a Saturday, but 설날 전날
    assert is_run_day(saturdays, date(2027, 2, 13))


def test_schedule_xml_prints_every_slots_task(ws, capsys):
    ctx = Context(ws, at=datetime(2027, 2, 5, 10, 30))
    schedule(ctx, "xml")
    out = capsys.readouterr().out
    docs = ["<?xml" + part for part in out.split("<?xml")[1:]]
    assert len(docs) == 2
    # 09:00 has passed at 10:30: it starts tomorrow, or registering would count as a missed start and run it now
    for doc, start in zip(docs, ("2027-02-06T09:00:00", "2027-02-05T13:00:00")):
        root = _parse(doc.strip())
        assert _text(root, "t:Actions/t:Exec/t:WorkingDirectory") == str(ws)
        assert _text(root, "t:Triggers/t:CalendarTrigger/t:StartBoundary") == start
    assert "작업 2개의 XML" in ctx.report.text(ws)
    assert not ctx.report.failed


@pytest.mark.skipif(os.name == "nt", reason="off Windows only")
@pytest.mark.parametrize("action", ["install", "remove", "show"])
def test_schedule_off_windows_explains_and_shows_the_command(ws, action):
    ctx = Context(ws, today=TODAY)
    with pytest.raises(ChulgoError, match="Windows의 작업 스케줄러에서만"):
        schedule(ctx, action)
    shown = ctx.report.text(ws)
    verb = {"install": "/Create", "remove": "/Delete", "show": "/Query"}[action]
    assert f'schtasks {verb} /TN "chulgo\\ws\\daily 09-00"' in shown
    assert f'schtasks {verb} /TN "chulgo\\ws\\daily 13-00"' in shown


def test_an_unknown_action_is_named(ws):
    with pytest.raises(ChulgoError, match="install"):
        schedule(Context(ws), "start")


wired = pytest.mark.skipif("schedule" not in getattr(run, "COMMANDS", {}), reason="run.py has no schedule command yet")


@wired
@pytest.mark.skipif(os.name == "nt", reason="off Windows only")
def test_cli_schedule_install_exits_1_off_windows(ws, cli):
    code, out = cli(ws, "schedule", "install")
    assert code == 1
    assert "Windows의 작업 스케줄러에서만" in out
    assert 'schtasks /Create /TN "chulgo\\ws\\daily 09-00"' in out


@wired
def test_cli_schedule_xml_exits_0(ws, cli):
    code, out = cli(ws, "schedule", "xml")
    assert code == 0
    assert out.count("<CalendarTrigger>") == 2


@pytest.mark.parametrize("name", ["chulgo.bat", "설치.bat"])
def test_batch_files_survive_cmd_exe(name):
    """cmd.exe reads a batch file in the console code page: no BOM (it would break '@echo off'), CRLF line ends
    (goto labels), and nothing but ASCII before 'chcp 65001' switches to UTF-8 for the Korean lines."""
    data = (Path(__file__).parent.parent / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.decode("utf-8").split("\r\n")
    switch = next(i for i, line in enumerate(lines) if line.startswith("chcp 65001"))
    assert all(line.isascii() for line in lines[:switch])
    text = "\n".join(lines)
    assert "uv run run.py" in text
    if name == "설치.bat":
        assert 'powershell -NoProfile -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"' in text
        assert "uv sync" in text and "uv run run.py schedule install" in text and "choice /C YN" in text


@wired
def test_cli_a_scheduled_daily_on_seollal_does_nothing(ws, cli, monkeypatch):
    monkeypatch.setenv("CHULGO_TODAY", "2027-02-08")
    code, out = cli(ws, "daily", "--slot", "09:00")
    assert code == 0
    assert "예약 실행을 건너뜁니다" in out and "설날" in out
    assert not (ws / "outbox").exists()
    assert any((ws / "inbox").iterdir())          # nothing collected
