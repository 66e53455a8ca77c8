"""G마켓/옥션 (ESM Plus): the 발송처리 upload's 계정 cell, `지마켓(판매아이디)` or `옥션(판매아이디)`.

Everything else is templates/channels/esm.toml. Which column tells G마켓 from 옥션 is configured there
([invoice.esm_account]); some downloads already hold the whole `지마켓(id)` text in 판매아이디.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from chulgo.channels.template import TemplateChannel
from chulgo.files import normalise_header
from chulgo.model import ChulgoError, InvoiceLine, Layout, Problem
from chulgo.template import TemplateCheck

DEFAULT_SITES = {"지마켓": r"G마켓|지마켓|gmarket|^G$", "옥션": r"옥션|auction|^A$"}
_WRAPPED = re.compile(r"^\s*(.+?)\s*\(\s*(.+?)\s*\)\s*$")


class EsmChannel(TemplateChannel):
    """The template channel plus one invoice value: ``esm_account``, made as [invoice.esm_account] says."""

    invoice_values = {**TemplateChannel.invoice_values,
                      "esm_account": lambda ch, line, tracking_no, layout: ch._account_cell(line, layout)}
    invoice_keys = (*TemplateChannel.invoice_keys, "esm_account")

    def __init__(self, doc: dict, path: Path, names: dict[str, dict[str, str]]) -> None:
        super().__init__(doc, path, names)
        check = TemplateCheck("채널 템플릿", path)
        where = "[invoice.esm_account]"
        conf = check.table(self.invoice, "esm_account", where, ("id_columns", "site_columns", "sites"))
        self.id_columns = check.texts(conf, "id_columns", where, default=["판매아이디"])
        self.site_columns = check.texts(conf, "site_columns", where)
        where = "[invoice.esm_account.sites]"              # label written in 계정 = regex on the site text
        sites = check.table(conf, "sites", where) if "sites" in conf else DEFAULT_SITES
        self.sites = {label: check.regex(sites, label, where, flags=re.IGNORECASE) for label in sites}

    def raw_columns(self) -> set[str] | None:
        return (super().raw_columns() or set()) | {normalise_header(c) for c in self.id_columns + self.site_columns}

    def check_invoices(self, lines: Sequence[InvoiceLine]) -> list[Problem]:
        """One problem for the lines whose 계정 cannot be made (their row is written with 계정 empty)."""
        failed = []
        for line in lines:
            try:
                self._account(line, line.layout)
            except ChulgoError as e:
                failed.append((line, str(e)))
        if not failed:
            return []
        line, why = failed[0]
        return [Problem("esm_account", f"{self.name} 송장 업로드 {len(failed)}줄의 '계정' 칸을 비워 두었습니다 — 올리기 전에 "
                        f"채우세요 (예: 지마켓(판매아이디)). 첫 줄: {why}", line.line_key)]

    def _account_cell(self, line: InvoiceLine, layout: Layout | None) -> str:
        try:
            return self._account(line, layout)
        except ChulgoError:
            return ""            # reported once by check_invoices; the rest of the upload still goes out

    def _account(self, line: InvoiceLine, layout: Layout | None) -> str:
        fix = f"templates/channels/{self.path.name} 의 [invoice.esm_account]"
        if layout is None:
            raise ChulgoError(f"{self.name} {line.line_key}: 원본 엑셀 형식이 장부에 없어 '계정'을 채울 수 없습니다.")
        row = list(line.raw)

        def first(columns: list[str]) -> str:
            for col in columns:
                getter = self._getter(col, layout.header)
                if getter and (v := getter(row).strip()):
                    return v
            return ""

        def site_of(text: str) -> str:
            return next((label for label, rx in self.sites.items() if text and rx.search(text)), "")

        seller_id = first(self.id_columns)
        if not seller_id:
            raise ChulgoError(f"{self.name} 주문 {line.line_key}: 판매아이디가 비어 있어 '계정'을 채울 수 없습니다. "
                              f"{fix} id_columns 를 내려받은 파일의 열 이름에 맞추세요.")
        wrapped = _WRAPPED.match(seller_id)
        if wrapped and (label := site_of(wrapped.group(1))):      # the file already says '지마켓(id)'
            return f"{label}({wrapped.group(2)})"
        label = site_of(first(self.site_columns))
        if not label:
            raise ChulgoError(f"{self.name} 주문 {line.line_key}: 지마켓 주문인지 옥션 주문인지 알 수 없어 '계정'을 채울 수 "
                              f"없습니다. {fix} site_columns 와 sites 를 내려받은 파일에 맞추세요.")
        return f"{label}({seller_id})"
