"""uploaded: the seller says an invoice upload file went up to its seller center, so 송장 누락 alerts stop for it."""

from __future__ import annotations

from datetime import timedelta

from chulgo.model import ChulgoError
from jobs.context import Context


def uploaded(ctx: Context, what: str | None) -> None:
    """``what``: a file name (or part of it), a channel id or name; none lists the files still to upload."""
    report, ledger = ctx.report, ctx.ledger
    if not what:
        pending = ledger.pending_uploads((ctx.today - timedelta(days=30)).isoformat())
        if not pending:
            report.done.append("올릴 송장 업로드 파일이 남아 있지 않습니다.")
        for u in pending:
            report.waiting.append(f"{u.file} ({ctx.channel_name(u.channel)} {u.lines}줄, {u.day}) — 올렸으면 "
                                  f"'uv run run.py uploaded {u.file}'")
        return
    key = next((cid for cid, ch in ctx.channels.items() if what in (cid, ch.name)), what)
    with ledger.transaction():
        files = ledger.mark_uploaded(key)
    if not files:
        raise ChulgoError(f'"{what}"에 맞는, 아직 올림 표시가 없는 송장 업로드 파일이 없습니다. 파일 이름이나 채널 이름을 쓰세요 '
                          "('uv run run.py uploaded' 로 목록을 봅니다).")
    report.done.append(f"올림으로 표시했습니다: {', '.join(files)}")
