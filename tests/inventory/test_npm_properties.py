"""Property tests: npm-family parsers let only ParseError escape, on any input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospo.inventory.parsers import npm_lock, package_json, pnpm_lock, yarn_lock
from ospo.inventory.parsers._npm import npm_purl
from ospo.inventory.purls import make_purl
from ospo.model import ManifestResult, ParseError

FIX = Path(__file__).parents[1] / "fixtures" / "npm"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Parser = Callable[[str, str], ManifestResult]
CASES: list[tuple[Parser, str, str]] = [
    (npm_lock.parse, "package-lock.json", "npm-workspace/package-lock.json"),
    (npm_lock.parse, "package-lock.json", "npm-v1/package-lock.json"),
    (npm_lock.parse, "node_modules/.package-lock.json", "installed/node_modules/.package-lock.json"),
    (yarn_lock.parse, "yarn.lock", "yarn-classic/yarn.lock"),
    (yarn_lock.parse, "yarn.lock", "yarn-berry/yarn.lock"),
    (pnpm_lock.parse, "pnpm-lock.yaml", "pnpm-workspace/pnpm-lock.yaml"),
    (pnpm_lock.parse, "pnpm-lock.yaml", "pnpm-v6-workspace/pnpm-lock.yaml"),
    (pnpm_lock.parse, "pnpm-lock.yaml", "pnpm-v5-workspace/pnpm-lock.yaml"),
    (package_json.parse, "package.json", "npm-workspace/packages/a/package.json"),
    (package_json.parse, "node_modules/debug/package.json", "installed/node_modules/debug/package.json"),
]
TEXTS = {rel: (FIX / rel).read_text() for _, _, rel in CASES}
PARSERS: list[tuple[Parser, str]] = [(p, name) for p, name, _ in CASES]


def only_parse_error(parser: Parser, path: str, text: str) -> None:
    try:
        result = parser(path, text)
    except ParseError as exc:
        assert exc.path == path
        return
    assert isinstance(result, ManifestResult)
    for comp in result.components:
        assert comp.purl.startswith("pkg:npm/")
        assert comp.locations and comp.locations[0].path == path
    for src, dst in result.edges:
        assert isinstance(src, str) and isinstance(dst, str) and src and dst


@SETTINGS
@given(st.sampled_from(PARSERS), st.text(max_size=400))
def test_garbage_text(case: tuple[Parser, str], text: str) -> None:
    only_parse_error(case[0], case[1], text)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Parser, str, str]:
    parser, path, rel = draw(st.sampled_from(CASES))
    text = TEXTS[rel]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "delete", "insert", "duplicate", "swap-quote"]))
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 200)))
        if kind == "truncate":
            text = text[:a]
        elif kind == "delete":
            text = text[:a] + text[b:]
        elif kind == "insert":
            text = (
                text[:a]
                + draw(st.sampled_from(['"', "{", "}", "[", ":", "\n  ", "@", "(", "\t", "- ", ",", "null"]))
                + text[a:]
            )
        elif kind == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        else:
            text = text[:a] + text[a:b].replace('"', "'") + text[b:]
    return parser, path, text


@SETTINGS
@given(mutated())
def test_mutated_real_inputs(case: tuple[Parser, str, str]) -> None:
    only_parse_error(*case)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["", "node_modules/a", "node_modules/@s/b", "node_modules/a/node_modules/b", "packages/x", "../y", "a"]
)
FIELDS = st.sampled_from(
    [
        "version",
        "name",
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
        "link",
        "resolved",
        "integrity",
        "license",
        "licenses",
        "dev",
        "optional",
        "requires",
        "importers",
        "packages",
        "snapshots",
        "specifier",
        "resolution",
        "checksum",
        "lockfileVersion",
        "workspaces",
    ]
)
ENTRY = st.dictionaries(FIELDS, JSONISH | st.dictionaries(KEYS | st.text(max_size=8), JSONISH, max_size=3), max_size=6)


@SETTINGS
@given(
    st.dictionaries(FIELDS, JSONISH, max_size=4),
    st.dictionaries(KEYS, ENTRY, max_size=6),
    st.integers(-1, 10),
)
def test_structured_lockfiles(top: dict[str, object], packages: dict[str, object], version: int) -> None:
    """Well-formed JSON/YAML with lockfile-like keys and wrong-typed values anywhere."""
    doc = {**top, "lockfileVersion": version, "packages": packages, "dependencies": packages}
    only_parse_error(npm_lock.parse, "package-lock.json", json.dumps(doc))
    only_parse_error(package_json.parse, "package.json", json.dumps(doc))
    only_parse_error(package_json.parse, "node_modules/a/package.json", json.dumps(doc))
    doc_yaml = {**doc, "lockfileVersion": f"{version}.0", "importers": {".": top}, "snapshots": packages}
    only_parse_error(pnpm_lock.parse, "pnpm-lock.yaml", yaml.safe_dump(doc_yaml))
    berry = {"__metadata": {"version": 8}, **{f"{k}@npm:1": v for k, v in packages.items()}}
    only_parse_error(yarn_lock.parse, "yarn.lock", yaml.safe_dump(berry))


NAME = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
SIMPLE = st.from_regex(r"[A-Za-z0-9._~-]{1,20}", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(SIMPLE, NAME),
    st.one_of(st.none(), SIMPLE, NAME),
    st.one_of(st.none(), NAME, st.text(max_size=20)),
)
def test_npm_purl_equals_packageurl(name: str, scope: str | None, version: str | None) -> None:
    full = f"@{scope}/{name}" if scope else name
    namespace = f"@{scope}" if scope and "/" not in name else None
    if scope and ("/" in name or "/" in scope):
        return  # not a valid scoped name; split_name would not split it the same way
    expected_name = name if namespace else full
    try:
        expected = make_purl("npm", expected_name, version, namespace)
    except (ValueError, TypeError):
        return  # packageurl refuses it; npm_purl still returns a string
    assert npm_purl(full, version) == expected


def test_deep_yaml_is_refused_not_a_crash() -> None:
    """libyaml's composer recurses in C: very deep YAML would kill the process."""
    for text in ("[" * 50_000, "- " * 50_000, "__metadata:\n  a: " + "{" * 50_000):
        for parser in (pnpm_lock.parse, yarn_lock.parse):
            try:
                parser("lock", text)
            except ParseError:
                continue
            raise AssertionError("deep YAML was accepted")


def test_notes_are_capped() -> None:
    entries = "".join(f'e{i}@1:\n  resolved "x"\n\n' for i in range(500))
    result = yarn_lock.parse("yarn.lock", entries)
    assert len(result.notes) == 101 and "400 more" in result.notes[-1].message


@settings(max_examples=200, deadline=None)
@given(st.one_of(SIMPLE, st.builds(lambda s, n: f"@{s}/{n}", SIMPLE, SIMPLE)), st.one_of(st.none(), SIMPLE))
def test_npm_component_equals_shared_builder(full: str, version: str | None) -> None:
    """npm_component is purls.component for npm, only faster."""
    from ospo.inventory.parsers._npm import npm_component, split_name
    from ospo.inventory.purls import component

    namespace, name = split_name(full)
    expected = component("npm", name, version, "p", namespace=namespace, line=3, declared_range="^1")
    assert npm_component(full, version, "p", line=3, declared_range="^1") == expected
