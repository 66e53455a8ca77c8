"""Sales channels: how to recognise and read an order export, and how to write the invoice upload.

Every channel is a TOML template in templates/channels/ read by one generic adapter (template.py).
A channel the template cannot express gets a small subclass overriding one hook, listed in HOOKS.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from chulgo.channels.esm import EsmChannel
from chulgo.channels.template import TemplateChannel, courier_names
from chulgo.claims import ClaimLayout
from chulgo.model import ChulgoError, InvoiceLine, OrderLine, Problem, RawTable
from chulgo.template import load_template, template_files

HOOKS: dict[str, type[TemplateChannel]] = {"esm": EsmChannel}


class Channel(Protocol):
    id: str
    name: str
    gift_days: int | None          # gifts wait this many days for an address before the channel cancels them
    claim_layouts: list[ClaimLayout]   # its 반품·교환 lists ([[claims]])

    def identify(self, table: RawTable) -> int:
        """The header row index if this table is this channel's export, else -1. Never raises."""

    def read_orders(self, table: RawTable) -> Iterator[OrderLine | Problem]: ...

    upload_verified: bool          # False: the upload layout is [확인 필요] — say so when handing it over

    def check_invoices(self, lines: Sequence[InvoiceLine]) -> list[Problem]:
        """Cells the upload cannot fill (the file is still written, these are reported)."""

    def write_invoices(self, lines: Sequence[InvoiceLine], out_dir: Path, stem: str) -> list[Path]: ...


def load_channels(workspace: Path | None) -> dict[str, Channel]:
    """Every channel template, the workspace's own overriding the repo's by id."""
    names = courier_names(workspace)
    channels: dict[str, Channel] = {}
    for path in template_files("channels", workspace):
        doc = load_template(path)
        hook = doc.get("hook", "")
        if hook and (not isinstance(hook, str) or hook not in HOOKS):
            raise ChulgoError(f"채널 템플릿 {path}: hook {hook!r} 은(는) 없는 확장입니다. 쓸 수 있는 값: "
                              f"{', '.join(HOOKS)} (확장이 필요 없으면 hook 줄을 지우세요).")
        channel = HOOKS.get(hook, TemplateChannel)(doc, path, names)
        channels[channel.id] = channel
    return channels
