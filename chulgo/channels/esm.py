"""G마켓/옥션 (ESM Plus): the 발송처리 upload's 계정 cell, `지마켓(판매아이디)` or `옥션(판매아이디)`.

Everything else is templates/channels/esm.toml. Which column tells G마켓 from 옥션 is configured there
([invoice.esm_account]); some downloads already hold the whole `지마켓(id)` text in 판매아이디.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chulgo.channels.template import TemplateChannel
from chulgo.files import normalise_header
from chulgo.model import ChulgoError, InvoiceLine, Layout, Problem

DEFAULT_SITES = {"지마켓": r"G마켓|지마켓|gmarket|^G$", "옥션": r"옥션|auction|^A$"}
_WRAPPED = re.compile(r"^\s*(.+?)\s*\(\s*(.+?)\s*\)\s*$")


class EsmChannel(TemplateChannel):
    """The template channel plus one invoice value: ``esm_account``."""

    def raw_columns(self) -> set[str] | None:
        conf = self.invoice.get("esm_account", {})
        columns = conf.get("id_columns", ["판매아이디"]) + conf.get("site_columns", [])
        return (super().raw_columns() or set()) | {normalise_header(c) for c in columns}

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

    def _cell(self, spec: dict, line: InvoiceLine, tracking_no: str, layout: Layout | None) -> str:
        if spec.get("value") == "esm_account":
            try:
                return self._account(line, layout)
            except ChulgoError:
                return ""            # reported once by check_invoices; the rest of the upload still goes out
        return super()._cell(spec, line, tracking_no, layout)

    def _account(self, line: InvoiceLine, layout: Layout | None) -> str:
        conf = self.invoice.get("esm_account", {})
        sites = {label: re.compile(rx, re.IGNORECASE) for label, rx in conf.get("sites", DEFAULT_SITES).items()}
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
            return next((label for label, rx in sites.items() if text and rx.search(text)), "")

        seller_id = first(conf.get("id_columns", ["판매아이디"]))
        if not seller_id:
            raise ChulgoError(f"{self.name} 주문 {line.line_key}: 판매아이디가 비어 있어 '계정'을 채울 수 없습니다. "
                              f"{fix} id_columns 를 내려받은 파일의 열 이름에 맞추세요.")
        wrapped = _WRAPPED.match(seller_id)
        if wrapped and (label := site_of(wrapped.group(1))):      # the file already says '지마켓(id)'
            return f"{label}({wrapped.group(2)})"
        label = site_of(first(conf.get("site_columns", [])))
        if not label:
            raise ChulgoError(f"{self.name} 주문 {line.line_key}: 지마켓 주문인지 옥션 주문인지 알 수 없어 '계정'을 채울 수 "
                              f"없습니다. {fix} site_columns 와 sites 를 내려받은 파일에 맞추세요.")
        return f"{label}({seller_id})"
