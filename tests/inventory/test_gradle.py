from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory.parsers.gradle import (
    configuration_scope,
    parse_gradle_lockfile,
    parse_version_catalog,
)
from ospo.inventory.registry import parser_for
from ospo.model import ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "gradle" / "android"


def test_configuration_scope() -> None:
    assert configuration_scope(["testCompileClasspath", "debugUnitTestRuntimeClasspath"]) is Scope.TEST
    assert configuration_scope(["releaseRuntimeClasspath", "testRuntimeClasspath"]) is Scope.RUNTIME
    assert configuration_scope(["kapt"]) is Scope.DEV
    assert configuration_scope(["debugCompileClasspath", "kotlinCompilerClasspath"]) is Scope.RUNTIME


def test_gradle_lockfile() -> None:
    result = parse_gradle_lockfile("app/gradle.lockfile", (FIX / "app" / "gradle.lockfile").read_text())
    by = {c.purl: c for c in result.components}
    assert len(by) == 12  # 'empty=' is not a package
    okhttp = by["pkg:maven/com.squareup.okhttp3/okhttp@4.12.0"]
    assert okhttp.scope is Scope.RUNTIME and okhttp.direct is None and okhttp.locations[0].line == 6
    assert by["pkg:maven/junit/junit@4.13.2"].scope is Scope.TEST
    dagger = by["pkg:maven/com.google.dagger/dagger-compiler@2.48.1"]
    assert dagger.scope is Scope.DEV and ("gradle:configurations", "kapt") in dagger.properties


def test_legacy_per_configuration_lockfile() -> None:
    relpath = "gradle/dependency-locks/testRuntimeClasspath.lockfile"
    spec = parser_for("testRuntimeClasspath.lockfile", relpath)
    assert spec is not None and spec.name == "gradle-lockfile"
    result = spec.parse(relpath, "# comment\norg.hamcrest:hamcrest-core:1.3\n")
    assert result.components[0].scope is Scope.TEST


def test_version_catalog() -> None:
    result = parse_version_catalog("gradle/libs.versions.toml", (FIX / "gradle" / "libs.versions.toml").read_text())
    by = {c.properties[0][1]: c for c in result.components}
    assert by["okhttp"].purl == "pkg:maven/com.squareup.okhttp3/okhttp"
    assert by["okhttp"].declared_range == "4.12.0" and by["okhttp"].locations[0].line == 8
    assert by["okhttp-logging"].name == "logging-interceptor"
    assert by["retrofit"].declared_range == "[2.9, 3.0["  # rich version: strictly
    assert by["gson"].declared_range == "2.10.1"
    assert by["kotlin-stdlib"].declared_range == "1.9.20"
    assert by["androidx-ui"].declared_range is None  # version from a BOM
    assert all(c.direct and not c.resolved for c in result.components)
    plugin = by["kotlin-android"]
    assert plugin.scope is Scope.DEV and plugin.declared_range == "1.9.20"
    assert by["detekt"].namespace == "io.gitlab.arturbosch.detekt"


def test_catalog_missing_ref_is_reported() -> None:
    result = parse_version_catalog("libs.versions.toml", '[libraries]\nx = { module = "g:a", version.ref = "nope" }\n')
    assert result.components[0].declared_range is None
    assert result.notes and "nope" in result.notes[0].message


def test_gradle_lockfile_malformed() -> None:
    with pytest.raises(ParseError) as err:
        parse_gradle_lockfile("gradle.lockfile", "a:b:1=x\nnonsense=foo\n")
    assert err.value.line == 2
