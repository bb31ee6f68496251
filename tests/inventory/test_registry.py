"""The lazy parser table against the parser modules' own declarations."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.inventory import parsers as parsers_package
from ospo.inventory.claims import SHORTLISTS
from ospo.inventory.interface import ParserSpec
from ospo.inventory.registry import PARSER_TABLE, Shortlist, all_parsers, parser_for


def declared_parsers() -> list[ParserSpec]:
    """Every PARSER/PARSERS of every public module of ospo.inventory.parsers, in module order."""
    found: list[ParserSpec] = []
    for info in sorted(pkgutil.iter_modules(parsers_package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{parsers_package.__name__}.{info.name}")
        single = getattr(module, "PARSER", None)
        found.extend([single] if isinstance(single, ParserSpec) else [])
        found.extend(spec for spec in getattr(module, "PARSERS", ()) if isinstance(spec, ParserSpec))
    return found


def test_table_lists_every_declared_parser_in_order_with_the_same_claims() -> None:
    declared = declared_parsers()
    assert [e.name for e in PARSER_TABLE] == [s.name for s in declared]
    for entry, spec in zip(PARSER_TABLE, declared, strict=True):
        assert entry.claims is spec.claims, entry.name
        assert entry.load() is spec
    assert all_parsers() == tuple(declared)


def test_parser_for_loads_the_claiming_parser() -> None:
    spec = parser_for("uv.lock", "sub/uv.lock")
    assert spec is not None and spec.name == "uv-lock"
    assert parser_for("README.md", "README.md") is None


def test_a_lockfile_run_imports_only_its_parser(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text('version = 1\n[[package]]\nname = "a"\nversion = "1.0"\n', encoding="utf-8")
    script = (
        "import sys; from ospo.inventory import build_inventory;"
        f"inv = build_inventory({str(tmp_path)!r});"
        "print(' '.join(sorted(m.rsplit('.', 1)[-1] for m in sys.modules if m.startswith('ospo.inventory.parsers.'))))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    loaded = [name for name in out.split() if not name.startswith("_")]
    assert loaded == ["uv_lock"]


KNOWN_NAMES = sorted({n for names, _ in SHORTLISTS.values() for n in names})
NAME_PARTS = st.sampled_from(
    [*KNOWN_NAMES, "requirements", "dev-requirements", "Requirements", "x", "app", ".lockfile", ".versions.toml",
     ".csproj", ".TXT", ".txt", ".in", ".egg-info", "libs", "constraints", "_constraints", "-requirements"]
)  # fmt: skip
NAMES = st.lists(NAME_PARTS, min_size=1, max_size=3).map("".join) | st.text(max_size=12)
RELDIRS = st.sampled_from(["", "a/", "requirements/", "node_modules/x/", "gradle/dependency-locks/", "x.dist-info/",
                           "x.egg-info/", "vendor/", "testdata/", "node_modules/@s/p/"])  # fmt: skip


SHORTLIST = Shortlist(PARSER_TABLE)


@settings(max_examples=3000, deadline=None)
@given(NAMES, RELDIRS)
def test_the_shortlist_keeps_every_parser_that_would_claim_the_file(name: str, folder: str) -> None:
    claiming = [entry for entry in PARSER_TABLE if entry.claims(name, folder + name)]
    candidates = SHORTLIST.candidates(name)
    assert [entry for entry in candidates if entry in claiming] == claiming, name


def test_every_table_entry_has_a_shortlist() -> None:
    """An entry without one still works (it is asked about every file), but costs every file a call."""
    assert [e.name for e in PARSER_TABLE if e.claims not in SHORTLISTS] == []
