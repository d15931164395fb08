"""The false-positive filters: each drops its look-alike and keeps the real thing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ztgate.secrets import filters, gate
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import ScanOptions, scan_text

from tests.conftest import Repo
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


def _policy_text(trust_root: str, audited: str) -> str:
    return (
        "signatures:\n"
        f"  trust_root: {trust_root}\n"
        "  goodlist:\n"
        f'    {audited}: "signed with a key lost in 2026, audited in #42"\n'
    )


@pytest.mark.parametrize("length", [40, 64])
@pytest.mark.parametrize(
    ("filename", "template"),
    [
        (".ztgate.yaml", "{policy}"),
        ("deploy.yml", "release:\n  commit: {sha}\n  rev: '{sha}'\n  base_sha: \"{sha}\"\n"),
        ("pins.json", '{{"revision": "{sha}", "goodlist": {{"{sha}": "audited"}}}}'),
        ("pins.json", '{{\n  "goodlist": {{\n    "{sha}": "audited"\n  }}\n}}'),
        ("pins.yaml", "goodlist:\n  - {sha}\n"),
    ],
    ids=["ztgate-policy", "yaml-keys", "json-one-line", "json-pretty", "yaml-list"],
)
def test_commit_ids_in_structured_files_are_not_secrets(
    filename: str, template: str, length: int
) -> None:
    sha = fill(f"{{h{length}}}")
    policy = _policy_text(fill(f"{{h{length}}}"), fill(f"{{h{length}}}"))
    assert reported(template.format(sha=sha, policy=policy), filename) == []


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        # Under another key, a long hex value is still a credential.
        ("deploy.yml", "api_secret: {sha}\n"),
        ("pins.json", '{{"goodlist": [], "api_token": "{sha}"}}'),
        # Not YAML or JSON: the filter does not apply.
        ("deploy.py", 'trust_root = "{sha}"\n'),
        # Not a full commit id.
        ("deploy.yml", "trust_root: {sha}ab\n"),
    ],
    ids=["secret-key", "json-secret-key", "python", "not-40-or-64"],
)
def test_hex_elsewhere_is_still_reported(filename: str, text: str) -> None:
    assert reported(text.format(sha=fill("{h40}")), filename) != []


def test_ztgate_passes_its_own_policy(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(".ztgate.yaml", _policy_text(fill("{h40}"), fill("{h40}")))
    code = gate.main([".ztgate.yaml"])
    out = capsys.readouterr().out
    assert code == 0, out


# ---- long secrets: what the patterns need is looked for first, with the same verdicts ----

_LONG_PIECES = st.sampled_from(
    ["a", "Z", "0", "-", "_", ".", "...", "xxxxx", "XXXXX", "***", "#####", "<redacted>",
     "[REDACTED]", "your_api_key", "YOUR-TOKEN", "changeme", "here", "Placeholder", "dummy",
     "insert_", "replace-me", "${X}", "{{x}}", "<x>", "%(a)s", "%A%", "[A b]", "$(", "{", "}",
     "getenv", "os.environ", "process.env.", "Config.", "\u2026", "\u2022\u2022", "\u00e9"]
)  # fmt: skip


def _plainly(secret: str) -> tuple[str | None, str | None, str | None]:
    """The three filters as their patterns alone decide."""
    template = filters._TEMPLATE.search(secret) and "template placeholder"
    words = filters._PLACEHOLDER_WORDS.search(secret) and "placeholder text"
    return (
        template or words or None,
        "masked value" if filters._MASK.search(secret) else None,
        "environment or config look-up" if filters._ENV_LOOKUP.search(secret) else None,
    )


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(_LONG_PIECES, max_size=12),
    filler=st.sampled_from(["a", "b7", "Q", "."]),
    where=st.integers(min_value=0, max_value=12),
)
def test_long_secrets_get_the_verdicts_of_the_patterns(
    pieces: list[str], filler: str, where: int
) -> None:
    body = filler * 300
    pieces.insert(min(where, len(pieces)), body)
    secret = "".join(pieces)
    assert len(secret) > filters._LONG
    found = (
        filters.placeholder(secret),
        filters.masked(secret),
        filters.environment_lookup(secret),
    )
    assert found == _plainly(secret)
