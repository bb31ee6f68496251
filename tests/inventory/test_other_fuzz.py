"""Property tests: whatever the input, these parsers return a result or raise ParseError.

Inputs are garbage text, mutated real fixtures (truncated, spliced, characters replaced,
lines shuffled) and random JSON/YAML/TOML-shaped documents, so type confusion (a list
where a table was expected) is exercised as well as syntax errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers import cargo, cocoapods, composer, golang, gradle, maven, nuget, pub, ruby, swift
from ospo.model import ManifestResult, ParseError

FIX = Path(__file__).parents[1] / "fixtures"

# (parser, fixture files whose mutations feed it)
CASES: list[tuple[ParserSpec, list[Path]]] = [
    (cargo.PARSERS[0], [FIX / "cargo/workspace/Cargo.lock", FIX / "cargo/v1/Cargo.lock"]),
    (
        cargo.PARSERS[1],
        [FIX / "cargo/workspace/crates/app/Cargo.toml", FIX / "cargo/workspace/crates/core/Cargo.toml"],
    ),
    (golang.PARSERS[0], [FIX / "golang/service/go.mod"]),
    (golang.PARSERS[1], [FIX / "golang/service/go.sum"]),
    (golang.PARSERS[2], [FIX / "golang/workspace/go.work"]),
    (golang.PARSERS[3], [FIX / "golang/vendored/vendor/modules.txt"]),
    (cocoapods.PARSER, [FIX / "cocoapods/app/Podfile.lock"]),
    (maven.PARSER, [FIX / "maven/multi/pom.xml", FIX / "maven/multi/acme-web/pom.xml"]),
    (gradle.PARSERS[0], [FIX / "gradle/android/app/gradle.lockfile"]),
    (gradle.PARSERS[1], [FIX / "gradle/android/gradle/libs.versions.toml"]),
    (
        gradle.PARSERS[2],
        [
            FIX / "gradle/multi/build.gradle",
            FIX / "gradle/multi/core/build.gradle",
            FIX / "gradle/kotlin-app/app/build.gradle.kts",
        ],
    ),
    (ruby.PARSERS[0], [FIX / "ruby/app/Gemfile.lock", FIX / "ruby/gem/Gemfile.lock"]),
    (ruby.PARSERS[1], [FIX / "ruby/app/Gemfile"]),
    (composer.PARSERS[0], [FIX / "composer/site/composer.lock"]),
    (composer.PARSERS[1], [FIX / "composer/site/composer.json"]),
    (nuget.PARSERS[2], [FIX / "nuget/legacy/packages.config"]),
    (nuget.PARSERS[0], [FIX / "nuget/Acme.Api/packages.lock.json"]),
    (nuget.PARSERS[1], [FIX / "nuget/Acme.Api/Acme.Api.csproj"]),
    (swift.PARSER, [FIX / "swift/v1/Package.resolved", FIX / "swift/v3/Package.resolved"]),
    (pub.PARSERS[0], [FIX / "pub/app/pubspec.lock"]),
    (pub.PARSERS[1], [FIX / "pub/app/pubspec.yaml"]),
]
IDS = [spec.name for spec, _ in CASES]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _survives(spec: ParserSpec, text: str) -> None:
    try:
        result = spec.parse("fuzz/input", text)
    except ParseError as exc:
        assert exc.path == "fuzz/input"
        return
    assert isinstance(result, ManifestResult)
    for comp in result.components:
        assert comp.purl.startswith("pkg:")


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "replace", "insert", "delete", "lines", "splice"]))
        n = len(text)
        i = draw(st.integers(0, max(n - 1, 0)))
        if kind == "truncate":
            text = text[:i]
        elif kind == "replace" and n:
            text = text[:i] + draw(st.text(min_size=1, max_size=3)) + text[i + 1 :]
        elif kind == "insert":
            chunk = draw(
                st.sampled_from(
                    ['"', "[", "]", "{", "}", "<", ">", "(", ")", "\n", "  ", "=", ":", "${", "\x00", "'", "/*", "//"]
                )
            )
            text = text[:i] + chunk + text[i:]
        elif kind == "delete":
            j = draw(st.integers(i, min(n, i + 40)))
            text = text[:i] + text[j:]
        elif kind == "lines":
            lines = text.splitlines(keepends=True)
            text = "".join(draw(st.permutations(lines))) if len(lines) < 400 else text
        else:
            j = draw(st.integers(0, max(n - 1, 0)))
            text = text[:i] + text[j : j + 200] + text[i:]
    return text


@pytest.mark.parametrize(("spec", "files"), CASES, ids=IDS)
def test_mutated_fixtures_only_raise_parse_error(spec: ParserSpec, files: list[Path]) -> None:
    texts = [f.read_text() for f in files]

    @FUZZ
    @given(mutated(texts))
    def run(text: str) -> None:
        _survives(spec, text)

    run()


@pytest.mark.parametrize(("spec", "files"), CASES, ids=IDS)
def test_garbage_only_raises_parse_error(spec: ParserSpec, files: list[Path]) -> None:
    @FUZZ
    @given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
    def run(text: str) -> None:
        _survives(spec, text)

    run()


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
_keys = st.sampled_from(
    [
        "packages",
        "packages-dev",
        "pins",
        "object",
        "state",
        "version",
        "name",
        "dependencies",
        "require",
        "license",
        "dist",
        "shasum",
        "type",
        "resolved",
        "contentHash",
        "location",
        "identity",
        "kind",
        "description",
        "source",
        "dependency",
        "sha256",
        "url",
        "net6.0",
        "A",
        "b/c",
    ]
) | st.text(max_size=6)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=25,
)

JSON_SPECS = [composer.PARSERS[0], composer.PARSERS[1], nuget.PARSERS[0], swift.PARSER]


@pytest.mark.parametrize("spec", JSON_SPECS, ids=[s.name for s in JSON_SPECS])
def test_random_json_documents(spec: ParserSpec) -> None:
    @FUZZ
    @given(_documents)
    def run(doc: object) -> None:
        _survives(spec, json.dumps(doc))

    run()


def test_random_yaml_documents_for_pubspec_lock() -> None:
    @FUZZ
    @given(_documents)
    def run(doc: object) -> None:
        _survives(pub.PARSERS[0], yaml.safe_dump({"packages": doc}))
        _survives(pub.PARSERS[0], yaml.safe_dump(doc))

    run()


_POD_SECTIONS = ["PODS", "DEPENDENCIES", "SPEC REPOS", "EXTERNAL SOURCES", "CHECKOUT OPTIONS", "SPEC CHECKSUMS"]


def test_random_yaml_documents_for_podfile_lock() -> None:
    @FUZZ
    @given(st.dictionaries(st.sampled_from(_POD_SECTIONS), _documents, max_size=6), _documents)
    def run(doc: dict[str, object], pods: object) -> None:
        _survives(cocoapods.PARSER, yaml.safe_dump(doc))
        _survives(cocoapods.PARSER, yaml.safe_dump({**doc, "PODS": [pods, "A (1.0)", {"B/c (2)": pods}]}))

    run()


_toml_values = st.recursive(
    st.booleans() | st.integers(-5, 5) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)


def _toml(doc: object, depth: int = 0) -> str:
    """A tiny TOML writer for random documents (inline tables and arrays only)."""
    if isinstance(doc, bool):
        return "true" if doc else "false"
    if isinstance(doc, int):
        return str(doc)
    if isinstance(doc, str):
        return json.dumps(doc)
    if isinstance(doc, list):
        return "[" + ", ".join(_toml(v, depth + 1) for v in doc) + "]"
    assert isinstance(doc, dict)
    items = ", ".join(f"{json.dumps(k)} = {_toml(v, depth + 1)}" for k, v in doc.items())
    return "{" + items + "}"


TOML_SPECS = [cargo.PARSERS[0], cargo.PARSERS[1], gradle.PARSERS[1]]
TOML_KEYS = [
    "package",
    "metadata",
    "dependencies",
    "dev-dependencies",
    "target",
    "workspace",
    "libraries",
    "versions",
    "plugins",
    "version",
]


@pytest.mark.parametrize("spec", TOML_SPECS, ids=[s.name for s in TOML_SPECS])
def test_random_toml_documents(spec: ParserSpec) -> None:
    @FUZZ
    @given(st.dictionaries(st.sampled_from(TOML_KEYS), _toml_values, max_size=4))
    def run(doc: dict[str, object]) -> None:
        text = "\n".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in doc.items())
        _survives(spec, text)

    run()


def test_huge_and_deep_inputs_stay_parse_errors() -> None:
    deep_json = "[" * 100_000 + "]" * 100_000
    for spec in JSON_SPECS:
        _survives(spec, deep_json)
    deep_toml = "x = " + "[" * 100_000 + "]" * 100_000
    for spec in TOML_SPECS:
        _survives(spec, deep_toml)
    _survives(pub.PARSERS[0], "packages: " + "[" * 50_000 + "]" * 50_000)
    bomb = "a: &a ['x','x']\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    _survives(pub.PARSERS[0], bomb + "packages: *i\n")
    _survives(cocoapods.PARSER, "PODS: " + "[" * 50_000 + "]" * 50_000)
    _survives(cocoapods.PARSER, bomb + "PODS: *i\nDEPENDENCIES: *i\nSPEC REPOS: {x: *i}\n")
