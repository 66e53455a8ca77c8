"""The progress bar shows only on a terminal and never changes what is iterated."""

from __future__ import annotations

import io
import sys

from chulgo.progress import shown


def test_not_a_terminal_prints_nothing(monkeypatch, capsys):
    items = [1, 2, 3]
    assert list(shown(items, "x")) == items
    assert capsys.readouterr().out == ""


def test_a_terminal_gets_a_transient_bar_and_every_item(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    monkeypatch.setattr(sys, "stdout", out)
    assert list(shown([1, 2, 3], "읽는 중")) == [1, 2, 3]
    assert "읽는 중" in out.getvalue(), "the bar was drawn"
