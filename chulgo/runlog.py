"""The run log: one UTF-8 file per day, data/logs/chulgo-YYYY-MM-DD.log, one entry appended per run.

What a seller (or the person helping them) reads the morning after an unattended run. Entries hold the run's
report as printed, with phone numbers and passwords taken out first; only the newest ``KEEP_FILES`` days are
kept. Writing a log never stops or fails a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from chulgo.normalise import is_phone_digits, phone_prefix

KEEP_FILES = 60
FILE_PATTERN = re.compile(r"^chulgo-(\d{4}-\d{2}-\d{2})\.log$")
ENTRY_START = "===== "
PHONE_MASK = "[전화번호]"
SECRET_MASK = "[비밀번호]"
MAX_REASON_CHARS = 200

RESULT_OK = "성공"
RESULT_CHECK = "확인할 것 있음"
RESULT_FAILED = "실패"

# Phone numbers, valid or not (a problem message may quote a wrong one): a known prefix, then groups split by
# '-', '.', ' ' or ')' with digits or a mask ('010-****-5678'); or one run of digits that starts like a
# phone number. A '-' or '.' right after a digit does not start one, so dates (2026-01-05) stay.
_PREFIX = r"(?:\+82[-. ]?\(?0?\)?(?:1\d|[2-6]\d?|70)|\(?0\d{1,3}\)?|1[5-9]\d{2})"
_SEPARATED_PHONE = re.compile(
    rf"(?<![\d*+])(?<!\d[-./]){_PREFIX}(?:[-. ]|\)\s?)[\d*]{{3,4}}(?:[-. ][\d*]{{3,4}})?(?![\d*])")
_DIGIT_RUN = re.compile(r"(?<![\d*])(?<!\d[-./])(?:0\d{6,11}|0\d{1,3}\*{3,4}\d{4}|1[5-9]\d{6}|1[016-9]\d{7,8})(?![\d*])")

# Password values: `password = "..."`, `비밀번호: ...`, `CHULGO_SMARTSTORE_PASSWORD=...` (quoted or up to a space).
_PASSWORD_VALUE = re.compile(
    r"(?P<key>(?:\b[A-Z0-9_]*PASSWORD\b|\bpassword\b|\bpasswd\b|\bpwd\b|암호|비밀번호)[\"']?\s*[:=]\s*)"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;]+)",
    re.IGNORECASE)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without phone numbers and password values. ``secrets`` (the configured passwords) are taken
    out wherever they stand alone as a word."""
    out = _PASSWORD_VALUE.sub(lambda m: m["key"] + SECRET_MASK, text)
    out = _ANY_PHONE.sub(_mask_any_phone, out)            # phones first: a password may be part of a number
    out = _SEPARATED_PHONE.sub(PHONE_MASK, out)
    out = _DIGIT_RUN.sub(_mask_digit_run, out)
    for secret in sorted({s for s in secrets if s and s.strip()}, key=len, reverse=True):
        out = re.sub(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", SECRET_MASK, out)
    return out


# Any run of digits joined by separators (hyphen, en dash, slash, dot, underscore, space, brackets) or `+82`.
_ANY_PHONE = re.compile(r"(?<![\w*])(?:\+\s?82[\s\-–./_()]*|\()?[\d*](?:[\d*]|[\s\-–./_()](?=[\d*])){6,60}(?![\w*])")
_ONE_PHONE = re.compile(r"(?:\+\s?82[\s\-–./_()]*|0)\d{1,2}[\s\-–./_()]*[\d*]{3,4}[\s\-–./_()]*[\d*]{4}")


def _mask_any_phone(m: re.Match[str]) -> str:
    """Korean phones however written (`+82 10…`, `010–1234–5678`, `010/1234/5678`, `010-12345678`, two numbers
    joined by `/`): nine to twelve digits starting with 0 (or +82), or an 8-digit 15xx/16xx/18xx number. Dates, order
    numbers, tracking numbers and our parcel ids do not start so and keep their digits."""
    text = m[0]
    d = re.sub(r"[^\d*]", "", text)
    if text.startswith("+"):
        d = "0" + d[2:]
    if d.startswith("0") and 9 <= len(d) <= 12 or len(d) == 8 and d[:2] in ("15", "16", "18"):
        return PHONE_MASK
    return _ONE_PHONE.sub(PHONE_MASK, text) if d.startswith("0") else text


def _mask_digit_run(m: re.Match[str]) -> str:
    d = m[0]
    if d.startswith("0"):
        return PHONE_MASK if "*" in d or phone_prefix(d) else d     # any length: a wrong number is still one
    if len(d) == 8:
        return PHONE_MASK if is_phone_digits(d) else d               # 1588-type 대표번호
    return PHONE_MASK if is_phone_digits("0" + d) else d             # a mobile whose 0 Excel dropped


def log_path(logs_dir: Path, day: date | str) -> Path:
    return Path(logs_dir) / f"chulgo-{day if isinstance(day, str) else day.isoformat()}.log"


def write_run_log(logs_dir: Path, day: date | str, command: str, exit_code: int, report_text: str,
                  started: datetime, finished: datetime, *, error: str = "", secrets: Iterable[str] = (),
                  keep: int = KEEP_FILES) -> Path | None:
    """Append one run's entry to ``logs_dir/chulgo-<day>.log`` and prune old days. Returns the file, or None
    when it could not be written (never raises).

    ``error`` is why the run stopped (an exception's Korean message): the entry is then a failure that
    :func:`last_failure` reports. Without it, exit code 1 means "확인할 것 있음", not a failed run.
    """
    try:
        secrets = list(secrets)
        seconds = max(0, round((finished - started).total_seconds()))
        if error:
            result = f"{RESULT_FAILED} — {_one_line(redact(error, secrets))}"
        else:
            result = RESULT_OK if exit_code == 0 else RESULT_CHECK
        lines = [f"{ENTRY_START}{started:%Y-%m-%d %H:%M:%S} ~ {finished:%H:%M:%S} ({seconds}초)  "
                 f"{_one_line(redact(command, secrets))}  종료 코드 {exit_code}",
                 f"결과: {result}"]
        body = redact(report_text, secrets).rstrip()
        if body:
            lines += [line for line in body.splitlines()]
        if error:
            lines.append(f"오류: {redact(error, secrets).strip()}")
        entry = "\n".join(line.replace(ENTRY_START, "==== ") if i else line for i, line in enumerate(lines))
        path = log_path(logs_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(entry + "\n\n")
        prune_logs(logs_dir, keep)
        return path
    except Exception:   # noqa: BLE001 - a log is never worth a failed run
        return None


def prune_logs(logs_dir: Path, keep: int = KEEP_FILES) -> list[Path]:
    """Delete all but the newest ``keep`` chulgo-YYYY-MM-DD.log files (by the date in the name). Other files
    in the folder are left alone. Returns what was deleted."""
    try:
        logs = sorted((m[1], p) for p in Path(logs_dir).iterdir() if (m := FILE_PATTERN.match(p.name)))
    except OSError:
        return []
    removed = []
    for _day, path in logs[:max(0, len(logs) - max(1, keep))]:
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def failure_marker(reason: str, when: str = "") -> str:
    """'마지막 실행 실패: 이유' (with '(when)' when given), one line, short enough for a dashboard cell."""
    reason = _one_line(reason) or "알 수 없는 오류"
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[:MAX_REASON_CHARS - 1] + "…"
    return f"마지막 실행 실패 ({when}): {reason}" if when else f"마지막 실행 실패: {reason}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
