from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers.cocoapods import PARSER, parse_podfile_lock, split_name
from ospo.inventory.registry import parser_for
from ospo.model import Hash, ParseError

FIX = Path(__file__).parents[1] / "fixtures" / "cocoapods" / "app"
TEXT = (FIX / "Podfile.lock").read_text()
SNAPKIT = (
    "pkg:cocoapods/SnapKit@5.6.0"
    "?vcs_url=git%2Bhttps://github.com/SnapKit/SnapKit.git%40f222cbdf325885926566172f6f5f06af95473158"
)


def test_split_name() -> None:
    assert split_name("Alamofire") == ("Alamofire", None)
    assert split_name("Firebase/Analytics") == ("Firebase", "Analytics")
    assert split_name("RestKit/ObjectMapping/JSON") == ("RestKit", "ObjectMapping/JSON")


def test_pods_subspecs_are_subpaths_of_their_pod() -> None:
    result = parse_podfile_lock("Podfile.lock", TEXT)
    by = {c.purl: c for c in result.components}
    assert len(by) == len(result.components) == 14
    analytics = by["pkg:cocoapods/Firebase@10.18.0#Analytics"]
    assert analytics.name == "Firebase" and analytics.version == "10.18.0"
    assert ("cocoapods:subspec", "Analytics") in analytics.properties
    assert "pkg:cocoapods/GoogleUtilities@7.12.0#NSData%2Bzlib" in by  # quoted in the lock
    assert "pkg:cocoapods/Alamofire@5.8.1" in by
    assert all(c.ecosystem == "cocoapods" and c.namespace is None and c.resolved for c in by.values())


def test_direct_are_the_podfile_dependencies() -> None:
    result = parse_podfile_lock("Podfile.lock", TEXT)
    direct = {c.purl for c in result.components if c.direct}
    assert direct == {
        "pkg:cocoapods/AcmeDesign@2.3.0",
        "pkg:cocoapods/Alamofire@5.8.1",
        "pkg:cocoapods/Firebase@10.18.0#Analytics",
        "pkg:cocoapods/LocalKit@0.1.0",
        SNAPKIT,
    }
    assert all(c.direct is False for c in result.components if c.purl not in direct)
    assert sorted(dst for src, dst in result.edges if src == "file:Podfile.lock") == sorted(direct)


def test_nested_requirements_are_edges() -> None:
    edges = set(parse_podfile_lock("Podfile.lock", TEXT).edges)
    assert ("pkg:cocoapods/Firebase@10.18.0#Core", "pkg:cocoapods/FirebaseAnalytics@10.18.0") in edges
    assert ("pkg:cocoapods/Firebase@10.18.0#Analytics", "pkg:cocoapods/Firebase@10.18.0#Core") in edges
    assert (
        "pkg:cocoapods/FirebaseAnalytics@10.18.0",
        "pkg:cocoapods/GoogleUtilities@7.12.0#NSData%2Bzlib",
    ) in edges
    assert ("pkg:cocoapods/nanopb@2.30909.1", "pkg:cocoapods/nanopb@2.30909.1#decode") in edges
    assert ("pkg:cocoapods/LocalKit@0.1.0", "pkg:cocoapods/Alamofire@5.8.1") in edges
    assert len(edges) == 17


def test_lines_hashes_and_sources() -> None:
    result = parse_podfile_lock("Podfile.lock", TEXT)
    by = {c.purl: c for c in result.components}
    assert by["pkg:cocoapods/Alamofire@5.8.1"].locations[0].line == 2
    assert by["pkg:cocoapods/Firebase@10.18.0#Core"].locations[0].line == 5
    assert by["pkg:cocoapods/GoogleUtilities@7.12.0#NSData%2Bzlib"].locations[0].line == 20
    assert by[SNAPKIT].locations[0].line == 27
    # the podspec checksum is the pod's, shared by its subspecs; upper-case hex is lowered
    firebase = {c.hashes for c in result.components if c.name == "Firebase"}
    assert firebase == {(Hash("sha1", "aa234fb61d51e6afa7209b7f943812c8860fef20"),)}
    assert by[SNAPKIT].hashes == (Hash("sha1", "a117e48c146fed50f7391ea97a88b5cfda85dfba"),)
    snap = dict(by[SNAPKIT].properties)
    assert snap == {
        "cocoapods:source": "git",
        "cocoapods:git": "https://github.com/SnapKit/SnapKit.git",
        "cocoapods:tag": "5.6.0",
        "cocoapods:commit": "f222cbdf325885926566172f6f5f06af95473158",
    }
    local = dict(by["pkg:cocoapods/LocalKit@0.1.0"].properties)
    assert local == {"cocoapods:source": "path", "cocoapods:path": "../LocalKit"}
    acme = dict(by["pkg:cocoapods/AcmeDesign@2.3.0"].properties)
    assert acme == {"cocoapods:spec-repo": "git@git.acme.example:ios/specs.git"}
    assert by["pkg:cocoapods/Alamofire@5.8.1"].properties == ()  # trunk is not recorded
    assert result.notes == []


def test_whole_pod_dependency_locked_as_subspecs_and_unlocked_requirement() -> None:
    text = """PODS:
  - Kit/Core (1.0.0)
  - Kit/UI (1.0.0):
    - Kit/Core (= 1.0.0)
    - Missing (~> 2.0)

DEPENDENCIES:
  - Kit (~> 1.0)
"""
    result = parse_podfile_lock("ios/Podfile.lock", text)
    assert all(c.direct for c in result.components)
    assert ("pkg:cocoapods/Kit@1.0.0#UI", "pkg:cocoapods/Kit@1.0.0#Core") in result.edges
    assert [n.line for n in result.notes] == [3] and "Missing" in result.notes[0].message
    assert ("file:ios/Podfile.lock", "pkg:cocoapods/Kit@1.0.0#Core") in result.edges


def test_empty_lock_is_empty() -> None:
    assert parse_podfile_lock("Podfile.lock", "").components == []


@pytest.mark.parametrize(
    "text",
    [
        "- a\n",
        "DEPENDENCIES: []\n",
        "PODS: 3\n",
        "PODS:\n  - Alamofire\n",
        "PODS:\n  - [1, 2]\n",
        "PODS:\n  - /Sub (1.0)\n",
        "PODS: [\n",
        TEXT[: TEXT.index("  - Firebase/Core (10.18.0):") + 12],
        "\x00\x01PODS\xff\xfe: *x\n",
    ],
)
def test_malformed_is_a_parse_error_naming_the_file(text: str) -> None:
    with pytest.raises(ParseError) as err:
        PARSER.parse("ios/Podfile.lock", text)
    assert err.value.path == "ios/Podfile.lock"


def test_claims_and_inventory() -> None:
    spec = parser_for("Podfile.lock", "ios/Podfile.lock")
    assert spec is not None and spec.name == "cocoapods-lock"
    assert parser_for("Manifest.lock", "ios/Pods/Manifest.lock") is None  # the copy in Pods/
    inv = build_inventory(str(FIX))
    assert len(inv.components) == 14 and not inv.problems
    top = next(d for d in inv.dependencies if d.ref == "file:Podfile.lock")
    assert len(top.depends_on) == 5
