"""A Windows notification (toast) after an unattended run, when something needs the seller.

Uses a toast library only if one is installed (win11toast, windows-toasts or plyer — none is a dependency);
elsewhere, or when none is there or it fails, nothing happens and ``notify`` returns False. Never raises, never
starts a process (so never a console window), never waits for the seller to click.
"""

from __future__ import annotations

import sys

APP_NAME = "chulgo 출고"
MAX_TITLE_CHARS = 60
MAX_MESSAGE_CHARS = 250     # toasts show about three lines; the rest is in 현황.xlsx and the log


def notify(title: str, message: str) -> bool:
    """Show a toast on Windows. True when a library accepted it, else False (not Windows, no library, error)."""
    try:
        if sys.platform != "win32":
            return False
        title = _clip(title, MAX_TITLE_CHARS) or APP_NAME
        message = _clip(message, MAX_MESSAGE_CHARS)
        for show in (_win11toast, _windows_toasts, _plyer):
            try:
                if show(title, message):
                    return True
            except Exception:   # noqa: BLE001 - a missing COM class, an old library: try the next one
                continue
        return False
    except Exception:   # noqa: BLE001
        return False


def run_message(*, error: str = "", problems: int = 0, new_files: int = 0, waiting: int = 0) -> tuple[str, str] | None:
    """(title, message) for the toast after a run, or None when nothing needs the seller.

    ``error``: why the run stopped; ``problems``: things to check (exit 1); ``new_files``: files made for the
    seller to print or upload; ``waiting``: lines that wait on the seller (unmapped items, holds …)."""
    lines = []
    if error:
        title = "chulgo 출고 — 실행 실패"
        lines.append(" ".join(error.split()))
    elif problems:
        title = f"chulgo 출고 — 확인할 것 {problems}건"
    elif new_files:
        title = f"chulgo 출고 — 새 파일 {new_files}개"
    elif waiting:
        title = f"chulgo 출고 — 기다리는 것 {waiting}건"
    else:
        return None
    if problems and error:
        lines.append(f"확인할 것 {problems}건")
    if new_files:
        lines.append(f"outbox 에 새 파일 {new_files}개 — 출력하거나 판매자센터에 올리세요")
    if waiting and (error or problems or new_files):
        lines.append(f"기다리는 것 {waiting}건 (매핑 없음, 보류 …)")
    lines.append("현황.xlsx 의 '오늘' 시트를 여세요.")
    return title, "\n".join(lines)


def _win11toast(title: str, message: str) -> bool:
    try:
        import win11toast   # type: ignore[import-not-found]
    except ImportError:
        return False
    win11toast.notify(title, message)     # shows and returns at once (toast() would wait for a click)
    return True


def _windows_toasts(title: str, message: str) -> bool:
    try:
        from windows_toasts import Toast, WindowsToaster   # type: ignore[import-not-found]
    except ImportError:
        return False
    WindowsToaster(APP_NAME).show_toast(Toast([title, message]))
    return True


def _plyer(title: str, message: str) -> bool:
    try:
        from plyer import notification   # type: ignore[import-not-found]
    except ImportError:
        return False
    notification.notify(title=title, message=message, app_name=APP_NAME, timeout=10)
    return True


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split()) if "\n" not in str(text) else "\n".join(
        " ".join(line.split()) for line in str(text).splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit - 1] + "…"
