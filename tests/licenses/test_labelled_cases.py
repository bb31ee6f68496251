"""Optional: a sample of ScanCode's labelled licence cases (skips without ../shared)."""

from __future__ import annotations

import random

import yaml

from ospo.licenses import scan_text
from ospo.licenses.catalog import catalog
from ospo.licenses.index import key_expression_to_spdx
from ospo.licenses.spdx_tags import normalise
from support import shared_data

SAMPLE = 80
MIN_EXACT = 0.85


def test_sample_of_labelled_cases_mostly_exact() -> None:
    data = shared_data("licenses-dev")
    ymls = sorted(data.rglob("*.yml"))
    random.Random(7).shuffle(ymls)
    key_map = {k: i.spdx_id for k, i in catalog().by_key.items()}
    ok = 0
    failures = []
    for yml in ymls[:SAMPLE]:
        target = yml.with_suffix("")
        expected_keys = (yaml.safe_load(yml.read_text()) or {}).get("license_expressions") or []
        expected = {normalise(key_expression_to_spdx(e, key_map))[0] for e in expected_keys}
        text = target.read_bytes().decode("utf-8", "replace")
        got = {f.expression for f in scan_text(target.name, text).findings}
        if got == expected:
            ok += 1
        else:
            failures.append(f"{target.relative_to(data)}: expected {sorted(expected)} got {sorted(got)}")
    assert ok / SAMPLE >= MIN_EXACT, "\n".join(failures)
