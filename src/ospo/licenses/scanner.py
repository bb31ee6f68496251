"""Scanning files and trees for licences and copyrights.

`scan_text` is the per-file entry; `scan_tree` walks a tree once with the shared walker and
spreads the files over worker processes in chunks (each worker loads the cached index once).
A file costs almost nothing unless a cheap keyword prefilter finds something licence-like;
huge files are scanned by head and tail only, and binaries through their printable strings
when they are small enough — both say so in the file's notes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ospo.licenses.detect import detect, looks_licensed
from ospo.model import Copyright, FileLicenses, FileProblem, LicenseScan, ParseError
from ospo.walk import BINARY_SNIFF_BYTES, Walker, WalkOptions, is_binary

MAX_FILE_BYTES = 64 << 20  # never read more than this of one file
MAX_TEXT_CHARS = 1 << 20  # above this, only the head and tail are scanned
HEAD_CHARS = 512 << 10
TAIL_CHARS = 128 << 10
MAX_BINARY_BYTES = 4 << 20  # larger binaries are skipped (noted), smaller ones stringified
CHUNK_FILES = 32
_STRINGS = re.compile(rb"[\x20-\x7e\t]{6,}")

CopyrightExtractor = Callable[[str, str], list[Copyright]]


def _copyright_extractor() -> CopyrightExtractor | None:
    """The copyright extractor when its module is present (it is developed separately)."""
    try:
        from ospo.licenses import copyrights  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    func = getattr(copyrights, "extract_copyrights", None)
    return func if callable(func) else None


def scan_text(relpath: str, text: str) -> FileLicenses:
    """Licences and copyrights of one text (no prefilter: the caller asked for this one)."""
    result = FileLicenses(path=relpath)
    _scan_into(result, relpath, text)
    return result


def _scan_into(result: FileLicenses, relpath: str, text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        result.notes.append(
            FileProblem(
                relpath,
                "partial",
                f"{len(text):,} characters: only the first {HEAD_CHARS:,} and last "
                f"{TAIL_CHARS:,} were scanned for licences",
            )
        )
        head = text[:HEAD_CHARS]
        tail_start = len(text) - TAIL_CHARS
        skipped_lines = text.count("\n", len(head), tail_start)
        # Keep line numbers true: the skipped middle becomes as many empty lines.
        text = head + "\n" * skipped_lines + text[tail_start:]
    result.findings.extend(detect(relpath, text))
    extractor = _copyright_extractor()
    if extractor is not None:
        try:
            result.copyrights.extend(extractor(relpath, text))
        except ParseError as exc:
            result.notes.append(FileProblem.from_parse_error(exc))


def scan_file(path: str, relpath: str, prefilter: bool = True) -> FileLicenses:
    """Read and scan one file; problems become notes, never exceptions."""
    result = FileLicenses(path=relpath)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        result.scanned = False
        result.notes.append(FileProblem(relpath, "unreadable", str(exc.strerror or exc)))
        return result
    if len(data) > MAX_FILE_BYTES:
        data = data[:MAX_FILE_BYTES]
        result.notes.append(FileProblem(relpath, "too-large", f"only the first {MAX_FILE_BYTES:,} bytes were read"))
    result.size = len(data)
    result.sha1 = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    if is_binary(data[:BINARY_SNIFF_BYTES]):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16", errors="replace")
        elif len(data) > MAX_BINARY_BYTES:
            result.scanned = False
            result.notes.append(FileProblem(relpath, "unsupported", "binary file too large to search for licence text"))
            return result
        else:
            strings = _STRINGS.findall(data)
            text = b"\n".join(strings).decode("ascii", errors="replace")
            if not looks_licensed(text):
                result.scanned = False
                return result
            result.notes.append(FileProblem(relpath, "note", "binary file: scanned its printable strings"))
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        text = data.decode("utf-8", errors="replace")
    if prefilter and not looks_licensed(text):
        result.scanned = False
        return result
    try:
        _scan_into(result, relpath, text)
    except (RecursionError, MemoryError):  # pragma: no cover - defensive: never kill the run
        result.notes.append(FileProblem(relpath, "parse", "licence detection failed on this file"))
    return result


def _scan_chunk(chunk: list[tuple[str, str]]) -> list[FileLicenses]:
    return [scan_file(path, rel) for path, rel in chunk]


def _worker_init() -> None:
    from ospo.licenses.detect import matcher

    matcher().index.automaton()


def _chunks(files: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    chunk: list[tuple[str, str]] = []
    for item in files:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def scan_files(
    files: list[tuple[str, str]],
    processes: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> list[FileLicenses]:
    """Scan (path, relpath) pairs, spread over `processes` workers (default: CPU count).

    This is the entry for callers that walked the tree already (`ospo scan` walks once for
    inventory and licences) and hand over the files they chose.
    """
    workers = processes or os.cpu_count() or 1
    results: list[FileLicenses] = []
    if workers <= 1 or len(files) <= CHUNK_FILES:
        _worker_init()
        for chunk in _chunks(files, CHUNK_FILES):
            results.extend(_scan_chunk(chunk))
            if progress is not None:
                progress(len(results))
        return results
    size = max(4, min(CHUNK_FILES, len(files) // (workers * 4) or 1))
    # fork shares the index the parent just loaded; elsewhere each worker loads it.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "fork":
        _worker_init()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init) as pool:
        for batch in pool.map(_scan_chunk, _chunks(files, size)):
            results.extend(batch)
            if progress is not None:
                progress(len(results))
    return results


def scan_tree(
    root: str,
    processes: int | None = None,
    walk: WalkOptions | None = None,
    progress: Callable[[int], Any] | None = None,
    declared_metadata: str | None = None,
) -> LicenseScan:
    """Scan every file under `root` (or the one file `root` is).

    `processes` defaults to the CPU count; 1 scans in this process. `progress` is called
    with the number of files finished after each chunk. `declared_metadata` is a licence
    expression from package metadata, if the caller knows one.
    """
    from ospo.licenses.data import data_version
    from ospo.licenses.summary import summarise

    walker = Walker(root, walk or WalkOptions())
    files = [(f.path, f.relpath) for f in walker]
    results = scan_files(files, processes, progress)
    results.sort(key=lambda r: r.path)
    scan = LicenseScan(root=root, files=results, problems=list(walker.problems), files_seen=walker.files_seen)
    scan.data_version = data_version()
    for result in results:
        scan.problems.extend(n for n in result.notes if n.kind != "note")
    scan.packages = summarise(root, results, declared_metadata)
    return scan
