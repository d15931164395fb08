"""Every detector finds the examples its record carries and none of its near misses."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.detectors import Detector
from ztgate.secrets.engine import ScanOptions, scan_text

from tests.fakes import fill

OURS_ONLY = ScanOptions(detectors=ALL_DETECTORS, use_detect_secrets=False)
BY_ID = {d.id: d for d in ALL_DETECTORS}


def detector_ids(text: str, filename: str = "config.txt") -> set[str]:
    # Merged matches count: a detector that found the secret found it, whichever one reports.
    return {m.detector_id for c in scan_text(text, filename, OURS_ONLY) for m in (c, *c.merged)}


def secrets_found(detector_id: str, text: str) -> set[str]:
    return {
        m.secret
        for c in scan_text(text, "config.txt", OURS_ONLY)
        for m in (c, *c.merged)
        if m.detector_id == detector_id
    }


def masked(template: str) -> str:
    """The same text with every random body replaced by x's, as docs and logs show keys."""
    return re.sub(
        r"\{(uuid|[a-zA-Z]\d+)\}",
        lambda m: "x" * (36 if m.group(1) == "uuid" else int(m.group(1)[1:])),
        template,
    )


ALL_IDS = sorted(d.id for d in ALL_DETECTORS)
NEGATIVES = [(d.id, n) for d in ALL_DETECTORS for n in d.negatives]


def test_every_record_is_complete_and_ids_are_unique() -> None:
    ids = [d.id for d in ALL_DETECTORS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for detector in ALL_DETECTORS:
        assert detector.examples, f"{detector.id}: no example"
        url = urlsplit(detector.docs)
        assert url.scheme == "https" and url.netloc, f"{detector.id}: docs {detector.docs!r}"
        assert detector.severity in ("error", "warning"), detector.id
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", detector.id), detector.id


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
    for example in BY_ID[detector_id].examples:
        for _ in range(3):
            text = fill(example)
            assert detector_id in detector_ids(text), f"{detector_id} missed {masked(example)!r}"


def _is_marker(detector: Detector, example: str) -> bool:
    """Whether the detector's evidence in ``example`` is a fixed marker, the same in every
    fill (a service account's JSON `type`): masking the random parts leaves it whole, so its near
    misses are its ``negatives``."""
    return secrets_found(detector.id, fill(example)) == secrets_found(detector.id, fill(example))


@pytest.mark.parametrize("detector_id", ALL_IDS)
def test_masked_look_alike_is_not_reported(detector_id: str) -> None:
    detector = BY_ID[detector_id]
    for example in detector.examples:
        if _is_marker(detector, example):
            assert detector.negatives, f"{detector_id}: a marker needs a near-miss negative"
            continue
        assert detector_id not in detector_ids(masked(example))


@pytest.mark.parametrize(("detector_id", "negative"), NEGATIVES)
def test_negative_example_is_not_reported(detector_id: str, negative: str) -> None:
    for _ in range(3):
        assert detector_id not in detector_ids(fill(negative, structured=False)), masked(negative)
