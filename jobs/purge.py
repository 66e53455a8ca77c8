"""purge: personal data past [privacy] keep_days — recipients of finished lines in the ledger, and the dated
archive/ and outbox/ folders that hold copies of them. Every daily run ends with it."""

from __future__ import annotations

from datetime import date, timedelta

from chulgo.privacy import purge_dated_folders
from jobs.context import Context


def purge(ctx: Context) -> None:
    report, ledger, settings = ctx.report, ctx.ledger, ctx.settings
    # Never from a business day set in the future (CHULGO_TODAY): a typo must not delete this week's files.
    cutoff = min(ctx.today, date.today()) - timedelta(days=settings.keep_days)
    with ledger.transaction():
        purged = ledger.purge_personal_data(cutoff.isoformat())
    if ctx.dry_run:
        if purged.any:
            report.done.append(f"(미리보기) 개인정보 정리 대상: {purged.text()}")
        return
    if purged.any:
        ledger.compact()          # overwritten pages, WAL emptied, file rewritten: nothing left to undelete
    folders = purge_dated_folders([settings.archive, settings.outbox, settings.outbox / "_dryrun"], cutoff)
    if purged.any or folders:
        report.done.append(f"개인정보 정리 ({settings.keep_days}일 지남): {purged.text()}"
                           + (f", 보관함·outbox 날짜 폴더 {len(folders)}개 삭제" if folders else ""))
