"""What each licence obliges you to do when you ship it: the checklist under a NOTICE.

Kept deliberately short and in plain words: a review board reads it next to the notice. The
category decides the baseline; a few licences add their own duties.
"""

from __future__ import annotations

ATTRIBUTION = "Keep the copyright notices and ship the licence text with the product."
STATE_CHANGES = "Mark files you modified as changed."
NOTICE_FILE = "Ship the upstream NOTICE file's attributions with yours."
LIBRARY_SOURCE = "Offer the source of the library (and of your changes to it) and let users relink or replace it."
FILE_SOURCE = "Make the source of the licensed files (and your changes to them) available."
WHOLE_SOURCE = "Offer the complete corresponding source of the whole work that includes it, under the same licence."
NETWORK_SOURCE = (
    "Offer the source to every user who interacts with it over a network, not only to those you ship it to."
)
NO_ENDORSEMENT = "Do not use the authors' names to endorse your product."
REVIEW_TERMS = "Read the licence: its terms are not standard; counsel decides what it requires."

_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "public-domain": (),
    "permissive": (ATTRIBUTION,),
    "weak-copyleft": (ATTRIBUTION, LIBRARY_SOURCE),
    "strong-copyleft": (ATTRIBUTION, WHOLE_SOURCE, STATE_CHANGES),
    "network-copyleft": (ATTRIBUTION, WHOLE_SOURCE, NETWORK_SOURCE, STATE_CHANGES),
    "source-available": (ATTRIBUTION, REVIEW_TERMS),
    "proprietary": (REVIEW_TERMS,),
    "unknown": (REVIEW_TERMS,),
}

_BY_ID: dict[str, tuple[str, ...]] = {
    "Apache-2.0": (ATTRIBUTION, NOTICE_FILE, STATE_CHANGES),
    "BSD-3-Clause": (ATTRIBUTION, NO_ENDORSEMENT),
    "BSD-4-Clause": (ATTRIBUTION, NO_ENDORSEMENT, "Mention the original authors in advertising material."),
    "MPL-2.0": (ATTRIBUTION, FILE_SOURCE),
    "EPL-2.0": (ATTRIBUTION, FILE_SOURCE),
    "EPL-1.0": (ATTRIBUTION, FILE_SOURCE),
    "CDDL-1.0": (ATTRIBUTION, FILE_SOURCE),
    "CDDL-1.1": (ATTRIBUTION, FILE_SOURCE),
}


def obligations(spdx_id: str, category: str) -> tuple[str, ...]:
    """The duties for one licence id (without WITH exception), by id first, then category."""
    return _BY_ID.get(spdx_id) or _BY_CATEGORY.get(category, _BY_CATEGORY["unknown"])
