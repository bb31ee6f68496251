"""Shortcuts of the SBOM writers (plain licence ids, document UUIDs) against the libraries they stand in for."""

from __future__ import annotations

import json
import uuid

from cyclonedx.schema._res import SPDX_JSON
from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.inventory.parsers.python_metadata import spdx_expression, spdx_expression_with_licensing
from ospo.model.spdx import plain_spdx_ids
from ospo.sbom._common import DeclaredLicense, classify_license, classify_with_licensing, uuid5_text
from ospo.sbom.cyclonedx import cyclonedx_license_ids


def test_every_plain_id_is_classified_as_the_licensing_classifies_it() -> None:
    ids = plain_spdx_ids()
    assert {"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "ISC"} <= ids
    assert len(ids) > 500
    for spdx_id in sorted(ids):
        assert classify_with_licensing(spdx_id) == DeclaredLicense(spdx_id, spdx_id, spdx_id, ()), spdx_id
        assert spdx_expression_with_licensing(spdx_id) == spdx_id, spdx_id


def test_ids_outside_the_set_still_go_through_the_licensing() -> None:
    for raw in ("GPL-2.0", "mit", " MIT ", "MIT OR Apache-2.0", "LicenseRef-x", "BSD-like", "GPL-2.0+"):
        assert classify_license(raw) == classify_with_licensing(raw), raw
        assert spdx_expression(raw) == spdx_expression_with_licensing(raw), raw


def test_cyclonedx_ids_are_read_from_the_libs_own_schema_file() -> None:
    with open(SPDX_JSON, encoding="utf-8") as handle:
        assert cyclonedx_license_ids() == frozenset(json.load(handle)["enum"])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32))
def test_document_identifiers_are_the_uuids_the_uuid_module_makes(hex32: str) -> None:
    assert uuid5_text(hex32) == str(uuid.UUID(hex=hex32, version=5))
