"""detect-secrets' plugins run without loading `requests`: a scan never goes online and does
not pay for an HTTP client at start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ztgate.secrets.baseline import built_in_settings
from ztgate.secrets.offline import import_detect_secrets

from tests.fakes import fill

_PROBE = """
import sys
from ztgate.secrets.engine import ScanOptions, scan_text
from ztgate.secrets.catalog import ALL_DETECTORS
text = sys.stdin.read()
found = scan_text(text, "settings.py", ScanOptions(detectors=ALL_DETECTORS))
print(sorted({c.detector_id for c in found}))
print("requests" in sys.modules, "urllib3" in sys.modules)
"""


def test_a_scan_with_detect_secrets_never_loads_requests() -> None:
    # A high-entropy string under no key name: only detect-secrets' entropy plugin finds it.
    text = 'blob = "' + fill("{b44}") + '"\n'
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    detectors, loaded = result.stdout.splitlines()
    assert "Base64HighEntropyString" in detectors, "detect-secrets' plugins did not run"
    assert loaded == "False False", "requests was imported by a scan"


_VERIFY = """
import sys
if sys.argv[1] == "requests-first":
    import requests
from ztgate.secrets.offline import OfflineError, import_detect_secrets
import_detect_secrets()
from detect_secrets.plugins.stripe import StripeDetector
try:
    StripeDetector().verify(sys.stdin.read())
except OfflineError:
    print("refused")
"""


@pytest.mark.parametrize("order", ["alone", "requests-first"])
def test_detect_secrets_online_verification_is_refused(order: str) -> None:
    """A secret is never sent to its vendor, even where `requests` was loaded first."""
    result = subprocess.run(
        [sys.executable, "-c", _VERIFY, order],
        input="sk_" + "live_" + fill("{a24}"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "refused"


def test_a_baseline_that_asks_for_verification_still_reports_the_secret() -> None:
    """detect-secrets verifies when its verification filter is configured: offline, the
    refused call reads as "could not verify", and the secret stays reported."""
    import_detect_secrets()
    from detect_secrets.plugins.stripe import StripeDetector
    from detect_secrets.settings import transient_settings

    stripe_key = "sk_" + "live_" + fill("{a24}")
    verifying = {
        "plugins_used": [{"name": "StripeDetector"}],
        "filters_used": [
            {
                "path": "detect_secrets.filters.common.is_ignored_due_to_verification_policies",
                "min_level": 2,
            }
        ],
    }
    with transient_settings(verifying):
        found = list(StripeDetector().analyze_line(filename="a.py", line=f'k = "{stripe_key}"'))
    assert [f.secret_value for f in found] == [stripe_key]


def test_a_baseline_cannot_make_ztgate_run_code(tmp_path: Path) -> None:
    """detect-secrets imports a baseline's custom plugin or filter file: ztgate drops those
    settings, so rewriting a baseline someone else wrote runs nothing of theirs."""
    marker = tmp_path / "ran"
    evil = tmp_path / "evil.py"
    evil.write_text(f"open({str(marker)!r}, 'w').close()\ndef f(secret): return False\n")
    document = {
        "plugins_used": [
            {"name": "KeywordDetector"},
            {"name": "Evil", "path": f"file://{evil}"},
            {"name": "StripeDetector", "path": f"file://{evil}"},
        ],
        "filters_used": [
            {"path": "detect_secrets.filters.heuristic.is_sequential_string"},
            {"path": f"file://{evil}::f"},
        ],
    }
    settings = built_in_settings(document)
    assert settings == {
        "plugins_used": [{"name": "KeywordDetector"}],
        "filters_used": [{"path": "detect_secrets.filters.heuristic.is_sequential_string"}],
    }
    import_detect_secrets()
    from detect_secrets.settings import transient_settings

    with transient_settings(settings):
        pass
    assert not marker.exists()
    with transient_settings(document):  # the test has teeth: detect-secrets runs the file
        pass
    assert marker.exists()
