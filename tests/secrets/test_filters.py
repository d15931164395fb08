"""The false-positive filters: each drops its look-alike and keeps the real thing."""

from __future__ import annotations

import pytest
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import ScanOptions, scan_text

from tests.fakes import fill

WITH_DETECT_SECRETS = ScanOptions(detectors=ALL_DETECTORS)

# Random base64 values: secret-looking on their own, not secret where the tests put them.
RANDOM_43 = fill("{a43}")
RANDOM_48 = fill("{b48}")
RANDOM_64 = fill("{b64}")


def reported(text: str, filename: str = "app.py") -> list[str]:
    return [c.secret_type for c in scan_text(text, filename, WITH_DETECT_SECRETS)]


@pytest.mark.parametrize(
    "text",
    [
        # template placeholders
        'api_key = "YOUR_API_KEY_HERE"',
        'password = "<your-password>"',
        'secret: "{{ vault_secret }}"',
        'token = "${GITHUB_TOKEN}"',
        "DB_PASSWORD=${DB_PASSWORD}",
        'password = "changeme"',
        # environment look-ups
        'password = os.environ["DB_PASSWORD"]',
        'api_key = os.getenv("API_KEY")',
        "const secret = process.env.CLIENT_SECRET;",
        # vendors' documented example keys
        'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"',
        'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        # masked values
        'api_key = "sk_live_****************************"',
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        'password = "••••••••"',
        "token: [REDACTED]",
        # names that are not secrets
        'LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"',
        f'public_key = "{RANDOM_43}"',
        f'<input type="hidden" name="authenticity_token" value="{RANDOM_48}">',
        f'integrity = "sha384-{RANDOM_64}"',
        "commit_sha = '" + "9a038989604e8da62ecddbe2094b16ce1b778be1" + "'",
    ],
)
def test_look_alike_is_not_reported(text: str) -> None:
    assert reported(text + "\n") == []


@pytest.mark.parametrize(
    "template, secret_type",
    [
        ('api_key = "{a32}"', "Generic API Key"),
        ('db_password = "{a14}"', "Password"),
        ("DATABASE_URL=postgres://app:{a20}@db.internal/app", "Password in URL"),
        ('aws_access_key_id = "AKIA{Z16}"', "AWS Access Key"),
    ],
)
def test_real_shapes_survive_the_filters(template: str, secret_type: str) -> None:
    assert secret_type in reported(fill(template) + "\n")


def test_detect_secrets_plugins_still_report() -> None:
    # detect-secrets' own keyword plugin: a quoted password literal in Python.
    assert "Secret Keyword" in reported(fill('db_pass = "{a12}"\n'))
    # its high-entropy plugin on a quoted random string with no key name at all
    assert "Base64 High Entropy String" in reported(fill('VALUES = ["{b40}"]\n'))
