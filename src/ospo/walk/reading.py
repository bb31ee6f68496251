"""Reading one file safely: bounded size, binary sniffing, tolerant decoding."""

from __future__ import annotations

from pathlib import Path

from ospo.model import ParseError

BINARY_SNIFF_BYTES = 8192

# Control bytes that never appear in text files (everything below 0x20 except \t \n \f \r
# and ESC, which shows up in terminal-coloured logs).
_TEXT_CONTROL = {0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_BINARY_BYTES = bytes(b for b in range(0x20) if b not in _TEXT_CONTROL)


def is_binary(head: bytes) -> bool:
    """Guess from the first bytes whether data is binary, the way git and file(1) do.

    A NUL byte decides at once (UTF-16 text is treated as binary, as git does); otherwise
    more than 10% of control characters means binary.
    """
    if not head:
        return False
    sample = head[:BINARY_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    return controls * 10 > len(sample)


def read_bytes(path: Path | str, max_bytes: int, display: str | None = None) -> bytes:
    """Read a whole file of at most `max_bytes`, or raise ParseError naming it."""
    name = display or str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(name, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ParseError(name, f"larger than the {max_bytes:,}-byte limit for this kind of file")
    return data


def read_text(path: Path | str, max_bytes: int, display: str | None = None) -> str:
    """Read a text file for a parser: refuses binary content, decodes UTF-8 leniently.

    A byte-order mark is dropped; undecodable bytes become U+FFFD so that one stray Latin-1
    byte in a comment does not lose the whole manifest.
    """
    name = display or str(path)
    data = read_bytes(path, max_bytes, name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if is_binary(data[:BINARY_SNIFF_BYTES]):
        raise ParseError(name, "binary content where a text file was expected")
    return data.decode("utf-8", errors="replace")
