"""Acceptance: on the real PyPA advisory database, range evaluation reproduces every
advisory's own versions list, except disagreements explained as data problems.

Optional: needs ../shared/data/osv/pypa beside the clone, or under $OSPO_SHARED_DIR
(skips without it); the logic is
bench/vulns/agreement.py, which also prints the explanations."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "vulns" / "agreement.py"


def _agreement() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ospo_bench_agreement", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
def test_pypa_versions_lists_agree_with_ranges() -> None:
    shared = os.environ.get("OSPO_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared"
    root = Path(shared) / "data" / "osv" / "pypa"
    if not root.exists():
        pytest.skip(f"{root} is absent (optional shared data, not in a fresh clone)")
    agreement = _agreement()
    report = agreement.check(root / "vulns")
    assert report.advisories > 2000
    assert report.checked > 200_000
    assert report.problems == []
    unexplained = [str(d) for d in report.disagreements if d.explanation is None]
    assert unexplained == []
    # Every explanation is still needed: a fix to the data (or to us) shows up here.
    used = {(d.advisory, d.kind) for d in report.disagreements}
    assert used == set(agreement.EXPLAINED)
