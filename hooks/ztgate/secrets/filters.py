"""Our false-positive filters: pure predicates that say why a candidate is not a secret.

Each returns a short reason, or None to keep the candidate. They apply to detect-secrets'
findings too (see the README's list): these are the look-alikes that cost a gate its trust.
"""

from __future__ import annotations

import re
from collections import Counter

# Vendors' own documentation keys, published so that nobody mistakes them for real ones.
DOCUMENTED_EXAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "AKIAI44QH8DHBEXAMPLE",
        "ASIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
        "xoxb-not-a-real-token-this-will-not-work",
    }
)

_PLACEHOLDER_WORDS = re.compile(
    r"your[_\-.]?(?:own[_\-.]?)?(?:api|access|secret|app|auth|client|private|bot|db|database)?"
    r"[_\-.]?(?:key|token|secret|password|pass|pwd|id|here)"
    r"|changeme|change[_\-]me|placeholder|redacted|replace[_\-]?me|insert[_\-]|dummy"
    r"|^(?:none|null|nil|undefined|empty|secret|password|passwd|token|string|example|sample)$"
    r"|^(?:test|mock)[_\-]?(?:key|token|secret|password)$|_here$|^x+$|^\.\.\.",
    re.IGNORECASE,
)
_TEMPLATE = re.compile(
    r"^(?:\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<[^<>]+>|%\(.*\)s?|%[A-Za-z_]+%|\{[A-Za-z_][\w.]*\}"
    r"|\[[A-Za-z_ ]+\])$|^\$[A-Za-z_]|\{\{|\$\{"
)
_MASK = re.compile(r"\*{3,}|•{2,}|·{3,}|#{5,}|[xX]{5,}|\.{3}|…|<redacted>|\[redacted\]", re.I)
_ENV_LOOKUP = re.compile(
    r"^(?:process\.env|os\.environ|os\.getenv|System\.getenv|ENV\[|import\.meta\.env|env\.|"
    r"secrets\.|vars\.|settings\.|config\.|Config\.)|getenv|environ\[|environ\.get",
)
_FILE_OR_PATH = re.compile(
    r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\|https?://)|\.(?:json|ya?ml|txt|pem|key|crt|cer|js|ts|py|"
    r"html?|png|jpe?g|gif|svg|xml|conf|cfg|ini|env|lock|md|log|csv|sh|rb|go|java)$",
    re.IGNORECASE,
)
_VERSION = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[\-+._][\w.\-]*)?$")
_IDENTIFIER = re.compile(r"^[A-Za-z]+(?:[_.\-][A-Za-z]+)*$|^[a-z]+(?:[A-Z][a-z]+)+$")
_HEX_DIGEST = re.compile(r"^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{56}|[a-f0-9]{64}|[a-f0-9]{96}|"
                         r"[a-f0-9]{128})$", re.IGNORECASE)
_DIGEST_CONTEXT = re.compile(
    r"sha\d*|md5|hash|digest|checksum|integrity|commit|revision|\brev\b|etag|fingerprint|"
    r"\bversion\b|\boid\b|blob",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def placeholder(secret: str) -> str | None:
    if _TEMPLATE.search(secret):
        return "template placeholder"
    if _PLACEHOLDER_WORDS.search(secret):
        return "placeholder text"
    return None


def filler(secret: str) -> str | None:
    """Mostly one repeated character. Applied to context-based matches only: a value that
    matches a vendor's exact format is reported even when its body looks like filler."""
    most_common = Counter(secret).most_common(1)[0][1] if secret else 0
    if len(secret) >= 8 and most_common / len(secret) >= 0.6:
        return "repeated filler characters"
    return None


def masked(secret: str) -> str | None:
    return "masked value" if _MASK.search(secret) else None


def environment_lookup(secret: str) -> str | None:
    return "environment or config look-up" if _ENV_LOOKUP.search(secret) else None


def documented_example(secret: str) -> str | None:
    if secret in DOCUMENTED_EXAMPLES or secret.endswith(("EXAMPLE", "EXAMPLEKEY")):
        return "vendor's documented example key"
    return None


def digest_in_context(secret: str, line: str) -> str | None:
    """A bare hex digest on a line about hashes, commits or versions is not a credential."""
    if _HEX_DIGEST.match(secret) and _DIGEST_CONTEXT.search(line):
        return "hash digest"
    return None


def not_a_generic_secret(secret: str) -> str | None:
    """Extra evidence that the generic detector demands of a context-only match."""
    if _FILE_OR_PATH.search(secret):
        return "file name or path"
    if _VERSION.match(secret):
        return "version string"
    if _IDENTIFIER.match(secret):
        return "identifier, not a secret"
    if _UUID.match(secret):
        return "UUID identifier"
    if not any(c.isdigit() for c in secret) or not any(c.isalpha() for c in secret):
        return "needs letters and digits"
    return None


def common_reason(secret: str, line: str) -> str | None:
    """The filters that apply to every finding, ours and detect-secrets' alike."""
    return (
        documented_example(secret)
        or masked(secret)
        or placeholder(secret)
        or environment_lookup(secret)
        or digest_in_context(secret, line)
    )
