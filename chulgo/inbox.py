"""The inbox folder as one process sees it: every file read and identified once (``daily`` runs collect, then
tracking, on the same files), tables read by a pick-up from Downloads not parsed again, and each unusable file
named once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path

from chulgo.downloads import PARTIAL_DOWNLOADS, SYSTEM_FILES
from chulgo.identify import Formats, InputFile, identify_file
from chulgo.model import RawTable


class Inbox:
    def __init__(self, folder: Path, formats: Callable[[], Formats], passwords: Mapping[str, str],
                 from_env: Iterable[str]) -> None:
        self.folder = folder
        self._formats = formats         # loaded when a file is to be identified: an empty inbox loads no template
        self.passwords = dict(passwords)
        self.from_env = set(from_env)
        self.picked_up: dict[str, list[RawTable]] = {}   # sha256 -> tables read when a pick-up recognised the file
        self._files: dict[Path, InputFile] = {}
        self._named: set[Path] = set()

    @cached_property
    def formats(self) -> Formats:
        return self._formats()

    def files(self) -> list[InputFile]:
        """Every file in the folder, oldest first, identified by content (each read once)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        out = []
        for path in sorted(self.folder.iterdir(), key=lambda p: (p.stat().st_mtime, p.name)):
            if (not path.is_file() or path.name.startswith(("~$", ".")) or path.suffix.lower() in PARTIAL_DOWNLOADS
                    or path.name.lower() in SYSTEM_FILES):
                continue
            if path not in self._files:
                self._files[path] = identify_file(path, self.formats, self.passwords, self.from_env, self.picked_up)
                self.picked_up.pop(self._files[path].sha, None)
            out.append(self._files[path])
        self.picked_up.clear()           # a picked-up file that did not reach the inbox is read again if it does
        return out

    def unusable(self, files: Iterable[InputFile]) -> list[InputFile]:
        """Files that cannot be read or that no format claims, each returned once per process (named once)."""
        out = [f for f in files if f.path not in self._named and (f.error or not f.recognised)]
        self._named.update(f.path for f in out)
        return out

    def forget(self, path: Path) -> None:
        """The file left the inbox (archived)."""
        self._files.pop(path, None)
