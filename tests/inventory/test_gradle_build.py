from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospo.inventory.collector import build_inventory
from ospo.inventory.parsers.gradle import declaration_scope, parse_build_script
from ospo.inventory.registry import parser_for
from ospo.model import Component, ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "gradle"


def _parse(relpath: str) -> dict[str, Component]:
    result = parse_build_script(relpath, (FIX / relpath).read_text())
    return {c.purl: c for c in result.components}


def test_claims() -> None:
    for name in ("build.gradle", "build.gradle.kts"):
        spec = parser_for(name, f"app/{name}")
        assert spec is not None and spec.name == "gradle-build-script"
    assert parser_for("settings.gradle", "settings.gradle") is None


def test_declaration_scope() -> None:
    assert declaration_scope("implementation") is Scope.RUNTIME
    assert declaration_scope("api") is Scope.RUNTIME
    assert declaration_scope("runtimeOnly") is Scope.RUNTIME
    assert declaration_scope("compile") is Scope.RUNTIME
    assert declaration_scope("releaseImplementation") is Scope.RUNTIME
    assert declaration_scope("compileOnly") is Scope.OPTIONAL
    assert declaration_scope("debugCompileOnly") is Scope.OPTIONAL
    for dev in ("annotationProcessor", "kapt", "ksp", "kspAndroid", "classpath", "developmentOnly", "detekt"):
        assert declaration_scope(dev) is Scope.DEV, dev
    for test in ("testImplementation", "testRuntimeOnly", "androidTestImplementation", "kaptTest", "testFixturesApi"):
        assert declaration_scope(test) is Scope.TEST, test
    assert declaration_scope("implementation", buildscript=True) is Scope.DEV


def test_groovy_root_script_buildscript_ext_and_subprojects() -> None:
    by = _parse("multi/build.gradle")
    assert "pkg:maven/not/a" not in "".join(by)  # the block comment's text is not read
    plugin = by["pkg:maven/org.jetbrains.kotlin/kotlin-gradle-plugin@1.9.20"]  # ${kotlinVersion} from ext { }
    assert plugin.scope is Scope.DEV and ("gradle:buildscript", "true") in plugin.properties
    assert plugin.locations[0].line == 13
    slf4j = by["pkg:maven/org.slf4j/slf4j-api@2.0.9"]
    assert slf4j.scope is Scope.RUNTIME and slf4j.direct and slf4j.resolved and slf4j.declared_range == "2.0.9"
    bom = by["pkg:maven/org.junit/junit-bom@5.10.1"]
    assert bom.scope is Scope.TEST and ("gradle:platform", "true") in bom.properties
    jupiter = by["pkg:maven/org.junit.jupiter/junit-jupiter"]
    assert not jupiter.resolved and jupiter.declared_range is None and jupiter.version is None
    assert len(by) == 5


def test_groovy_module_notations() -> None:
    result = parse_build_script("multi/core/build.gradle", (FIX / "multi/core/build.gradle").read_text())
    by = {c.purl: c for c in result.components}
    assert all(c.direct for c in by.values())
    assert by["pkg:maven/com.fasterxml.jackson/jackson-bom@2.15.3"].scope is Scope.RUNTIME
    # from gradle.properties: another file, so left as declared and noted
    jsr310 = by["pkg:maven/com.fasterxml.jackson.datatype/jackson-datatype-jsr310"]
    assert jsr310.declared_range == "$jacksonVersion" and not jsr310.resolved
    assert any("jacksonVersion" in n.message and n.line == 8 for n in result.notes)
    assert by["pkg:maven/org.apache.commons/commons-lang3@3.13.0"].locations[0].line == 9  # map, def variable
    assert by["pkg:maven/org.apache.commons/commons-text@1.11.0"].locations[0].line == 10  # map over 3 lines
    assert by["pkg:maven/com.google.guava/guava"].declared_range == "${guavaVersion}"  # ext of the root script
    lombok = [c for c in result.components if c.name == "lombok"]
    assert [c.scope for c in lombok] == [Scope.OPTIONAL, Scope.DEV]
    assert by["pkg:maven/io.netty/netty-transport-native-epoll@4.1.100.Final?classifier=linux-x86_64"]
    assert by["pkg:maven/org.webjars/jquery@3.7.1?type=jar"]
    assert by["pkg:maven/com.example/dynamic"].declared_range == "1.+"
    assert by["pkg:maven/com.example/ranged"].declared_range == "[1.0,2.0)"
    mockito = by["pkg:maven/org.mockito/mockito-core@5.7.0"]
    assert mockito.scope is Scope.TEST and mockito.locations[0].line == 24
    assert "pkg:maven/net.bytebuddy/byte-buddy-agent" not in by  # exclude in a closure
    assert not any(c.namespace == "commented" for c in by.values())
    assert by["pkg:maven/org.example/has-a-comment@1.0"].locations[0].line == 28
    assert len(result.components) == 16  # files() and fileTree() are not components


def test_groovy_project_dependencies_and_enforced_platform() -> None:
    by = _parse("multi/web/build.gradle")
    assert not any(c.name == "core" for c in by.values())  # project(':core') is in-tree
    boot = by["pkg:maven/org.springframework.boot/spring-boot-dependencies@3.2.0"]
    assert ("gradle:platform", "enforced") in boot.properties
    devtools = by["pkg:maven/org.springframework.boot/spring-boot-devtools"]
    assert devtools.scope is Scope.DEV and ("gradle:configuration", "developmentOnly") in devtools.properties
    assert by["pkg:maven/com.example/debug-tools@0.3"].scope is Scope.RUNTIME
    assert "pkg:maven/org.springframework.boot/spring-boot.gradle.plugin" not in by  # plugins { } not read


def test_kotlin_dsl_android_app() -> None:
    path = "kotlin-app/app/build.gradle.kts"
    result = parse_build_script(path, (FIX / path).read_text())
    by = {c.purl: c for c in result.components}
    assert by["pkg:maven/androidx.room/room-runtime@2.6.1"].scope is Scope.RUNTIME  # val roomVersion
    assert by["pkg:maven/androidx.room/room-compiler@2.6.1"].scope is Scope.DEV  # ksp
    assert by["pkg:maven/com.google.dagger/dagger-compiler@2.48.1"].scope is Scope.DEV  # kapt
    assert by["pkg:maven/androidx.lifecycle/lifecycle-runtime-ktx@2.6.2"]  # val lifecycle: String
    assert by["pkg:maven/com.jakewharton.timber/timber@5.0.1"].locations[0].line == 28  # named arguments
    assert ("gradle:platform", "true") in by["pkg:maven/com.google.firebase/firebase-bom@32.7.0"].properties
    assert not by["pkg:maven/org.jetbrains.kotlin/kotlin-stdlib"].resolved  # kotlin("stdlib")
    assert by["pkg:maven/io.coil-kt/coil@2.5.0"].locations[0].line == 31
    assert by["pkg:maven/androidx.test.espresso/espresso-core@3.5.1"].scope is Scope.TEST
    assert by["pkg:maven/com.squareup.leakcanary/leakcanary-android@2.12"].scope is Scope.RUNTIME
    assert by["pkg:maven/com.example/strict"].declared_range == "1.0!!"
    assert not any(c.namespace in ("x", "ignored") for c in by.values())
    catalog = [n for n in result.notes if "version catalog" in n.message]
    assert [n.line for n in catalog] == [20, 21, 22, 36]
    assert len(by) == 12


def test_kotlin_buildscript_classpath() -> None:
    by = _parse("kotlin-app/build.gradle.kts")
    assert list(by) == ["pkg:maven/com.android.tools.build/gradle@8.1.4"]
    assert by["pkg:maven/com.android.tools.build/gradle@8.1.4"].scope is Scope.DEV


def test_kotlin_app_tree_with_catalog() -> None:
    inventory = build_inventory(str(FIX / "kotlin-app"))
    by = {c.purl: c for c in inventory.components}
    assert "pkg:maven/com.squareup.okhttp3/okhttp" in by  # from the catalog the notes point to
    assert "pkg:maven/androidx.room/room-runtime@2.6.1" in by
    assert not [p for p in inventory.problems if p.kind == "parse"]


def test_build_script_with_lockfile_gives_one_pinned_direct_component_per_module() -> None:
    inventory = build_inventory(str(FIX / "locked"))
    by: dict[str, list[Component]] = {}
    for comp in inventory.components:
        by.setdefault(comp.name, []).append(comp)
    assert all(len(v) == 1 for v in by.values()), by
    okhttp, guava, gson, junit = by["okhttp"][0], by["guava"][0], by["gson"][0], by["junit"][0]
    assert okhttp.version == "4.12.0" and okhttp.direct and okhttp.resolved
    assert guava.version == "32.1.3-jre" and guava.direct and guava.declared_range == "32.+"
    assert gson.version == "2.10.1" and gson.direct and gson.declared_range == "$gsonVersion"
    assert junit.version == "4.13.2" and junit.direct and junit.scope is Scope.TEST
    assert {loc.path for loc in guava.locations} == {"build.gradle", "gradle.lockfile"}
    assert by["okio"][0].direct is None  # transitive: only the lockfile names it
    assert all(c.resolved for c in inventory.components)


def test_a_version_the_build_raised_is_the_lockfiles(tmp_path: Path) -> None:
    """`'g:a:1.0'` asks for at least 1.0; when the lockfile pins 1.1, 1.1 is what ships."""
    (tmp_path / "build.gradle").write_text(
        "dependencies {\n    implementation 'org.example:lib:1.0'\n    implementation 'org.example:solo:2.0'\n}\n",
        encoding="utf-8",
    )
    sub = tmp_path / "app"
    sub.mkdir()
    (sub / "build.gradle").write_text("dependencies { api 'org.example:lib:0.9' }\n", encoding="utf-8")
    (tmp_path / "gradle.lockfile").write_text(
        "org.example:lib:1.1=compileClasspath,runtimeClasspath\n", encoding="utf-8"
    )
    inventory = build_inventory(str(tmp_path))
    by = {c.purl: c for c in inventory.components}
    assert sorted(by) == ["pkg:maven/org.example/lib@1.1", "pkg:maven/org.example/solo@2.0"]
    lib = by["pkg:maven/org.example/lib@1.1"]
    assert lib.direct and lib.declared_range in ("1.0", "0.9")
    assert {loc.path for loc in lib.locations} == {"build.gradle", "app/build.gradle", "gradle.lockfile"}
    solo = by["pkg:maven/org.example/solo@2.0"]  # no pin: the requested version is the best knowledge
    assert solo.resolved and solo.direct


@pytest.mark.parametrize(
    "text",
    [
        "dependencies {\n  implementation 'a:b:1'\n",  # unclosed block
        "}}}}\ndependencies { implementation 'a:b:1' }\n",
        "dependencies { implementation('a:b:1'\n",  # unclosed call
        'dependencies { implementation "a:b:1\n}',  # unterminated string
        "dependencies { implementation '''a:b:1",  # unterminated triple quote
        "/* never closed\ndependencies { implementation 'a:b:1' }",
        "dependencies { implementation platform(platform(platform('a:b:1'))) }",
        "dependencies { implementation 'just-a-name' ; implementation 'a b:c:1' ; implementation ':b:1' }",
        "dependencies { implementation group: 'g' }",
        "dependencies { implementation deps.okhttp }",
        'dependencies { implementation "$g:$a:1" }',
        "dependencies { add('implementation', 'a:b:1') }",
        "dependencies { implementation 'a:b:1:c:d:e' }",
        "dependencies { implementation '/:/:1' }",
    ],
)
def test_hostile_or_odd_input_gives_a_clean_result_or_a_parse_error(text: str) -> None:
    spec = parser_for("build.gradle", "build.gradle")
    assert spec is not None
    try:
        result = spec.parse("build.gradle", text)
    except ParseError as exc:
        assert exc.path == "build.gradle"
        return
    assert all(c.purl.startswith("pkg:maven/") for c in result.components)


def test_add_and_nested_platform() -> None:
    result = parse_build_script("build.gradle", "dependencies { add('testImplementation', 'a:b:1') }")
    assert result.components[0].scope is Scope.TEST
    result = parse_build_script("build.gradle", "dependencies { api platform(enforcedPlatform('a:b:1')) }")
    assert ("gradle:platform", "true") in result.components[0].properties


def test_variable_cycles_and_conflicts_stay_unresolved() -> None:
    text = (
        "ext { a = \"$b\"\n b = \"$a\" }\ndef c = '1'\ndef c = '2'\n"
        'dependencies {\n implementation "g:x:$a"\n implementation "g:y:$c"\n}\n'
    )
    by = {c.name: c for c in parse_build_script("build.gradle", text).components}
    assert not by["x"].resolved and not by["y"].resolved and by["y"].declared_range == "$c"


def test_binary_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as err:
        parse_build_script("app/build.gradle", "dependencies {\x00\x01")
    assert err.value.path == "app/build.gradle"


@pytest.mark.parametrize(
    "text",
    [
        "dependencies {\n" + "implementation 'a:b:1'\n" * 20_000 + "}\n",
        "(" * 200_000,
        "{" * 200_000 + "}" * 200_000,
        "dependencies { implementation " + "platform(" * 50_000 + "'a:b:1'" + ")" * 50_000 + " }",
        "dependencies { implementation " + '"\\' * 100_000,
        "dependencies { " + "/*" * 100_000,
        "ext { " + 'a = "$a$a"\n' * 2_000 + '}\ndependencies { implementation "g:x:$a" }',
        "dependencies { implementation '" + "a:" * 100_000 + "' }",
        "dependencies { implementation(" + "group = 'g', " * 50_000 + ") }",
    ],
)
def test_huge_inputs_are_linear(text: str) -> None:
    started = time.perf_counter()
    try:
        parse_build_script("build.gradle", text)
    except ParseError:
        pass
    assert time.perf_counter() - started < 5


_WORDS = [
    "dependencies",
    "buildscript",
    "subprojects",
    "ext",
    "implementation",
    "testImplementation",
    "classpath",
    "platform",
    "kotlin",
    "project",
    "files",
    "libs.x.y",
    "def",
    "val",
    "v",
    "group",
    "name",
    "version",
    "add",
    "'g:a:1'",
    "'g:a'",
    '"g:a:$v"',
    '"${v}"',
    "'1.0'",
    "'''",
    '"""',
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=",
    ";",
    "\n",
    "//",
    "/*",
    "*/",
    "@",
    "$",
    "'",
    '"',
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), max_size=60))
def test_random_gradle_token_soup_gives_a_result_or_a_parse_error(words: list[str]) -> None:
    spec = parser_for("build.gradle.kts", "build.gradle.kts")
    assert spec is not None
    try:
        result = spec.parse("fuzz/build.gradle.kts", " ".join(words))
    except ParseError as exc:
        assert exc.path == "fuzz/build.gradle.kts"
        return
    for comp in result.components:
        assert comp.purl.startswith("pkg:maven/") and comp.direct
        assert comp.locations[0].line is not None
