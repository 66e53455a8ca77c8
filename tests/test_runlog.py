"""chulgo.runlog (one log file per day, no passwords, no phone numbers) and chulgo.notify (never raises)."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, timedelta

import pytest

from chulgo import notify as notify_module
from chulgo.notify import notify, run_message
from chulgo.runlog import (failure_marker, log_path, prune_logs, redact, write_run_log)

STARTED = datetime(2026, 11, 24, 9, 0, 3)
FINISHED = STARTED + timedelta(seconds=72)

REPORT = """✔ 주문 파일 3개에서 42줄을 읽었습니다
✔ 다운로드 폴더에서 2개를 가져왔습니다: 스마트스토어_주문_20261124.xlsx, DeliveryList(2026-11-24).xlsx
만든 파일:
  - outbox/2026-11-24/CJ대한통운_송장요청_20261124_1차.xlsx
… 선물 대기 2줄 (주문 2026112400000042, 송장 K7Q261124-2-0001)
확인할 것 3건:
  ! 스마트스토어_주문.xlsx 5행 '수취인연락처1': 010-1234-567 은(는) 휴대폰 번호가 아닙니다 (예: 010-1234-5678)
  ! 결과 파일 7행: 받는분 010****5678 / 01098765432 / +82 10-2222-3333 이(가) 우리 송장과 다릅니다
  ! settings.toml: password = "hunter22" 가 맞지 않습니다; CHULGO_COUPANG_PASSWORD=s3cr3t! 도 확인
  ! 대표번호 1588-1234, 15997777, 안심번호 0505-123-4567, 사무실 (02) 123-4567, 031.987.6543"""

PHONE_DIGITS = ["1234-567", "5678", "98765432", "2222", "3333", "1588", "7777", "4567", "6543", "0505"]


def test_the_log_keeps_the_report_without_phone_numbers_or_passwords(tmp_path):
    logs = tmp_path / "data" / "logs"
    path = write_run_log(logs, date(2026, 11, 24), "daily", 1, REPORT, STARTED, FINISHED, secrets=["s3cr3t!", "1111"])
    assert path == logs / "chulgo-2026-11-24.log"
    text = path.read_text(encoding="utf-8")
    for secret in ("hunter22", "s3cr3t!"):
        assert secret not in text
    for digits in PHONE_DIGITS:
        assert digits not in text, digits
    assert not re.search(r"01[016-9]\D{0,3}\d{3,4}", text), "no mobile number in any form"
    # what is not personal stays word for word
    for kept in ("✔ 주문 파일 3개에서 42줄을 읽었습니다", "스마트스토어_주문_20261124.xlsx", "DeliveryList(2026-11-24).xlsx",
                 "outbox/2026-11-24/CJ대한통운_송장요청_20261124_1차.xlsx", "주문 2026112400000042",
                 "송장 K7Q261124-2-0001", "확인할 것 3건:", "은(는) 휴대폰 번호가 아닙니다", "CHULGO_COUPANG_PASSWORD=",
                 "2026-11-24 09:00:03", "daily", "종료 코드 1", "결과: 확인할 것 있음"):
        assert kept in text, kept
    assert text.count("[전화번호]") == 10 and text.count("[비밀번호]") == 2


def test_one_file_per_day_appended_in_order(tmp_path):
    logs = tmp_path / "logs"
    write_run_log(logs, "2026-11-24", "daily", 0, "✔ 첫 실행", STARTED, FINISHED)
    write_run_log(logs, "2026-11-24", "status", 0, "✔ 둘째 실행", STARTED + timedelta(hours=4), FINISHED + timedelta(hours=4))
    write_run_log(logs, date(2026, 11, 25), "daily", 0, "✔ 다음 날", STARTED + timedelta(days=1), FINISHED + timedelta(days=1))
    assert sorted(p.name for p in logs.iterdir()) == ["chulgo-2026-11-24.log", "chulgo-2026-11-25.log"]
    first = (logs / "chulgo-2026-11-24.log").read_text(encoding="utf-8")
    assert first.index("첫 실행") < first.index("둘째 실행") and "다음 날" not in first
    assert first.count("===== ") == 2 and "13:00:03" in first


def test_old_days_are_pruned_and_other_files_kept(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "메모.txt").write_text("내 파일", encoding="utf-8")
    start = date(2026, 1, 1)
    for n in range(65):
        day = start + timedelta(days=n)
        write_run_log(logs, day, "daily", 0, "✔", datetime.combine(day, STARTED.time()),
                      datetime.combine(day, FINISHED.time()))
    names = sorted(p.name for p in logs.iterdir())
    assert len(names) == 61 and "메모.txt" in names
    assert names[0] == f"chulgo-{start + timedelta(days=5)}.log" and f"chulgo-{start + timedelta(days=64)}.log" in names
    assert prune_logs(logs, keep=3) and len(list(logs.glob("chulgo-*.log"))) == 3


def test_failure_marker_is_one_short_line():
    assert failure_marker("이유") == "마지막 실행 실패: 이유"
    long = failure_marker("가" * 500 + "\n둘째 줄")
    assert "\n" not in long and len(long) < 230 and long.endswith("…")
    assert failure_marker("") == "마지막 실행 실패: 알 수 없는 오류"


def test_a_log_that_cannot_be_written_never_fails_the_run(tmp_path):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    assert write_run_log(blocker, "2026-11-24", "daily", 0, "✔", STARTED, FINISHED) is None
    assert log_path(tmp_path, date(2026, 11, 24)).name == "chulgo-2026-11-24.log"


@pytest.mark.parametrize("text", [
    "2026-11-24 09:00:03", "2026-01-05", "20261124-0000012", "운송장 612345678901", "우편번호 06236",
    "K7Q261124-12-0001", "주문번호 1234567890", "42줄, 3개, 09:30", "스마트스토어_발송처리_20261124_1차.xlsx",
])
def test_redact_keeps_what_is_not_a_phone_number(text):
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678", "1012345678", "010-****-5678", "02-123-4567",
    "(02)123-4567", "0212345678", "031-987-6543", "070-1234-5678", "0505-123-4567", "050512345678", "1588-1234",
    "15881234", "+82-10-1234-5678", "010-1234-567", "0101234",
])
def test_redact_removes_phone_numbers_in_any_form(text):
    assert redact(f"연락처 {text} 확인") == "연락처 [전화번호] 확인"


def test_notify_is_quiet_where_there_are_no_toasts(monkeypatch):
    if sys.platform != "win32":
        assert notify("chulgo 출고", "확인할 것 3건") is False
    monkeypatch.setattr(notify_module.sys, "platform", "win32")

    def broken(title, message):
        raise OSError("no notification service")

    monkeypatch.setattr(notify_module, "_win11toast", broken)
    monkeypatch.setattr(notify_module, "_windows_toasts", lambda t, m: False)
    shown = []
    monkeypatch.setattr(notify_module, "_plyer", lambda t, m: shown.append((t, m)) or True)
    assert notify("", "가" * 1000) is True
    assert shown[0][0] == notify_module.APP_NAME and len(shown[0][1]) == notify_module.MAX_MESSAGE_CHARS
    monkeypatch.setattr(notify_module, "_plyer", broken)
    assert notify("제목", "본문") is False


def test_run_message_only_when_something_needs_the_seller():
    assert run_message() is None
    title, message = run_message(error="장부를 열 수 없습니다.\n디스크를 확인하세요", problems=2)
    assert title == "chulgo 출고 — 실행 실패" and message.startswith("장부를 열 수 없습니다. 디스크를 확인하세요\n확인할 것 2건")
    assert run_message(problems=3, new_files=2)[0] == "chulgo 출고 — 확인할 것 3건"
    title, message = run_message(new_files=2, waiting=5)
    assert title == "chulgo 출고 — 새 파일 2개" and "기다리는 것 5건" in message and "현황.xlsx" in message
    assert run_message(waiting=1)[0] == "chulgo 출고 — 기다리는 것 1건"
