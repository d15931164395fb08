"""Every detector finds its documented format and ignores a masked look-alike of it."""

from __future__ import annotations

import re

import pytest
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import ScanOptions, scan_text

from tests.fakes import fill
from tests.secrets.detector_samples import SAMPLES

OURS_ONLY = ScanOptions(detectors=ALL_DETECTORS, use_detect_secrets=False)


def detector_ids(text: str, filename: str = "config.txt") -> set[str]:
    # Merged matches count: a detector that found the secret found it, whichever one reports.
    return {m.detector_id for c in scan_text(text, filename, OURS_ONLY) for m in (c, *c.merged)}


# Detectors whose evidence is a fixed marker rather than a random body: their look-alike is a
# near miss of the marker.
LOOK_ALIKES = {
    "gcp-service-account": '{"type": "authorized_user", "client_id": "demo"}',
    "putty-private-key": "PuTTY-User-Key-File format is documented in the PuTTY manual",
}


def masked(template: str) -> str:
    """The same text with every random body replaced by x's, as docs and logs show keys."""
    return re.sub(
        r"\{(uuid|[a-zA-Z]\d+)\}",
        lambda m: "x" * (36 if m.group(1) == "uuid" else int(m.group(1)[1:])),
        template,
    )


def examples_of(detector_id: str) -> tuple[str, ...]:
    """The detector's own examples (its record), else its entry in the older samples table."""
    record = next(d for d in ALL_DETECTORS if d.id == detector_id)
    return record.examples or (SAMPLES[detector_id],)


ALL_IDS = sorted(d.id for d in ALL_DETECTORS)
NEGATIVES = [(d.id, n) for d in ALL_DETECTORS for n in d.negatives]


def test_every_detector_has_a_sample() -> None:
    assert not [d.id for d in ALL_DETECTORS if not d.examples and d.id not in SAMPLES]
    assert not set(SAMPLES) - set(ALL_IDS), "samples for detectors that do not exist"


def test_catalog_breadth_and_unique_ids() -> None:
    ids = [d.id for d in ALL_DETECTORS]
    assert len(ids) == len(set(ids))
    assert len({d.secret_type for d in ALL_DETECTORS}) >= 150
    for detector in ALL_DETECTORS:
        assert detector.keywords, detector.id
        assert all(k == k.lower() for k in detector.keywords), detector.id
        assert "secret" in detector.pattern.groupindex, detector.id


@pytest.mark.parametrize("detector_id", ALL_IDS)
def test_true_positive(detector_id: str) -> None:
    # Random bodies: three draws of each example, each must be found.
    for example in examples_of(detector_id):
        for _ in range(3):
            text = fill(example)
            assert detector_id in detector_ids(text), f"{detector_id} missed {masked(example)!r}"


@pytest.mark.parametrize("detector_id", ALL_IDS)
def test_masked_look_alike_is_not_reported(detector_id: str) -> None:
    for example in examples_of(detector_id):
        look_alike = LOOK_ALIKES.get(detector_id) or masked(example)
        assert detector_id not in detector_ids(look_alike)


@pytest.mark.parametrize(("detector_id", "negative"), NEGATIVES)
def test_negative_example_is_not_reported(detector_id: str, negative: str) -> None:
    for _ in range(3):
        assert detector_id not in detector_ids(fill(negative)), masked(negative)
