"""One pass over a source tree, shared by every scanner.

Each stage (inventory, licences) only decides which files it claims; the tree is read once.
The walker is careful rather than clever: .gitignore rules are honoured per directory,
symlinks never lead outside the root or round in a loop, and unreadable folders become
reported problems instead of exceptions.
"""

from ospo.walk.reading import (
    BINARY_SNIFF_BYTES,
    is_binary,
    load_toml,
    load_yaml,
    read_bytes,
    read_text,
    yaml_nesting_guard,
)
from ospo.walk.walker import WalkedFile, Walker, WalkOptions

__all__ = [
    "BINARY_SNIFF_BYTES",
    "WalkOptions",
    "WalkedFile",
    "Walker",
    "is_binary",
    "load_toml",
    "load_yaml",
    "read_bytes",
    "read_text",
    "yaml_nesting_guard",
]
