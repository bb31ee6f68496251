"""The tree walker."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ospo.model import FileProblem

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj"})
MAX_IGNORE_FILE_BYTES = 1 << 20


@dataclass(frozen=True)
class WalkedFile:
    """A regular file met by the walk. `relpath` uses '/' and is relative to the root."""

    path: str
    relpath: str
    name: str
    size: int


@dataclass(frozen=True)
class WalkOptions:
    """How to walk.

    `respect_gitignore` applies every .gitignore met on the way (and .git/info/exclude at
    the root). `exclude` adds gitignore-style patterns relative to the root.
    `skip_dirs` names folders never entered (by name, at any depth).
    """

    respect_gitignore: bool = True
    exclude: tuple[str, ...] = ()
    skip_dirs: frozenset[str] = ALWAYS_SKIPPED_DIRS
    follow_symlinks: bool = True


@dataclass
class _Dir:
    path: str
    relpath: str
    specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]


@dataclass
class Walker:
    """Iterates the regular files under `root`, collecting problems instead of raising.

    A symlink is followed only when its target stays inside the root; a directory reached
    twice through links is reported as a loop and not entered again.
    """

    root: str
    options: WalkOptions = field(default_factory=WalkOptions)
    problems: list[FileProblem] = field(default_factory=list)
    files_seen: int = 0

    def __iter__(self) -> Iterator[WalkedFile]:
        root = os.path.abspath(self.root)
        if os.path.isfile(root):
            yield from self._single_file(root)
            return
        real_root = os.path.realpath(root)
        base_specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        if self.options.exclude:
            base_specs.append(("", _gitignore_spec(self.options.exclude)))
        if self.options.respect_gitignore:
            info_exclude = self._load_ignore(os.path.join(root, ".git", "info", "exclude"), "")
            if info_exclude is not None:
                base_specs.append(("", info_exclude))
        visited: set[tuple[int, int]] = set()
        try:
            st = os.stat(root)
            visited.add((st.st_dev, st.st_ino))
        except OSError as exc:
            self.problems.append(FileProblem(self.root, "unreadable", str(exc.strerror or exc)))
            return
        stack = [_Dir(root, "", tuple(base_specs))]
        while stack:
            current = stack.pop()
            yield from self._visit(current, real_root, visited, stack)

    def _single_file(self, path: str) -> Iterator[WalkedFile]:
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            self.problems.append(FileProblem(path, "unreadable", str(exc.strerror or exc)))
            return
        self.files_seen += 1
        yield WalkedFile(path, os.path.basename(path), os.path.basename(path), size)

    def _visit(
        self,
        current: _Dir,
        real_root: str,
        visited: set[tuple[int, int]],
        stack: list[_Dir],
    ) -> Iterator[WalkedFile]:
        specs = current.specs
        if self.options.respect_gitignore:
            spec = self._load_ignore(os.path.join(current.path, ".gitignore"), current.relpath)
            if spec is not None:
                specs = (*specs, (current.relpath, spec))
        try:
            with os.scandir(current.path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.problems.append(FileProblem(current.relpath or ".", "unreadable", str(exc.strerror or exc)))
            return
        subdirs: list[_Dir] = []
        for entry in entries:
            rel = f"{current.relpath}/{entry.name}" if current.relpath else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=self.options.follow_symlinks)
            except OSError as exc:
                self.problems.append(FileProblem(rel, "unreadable", str(exc.strerror or exc)))
                continue
            if is_dir and entry.name in self.options.skip_dirs:
                continue
            if specs and _ignored(specs, rel, is_dir):
                continue
            if is_link:
                if not self.options.follow_symlinks:
                    continue
                target = os.path.realpath(entry.path)
                if not (target == real_root or target.startswith(real_root + os.sep)):
                    continue  # never read outside the scanned tree
                if not os.path.exists(target):
                    self.problems.append(FileProblem(rel, "unreadable", "dangling symlink"))
                    continue
            if is_dir:
                try:
                    st = entry.stat(follow_symlinks=True)
                except OSError as exc:
                    self.problems.append(FileProblem(rel, "unreadable", str(exc.strerror or exc)))
                    continue
                key = (st.st_dev, st.st_ino)
                if key in visited:
                    if is_link:
                        self.problems.append(
                            FileProblem(rel, "symlink-loop", "directory already visited through a link")
                        )
                    continue
                visited.add(key)
                subdirs.append(_Dir(entry.path, rel, specs))
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError as exc:
                self.problems.append(FileProblem(rel, "unreadable", str(exc.strerror or exc)))
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # sockets, fifos, devices: never opened
            self.files_seen += 1
            yield WalkedFile(entry.path, rel, entry.name, st.st_size)
        # Reverse so that popping from the stack visits folders in name order.
        stack.extend(reversed(subdirs))

    def _load_ignore(self, path: str, relbase: str) -> pathspec.GitIgnoreSpec | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_IGNORE_FILE_BYTES)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.problems.append(FileProblem(path, "unreadable", str(exc.strerror or exc)))
            return None
        lines = data.decode("utf-8", errors="replace").splitlines()
        try:
            return _gitignore_spec(lines)
        except Exception as exc:  # pathspec raises several types on bad patterns
            self.problems.append(FileProblem(path, "parse", f"bad ignore pattern: {exc}"))
            return None


def _gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """pathspec is imported only when a tree has ignore rules (~8 ms of start-up otherwise)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...], rel: str, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = rel[len(base) + 1 :] if base else rel
        if is_dir:
            sub += "/"
        if spec.match_file(sub):
            return True
    return False


def relative_to(root: str | Path, path: str | Path) -> str:
    """A path relative to a root, with '/' separators, for reports."""
    return Path(os.path.relpath(path, root)).as_posix()
