"""make_purl's direct assembly against packageurl's own construction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packageurl import PackageURL

from ospo.inventory.purls import make_purl
from ospo.model.purl_text import _PLAIN_TYPES, plain_canonical
from ospo.model.purl_text import plain_purl as _plain_purl

PART = st.text(alphabet=st.sampled_from("aZ09._~-/@%+:! é"), min_size=0, max_size=8)


def packageurl_purl(ecosystem: str, name: str, version: str | None, namespace: str | None) -> str | None:
    try:
        return str(
            PackageURL(type=ecosystem, namespace=namespace or None, name=name, version=version or None).to_string()
        )
    except ValueError:
        return None


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(sorted(_PLAIN_TYPES)), PART, st.none() | PART, st.none() | PART)
def test_direct_assembly_equals_packageurl(
    ecosystem: str, name: str, version: str | None, namespace: str | None
) -> None:
    fast = _plain_purl(ecosystem, name, version, namespace)
    if fast is not None:
        assert fast == packageurl_purl(ecosystem, name, version, namespace)


def test_plain_parts_take_the_direct_way() -> None:
    assert _plain_purl("pypi", "Foo_Bar", "1.0", None) == "pkg:pypi/foo-bar@1.0"
    assert _plain_purl("maven", "Artifact", "2.0", "org.Example") == "pkg:maven/org.Example/Artifact@2.0"
    assert _plain_purl("golang", "mod", "v1.2.3", "github.com/Owner") == "pkg:golang/github.com/Owner/mod@v1.2.3"
    assert make_purl("pypi", "Django", "4.2+local") == "pkg:pypi/django@4.2%2Blocal"  # quoted: the slow way
    assert _plain_purl("pub", "x", "1", None) is None


PLAIN_PART = st.text(alphabet=st.sampled_from("aZ09._~-"), min_size=1, max_size=8)
PLAIN_ARGUMENTS = (  # ecosystem, name, version, namespace
    st.sampled_from(sorted(_PLAIN_TYPES)),
    PLAIN_PART,
    st.none() | PLAIN_PART,
    st.none()
    | st.lists(st.sampled_from(["", "@"]).flatmap(lambda at: PLAIN_PART.map(at.__add__)), min_size=1, max_size=3).map(
        "/".join
    ),
)


@settings(max_examples=2000, deadline=None)
@given(*PLAIN_ARGUMENTS)
def test_plain_parts_always_take_the_direct_way_and_agree(
    ecosystem: str, name: str, version: str | None, namespace: str | None
) -> None:
    fast = _plain_purl(ecosystem, name, version, namespace)
    assert fast is not None
    assert fast == packageurl_purl(ecosystem, name, version, namespace)


@settings(max_examples=2000, deadline=None)
@given(*PLAIN_ARGUMENTS)
def test_canonical_spelling_of_plain_purls_equals_packageurl(
    ecosystem: str, name: str, version: str | None, namespace: str | None
) -> None:
    quoted = namespace.replace("@", "%40") if namespace else None
    ref = f"pkg:{ecosystem}/" + (f"{quoted}/" if quoted else "") + name + (f"@{version}" if version else "")
    assert plain_canonical(ref) == PackageURL.from_string(ref).to_string()


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from("pkg:/@aZ09._~-%+?#4"), max_size=30))
def test_canonical_spelling_of_any_text_is_packageurls_or_declined(ref: str) -> None:
    plain = plain_canonical(ref)
    if plain is not None:
        assert plain == PackageURL.from_string(ref).to_string()
