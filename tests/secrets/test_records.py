"""What a detector's record says changes how its matches are judged: no detector id is special."""

from __future__ import annotations

import pytest
from ztgate.policy import Policy
from ztgate.secrets import gate
from ztgate.secrets.detectors import About, Detector, keyed, token
from ztgate.secrets.engine import (
    CONTEXT_ONLY,
    NEUTRAL_FORMAT,
    VENDOR,
    ScanOptions,
    scan_text,
    specificity_of,
)
from ztgate.secrets.scan import Hit

from tests.fakes import fill, random_body


def demo(**about: bool | str) -> Detector:
    """A keyed detector of our own making, with the record fields given."""
    return keyed(
        "demo-token",
        "Demo Token",
        "saas",
        r"demo_?token",
        r"[A-Za-z0-9_.\-/]{16,80}",
        ("demo",),
        about=About(docs="https://example.test/docs", examples=("x",), **about),  # type: ignore[arg-type]
    )


def found(detector: Detector, text: str) -> list[str]:
    options = ScanOptions(detectors=(detector,), use_detect_secrets=False)
    return [c.secret for c in scan_text(text, "settings.py", options)]


@pytest.mark.parametrize(
    "value",
    [
        "config/settings/production.yml",  # a path
        "{uuid}",  # an identifier
    ],
)
def test_random_value_demands_a_random_looking_value(value: str) -> None:
    value = fill(value)
    text = f'demo_token = "{value}"\n'
    assert found(demo(), text) == [value]
    assert found(demo(random_value=True), text) == []
    real = fill("{a32}")
    assert found(demo(random_value=True), f'demo_token = "{real}"\n') == [real]


def test_specificity_comes_from_the_record() -> None:
    assert specificity_of(demo()) == VENDOR
    assert specificity_of(demo(context_only=True)) == CONTEXT_ONLY
    neutral = token("demo-format", "Demo Format", "generic", r"dmo_[a-z0-9]{20}", ("dmo_",))
    assert specificity_of(neutral) == NEUTRAL_FORMAT


def test_a_context_only_record_yields_to_a_vendor_format() -> None:
    vendor = token("demo-vendor", "Demo Vendor Key", "saas", r"dmv_[A-Za-z0-9]{24}", ("dmv_",))
    vendor_key = "dmv_" + random_body("a", 24)
    text = f'demo_token = "{vendor_key}"\n'
    options = ScanOptions(detectors=(demo(context_only=True), vendor), use_detect_secrets=False)
    (candidate,) = scan_text(text, "a.py", options)
    assert candidate.detector_id == "demo-vendor"
    assert [(m.detector_id, m.specificity) for m in candidate.merged] == [
        ("demo-token", CONTEXT_ONLY)
    ]
    # Without the flag the keyed record names a vendor too: it ranks as one.
    options = ScanOptions(detectors=(demo(), vendor), use_detect_secrets=False)
    (candidate,) = scan_text(text, "a.py", options)
    assert {c.specificity for c in (candidate, *candidate.merged)} == {VENDOR}


def hit(detector_id: str, secret_type: str) -> Hit:
    return Hit("a.py", 1, 1, secret_type, detector_id, "0" * 40, "x…")


def test_the_gate_prefers_a_catalog_vendor_over_a_context_only_record() -> None:
    kept = gate.most_specific(
        [hit("generic-api-key", "Generic API Key"), hit("github-pat", "GitHub Token")]
    )
    assert [h.detector_id for h in kept] == ["github-pat"]
    assert kept[0].merged == (("0" * 40, "Generic API Key"),)
    both = gate.most_specific(
        [hit("github-pat", "GitHub Token"), hit("gitlab-token", "GitLab Token")]
    )
    assert len(both) == 2  # two vendors: both reported


def test_default_severity_is_the_records() -> None:
    leveled = gate.with_severity(
        [hit("google-api-key", "Google API Key"), hit("github-pat", "GitHub Token")], Policy()
    )
    assert [h.severity for h in leveled] == ["warning", "error"]
