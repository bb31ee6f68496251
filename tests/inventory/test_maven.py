from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory.parsers.maven import parse_pom
from ospo.model import ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "maven" / "multi"


def _parse(sub: str) -> object:
    return parse_pom(f"{sub}pom.xml", (FIX / sub / "pom.xml").read_text())


def test_parent_pom_properties_management_and_profiles() -> None:
    result = parse_pom("pom.xml", (FIX / "pom.xml").read_text())
    assert result.root is not None
    assert result.root.purl == "pkg:maven/com.acme/acme-parent@2.3.0"  # ${revision}
    assert result.root.declared_license == "Apache-2.0"
    assert ("maven:modules", "acme-core,acme-web") in result.root.properties
    by = {c.name: c for c in result.components}
    assert set(by) == {"slf4j-api", "junit-jupiter", "micrometer-core"}  # plugins are not deps
    junit = by["junit-jupiter"]
    assert junit.version == "5.10.0" and junit.scope is Scope.TEST  # version and scope managed
    assert junit.locations[0].line == 74
    micrometer = by["micrometer-core"]
    assert not micrometer.resolved and micrometer.declared_range == "[1.11,1.12)"
    assert ("maven:profile", "metrics") in micrometer.properties
    assert any("micrometer-core" in n.message and n.kind == "note" for n in result.notes)


def test_child_inherits_coordinates_and_notes_parent_managed_versions() -> None:
    result = parse_pom("acme-core/pom.xml", (FIX / "acme-core" / "pom.xml").read_text())
    assert result.root is not None and result.root.purl == "pkg:maven/com.acme/acme-core@2.3.0"
    by = {c.name: c for c in result.components}
    assert not by["guava"].resolved and by["guava"].version is None
    assert {n.line for n in result.notes} == {12, 16}
    servlet = by["jakarta.servlet-api"]
    assert servlet.scope is Scope.RUNTIME and ("maven:scope", "provided") in servlet.properties
    native = by["acme-native"]
    assert ("maven:scope", "system") in native.properties
    assert ("maven:systemPath", "${project.basedir}/lib/acme-native.jar") in native.properties


def test_child_local_management_project_refs_and_optional() -> None:
    result = parse_pom("acme-web/pom.xml", (FIX / "acme-web" / "pom.xml").read_text())
    by = {c.name: c for c in result.components}
    assert by["acme-core"].purl == "pkg:maven/com.acme/acme-core@2.3.0"  # ${project.*} from parent
    assert by["commons-lang3"].version == "3.13.0"  # local dependencyManagement + property
    assert by["hibernate-core"].declared_range == "${hibernate.version}"
    netty = by["netty-transport-native-epoll"]
    assert netty.scope is Scope.OPTIONAL and netty.purl.endswith("?classifier=linux-x86_64")
    assert by["mockito-core"].scope is Scope.TEST


def test_property_cycles_and_growth_stop() -> None:
    pom = """<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version>
<properties><x>${y}</x><y>${x}</y><z>${z}${z}</z></properties>
<dependencies>
<dependency><groupId>g</groupId><artifactId>b</artifactId><version>${x}</version></dependency>
<dependency><groupId>g</groupId><artifactId>c</artifactId><version>${z}</version></dependency>
</dependencies></project>"""
    result = parse_pom("pom.xml", pom)
    assert all(not c.resolved for c in result.components)
    assert all(len(c.declared_range or "") <= 4096 for c in result.components)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<project><artifactId>&lol9;</artifactId></project>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><artifactId>&xxe;</artifactId></project>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_attacks_are_refused(text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_pom("pom.xml", text)
    assert "DOCTYPE" in err.value.message and err.value.line == 2


@pytest.mark.parametrize(
    "text", ["", "<project>", "<notpom/>", "\x00\x01", "<project><dependencies><dependency/></dependencies>"]
)
def test_malformed_poms_raise_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        parse_pom("pom.xml", text)


def test_deeply_nested_xml_is_fine() -> None:
    depth = 50_000
    text = "<project>" + "<a>" * depth + "</a>" * depth + "</project>"
    result = parse_pom("pom.xml", text)
    assert result.components == []
