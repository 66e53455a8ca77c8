"""sheets init: the tool's sheets in the shared Google Sheet of [sheets] (an existing mapping workbook moves over)."""

from __future__ import annotations

from chulgo.gsheet import SheetsMappingStore, init_sheets
from chulgo.mapping import read_workbook
from chulgo.model import ChulgoError
from jobs.context import Context


def sheets(ctx: Context, action: str) -> None:
    store = ctx.mapping_store
    if not isinstance(store, SheetsMappingStore):
        raise ChulgoError('settings.toml에 [sheets] 가 없습니다. 예: [sheets] 다음 줄에 spreadsheet = "구글 시트 주소", '
                          'credentials = "service-account.json" (README의 \'구글 시트\' 참고).')
    if action != "init":
        raise ChulgoError(f"'{action}' 은(는) 없는 동작입니다. init 만 있습니다.")
    if ctx.dry_run:
        titles = store.sheet.titles()
        ctx.report.done.append("미리보기: 만들 시트 — " + (", ".join(t for t in ("상품", "매핑", "세트", "미매핑", "현황", "현황-대기")
                                                          if t not in titles) or "없음 (모두 있음)"))
        return
    workbook = ctx.settings.mapping_path
    seed = read_workbook(workbook) if workbook.exists() else {}
    made = init_sheets(store.sheet, seed)
    if not made:
        ctx.report.done.append("구글 시트에 도구의 시트가 이미 모두 있습니다 (SKU 목록·머리글 고정은 다시 맞췄습니다).")
        return
    moved = [n for n in ("상품", "매핑", "세트") if n in made and len(seed.get(n, [])) > 1]
    ctx.report.done.append(f"구글 시트에 {', '.join(made)} 시트를 만들었습니다." +
                           (f" {workbook.name}의 {', '.join(moved)} 내용을 옮겨 적었습니다." if moved else ""))
