"""Our false-positive filters: pure predicates that say why a candidate is not a secret.

Each returns a short reason, or None to keep the candidate. They apply to detect-secrets'
findings too (see the README's list): these are the look-alikes that cost a gate its trust.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ztgate.lazyre import LazyPattern
from ztgate.secrets.detectors import shannon_entropy

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

_PLACEHOLDER_WORDS = LazyPattern(
    r"your[_\-.]?(?:own[_\-.]?)?(?:api|access|secret|app|auth|client|private|bot|db|database)?"
    r"[_\-.]?(?:key|token|secret|password|pass|pwd|id|here)"
    r"|changeme|change[_\-]me|placeholder|redacted|replace[_\-]?me|insert[_\-]|dummy"
    r"|^(?:none|null|nil|undefined|empty|secret|password|passwd|pass|token|string|example"
    r"|sample|test|testing|user|username|admin|changeit|foo|bar|foobar|qwerty|123456|default)$"
    r"|^(?:test|mock)[_\-]?(?:key|token|secret|password)$|here$|^(.)\1+$|^\.\.\.",
    re.IGNORECASE,
)
_TEMPLATE = LazyPattern(
    r"^(?:\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<[^<>]+>|%\(.*\)s?|%[A-Za-z_]+%|\{[A-Za-z_][\w.]*\}"
    r"|\[[A-Za-z_ ]+\])$|^\$[({A-Za-z_]|^\{|\{\{|\$\{|[<>]|\{[A-Za-z_][\w.]*\}"
)
_MASK = LazyPattern(r"\*{3,}|•{2,}|·{3,}|#{5,}|[xX]{5,}|\.{3}|…|<redacted>|\[redacted\]", re.I)
_ENV_LOOKUP = LazyPattern(
    r"^(?:process\.env|os\.environ|os\.getenv|System\.getenv|ENV\[|import\.meta\.env|env\.|"
    r"secrets\.|vars\.|settings\.|config\.|Config\.)|getenv|environ\[|environ\.get",
)
_FILE_OR_PATH = LazyPattern(
    r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\|https?://)|\.(?:json|ya?ml|txt|pem|key|crt|cer|js|ts|py|"
    r"html?|png|jpe?g|gif|svg|xml|conf|cfg|ini|env|lock|md|log|csv|sh|rb|go|java)$",
    re.IGNORECASE,
)
_VERSION = LazyPattern(r"^v?\d+(?:\.\d+){1,3}(?:[\-+._][\w.\-]*)?$")
# snake_case, kebab-case, dotted.names, CONSTANT_CASE, camelCase, PascalCase: names of things.
_IDENTIFIER = LazyPattern(
    r"^[a-z][a-z0-9]*(?:[_.\-][a-z][a-z0-9]*)+$|^[A-Z][A-Z0-9]*(?:[_.\-][A-Z][A-Z0-9]*)+$"
    r"|^[a-z]+(?:[A-Z][a-z]+)+$"
    r"|^(?:[A-Z][a-z]+){2,}$"
)
_HEX_DIGEST = LazyPattern(
    r"^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{56}|[a-f0-9]{64}|[a-f0-9]{96}|"
    r"[a-f0-9]{128})$",
    re.IGNORECASE,
)
_DIGEST_CONTEXT = LazyPattern(
    r"sha\d*|md5|hash|digest|checksum|integrity|commit|revision|\brev\b|etag|fingerprint|"
    r"\bversion\b|\boid\b|blob",
    re.IGNORECASE,
)
_UUID = LazyPattern(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


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


# The filters below that look at the whole line see the same line once per candidate on it,
# thousands of times on a long one: what depends on the line alone is computed once. Lines are
# the scanner's own string objects, so a cache hit costs no rehash.
@lru_cache(maxsize=64)
def _about_digests(line: str) -> bool:
    return bool(_DIGEST_CONTEXT.search(line))


@lru_cache(maxsize=64)
def _about_anti_forgery(line: str) -> bool:
    return bool(_ANTI_FORGERY.search(line))


@lru_cache(maxsize=64)
def _reversed(line: str) -> str:
    return line[::-1]


def digest_in_context(secret: str, line: str) -> str | None:
    """A bare hex digest on a line about hashes, commits or versions is not a credential."""
    if _HEX_DIGEST.match(secret) and _about_digests(line):
        return "hash digest"
    return None


_ASCENDING = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"


def sequential_run(secret: str, length: int = 5) -> str | None:
    """A run like `abcde` or `12345` (for length 8: letters only, as in `abcdefgh`): typed by
    a person, not drawn at random."""
    lowered = secret.lower()
    for alphabet in (_ASCENDING, _DIGITS) if length < 8 else (_ASCENDING,):
        for start in range(len(alphabet) - length + 1):
            if alphabet[start : start + length] in lowered:
                return "sequential characters"
    return None


# Keys whose values are random but not secret (CSRF tokens, signatures, hashes), or that name
# a secret rather than hold it (DB_PASSWORD_FILE, LLM_SECRET_NAME, public_key).
_NOT_SECRET_PARTS = frozenset(
    {
        "csrf",
        "xsrf",
        "authenticity",
        "nonce",
        "signature",
        "integrity",
        "checksum",
        "hash",
        "digest",
        "etag",
        "public",
        "pub",
        "sha1",
        "sha256",
        "sha512",
        "md5",
    }
)
_REFERENCE_SUFFIXES = frozenset(
    {
        "name",
        "names",
        "id",
        "ids",
        "path",
        "file",
        "url",
        "uri",
        "arn",
        "ref",
        "env",
        "var",
        "type",
        "length",
        "len",
        "size",
        "count",
        "format",
        "field",
        "header",
        "param",
        "prefix",
        "suffix",
        "label",
        "regex",
        "pattern",
        "policy",
        "version",
        "location",
    }
)
_NAME_PARTS = LazyPattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def name_parts(name: str) -> list[str]:
    """`LLM_SECRET_NAME` -> [llm, secret, name]; `publicToken` -> [public, token]."""
    return [part.lower() for part in _NAME_PARTS.findall(name)]


# `NAME ['"\]]* OP ['"`]?` right before the value. Searched forwards with `$`, the name's
# `[\w.\-]*` was retried from every position of a long word (quadratic); the operator part
# holds no name character, so the name is the last run of them, read backwards from the value.
_ASSIGNMENT_BEFORE = LazyPattern(r"['\"\]]*[ \t]*(?:=>|:=|==|=|:)[ \t]*['\"`]?")
_NOT_NAME_CHARS = LazyPattern(r"[^\w.\-]*")
_NAME_CHARS = LazyPattern(r"[\w.\-]*")
_NAME_START_CHAR = LazyPattern(r"[A-Za-z_]")


def key_name_before(line: str, column: int) -> str | None:
    """The key a value is assigned to: `DB_PASSWORD` in `DB_PASSWORD = "..."`."""
    value = min(max(column - 1, 0), len(line))
    backwards = _reversed(line)
    behind = len(line) - value  # where the text before the value starts, read backwards
    gap = _NOT_NAME_CHARS.match(backwards, behind)
    name_end = value - (gap.end() - behind if gap else 0)
    if not _ASSIGNMENT_BEFORE.fullmatch(line, name_end, value):
        return None
    run = _NAME_CHARS.match(backwards, len(line) - name_end)
    run_start = name_end - (run.end() - run.start() if run else 0)
    first = _NAME_START_CHAR.search(line, run_start, name_end)
    return line[first.start() : name_end] if first else None


_ANTI_FORGERY = LazyPattern(r"csrf|xsrf|authenticity_token|__RequestVerificationToken", re.I)


def not_secret_key(line: str, column: int) -> str | None:
    if _about_anti_forgery(line):
        return "anti-forgery token"
    name = key_name_before(line, column)
    if not name:
        return None
    parts = name_parts(name.rsplit(".", 1)[-1])
    if parts and (_NOT_SECRET_PARTS.intersection(parts) or parts[-1] in _REFERENCE_SUFFIXES):
        return f"`{name}` does not hold a secret"
    return None


def embedded_in_word(line: str, column: int, secret: str) -> str | None:
    """A vendor-shaped match that is only the middle of a longer word (`INASIAAS...`)."""
    start = column - 1
    if line[start : start + len(secret)] != secret:
        return None
    before = line[start - 1] if start > 0 else ""
    after = line[start + len(secret) : start + len(secret) + 1]
    if before.isalnum() or after.isalnum():
        return "part of a longer word"
    return None


_TOKEN_CHARS = LazyPattern(r"[^\s'\"`<>(){}\[\],;]+")


def surrounding_token(line: str, column: int, secret: str) -> str:
    """The whole token a match sits in: detect-secrets sometimes reports only a prefix."""
    at = column - 1
    if not 0 <= at < len(line):
        return secret
    after = _TOKEN_CHARS.match(line, at)
    if after is None:
        return secret
    # Read backwards from the column, not every token from the start of a long line.
    before = _TOKEN_CHARS.match(_reversed(line), len(line) - 1 - at)
    start = at + 1 - (before.end() - before.start() if before else 1)
    return line[start : after.end()]


def repeating(secret: str) -> str | None:
    """A long value with little variety (`GR1348941123123123...`) is not a random secret."""
    if len(secret) >= 20 and shannon_entropy(secret) < 3.0:
        return "repeating pattern"
    return None


def wordy(secret: str) -> str | None:
    """Mostly whole words (`SponsoredProductsRemoteSearch...`): a name, not a random secret."""
    words = [
        p for p in name_parts(secret) if len(p) >= 3 and p.isalpha() and set(p) & set("aeiouy")
    ]
    if len(words) >= 4 and sum(map(len, words)) >= 0.7 * len(secret):
        return "made of words"
    return None


def by_context_reason(secret: str, line: str, column: int, *, generic: bool) -> str | None:
    """Look-alike filters for values that only their key or context makes secret.

    ``generic`` matches (a generic key name, a keyword, entropy alone) get the strict set; a
    vendor-keyed match (``snyk_token = <uuid>``) already names its kind, so the key-name and
    short-run filters do not apply to it.
    """
    if generic:
        return (
            filler(secret)
            or sequential_run(secret)
            or repeating(secret)
            or wordy(secret)
            or not_secret_key(line, column)
            or identifier(secret)
        )
    return (
        filler(secret)
        or sequential_run(secret, length=8)
        or (None if any(c.isdigit() for c in secret) else identifier(secret))
    )


def identifier(secret: str) -> str | None:
    return "identifier, not a secret" if _IDENTIFIER.match(secret) else None


_VERSION_INSIDE = LazyPattern(r"\d+\.\d+\.\d+")
_RESOURCE_NAME = LazyPattern(r"^[a-z0-9]+(?:-[a-z0-9]+){2,}$")


def not_a_generic_secret(secret: str) -> str | None:
    """Extra evidence that the generic detector demands of a context-only match (on top of
    ``by_context_reason``, which already drops identifiers)."""
    if _FILE_OR_PATH.search(secret):
        return "file name or path"
    if _VERSION.match(secret) or _VERSION_INSIDE.search(secret):
        return "version string"
    if _RESOURCE_NAME.match(secret):
        return "resource name"
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


# ztgate's own policy names commits by full sha (`signatures.trust_root`, the keys of
# `signatures.goodlist`): high-entropy hex that entropy and keyword detectors would flag.
_FULL_COMMIT_ID = LazyPattern(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$", re.IGNORECASE)
_COMMIT_KEY_PARTS = frozenset({"commit", "sha", "sha1", "sha256", "rev", "revision"})
_STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")
_MAPPING_KEY_AFTER = LazyPattern(r"['\"]?[ \t]*:")
_PARENT_KEY = LazyPattern(r"^[ \t]*(?:-[ \t]+)?['\"]?([\w.\-]+)['\"]?[ \t]*:")
_JSON_PARENT_BEFORE = LazyPattern(r"['\"]([\w.\-]+)['\"][ \t]*:[ \t]*[{\[][^{}\[\]]*$")


def is_structured_policy_file(filename: str) -> bool:
    """A YAML or JSON file (`.ztgate.yaml` among them): where ``commit_id_in_policy`` applies."""
    return filename.lower().endswith(_STRUCTURED_SUFFIXES)


def _commit_key(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    squashed = last.lower().replace("_", "").replace("-", "")
    return squashed in {"trustroot", "goodlist"} or bool(
        _COMMIT_KEY_PARTS.intersection(name_parts(last))
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _parent_key(lines: Sequence[str], number: int, column: int) -> str | None:
    """The key a mapping key or list item at (``number``, ``column``) sits under: JSON's
    `"goodlist": {` earlier on the same line, else YAML's (or pretty-printed JSON's) nearest
    line above with less indentation."""
    line = lines[number - 1]
    same_line = _JSON_PARENT_BEFORE.search(line, 0, max(column - 1, 0))
    if same_line:
        return same_line.group(1)
    depth = _indent(line)
    for above in reversed(lines[max(0, number - 200) : number - 1]):
        stripped = above.strip()
        if not stripped or stripped.startswith("#") or _indent(above) >= depth:
            continue
        parent = _PARENT_KEY.match(above)
        return parent.group(1) if parent else None
    return None


def commit_id_in_policy(secret: str, lines: Sequence[str], number: int, column: int) -> str | None:
    """A full commit id (40 or 64 hex) in YAML or JSON, the value of a key about commits
    (`trust_root`, `*commit*`, `*sha*`, `rev`, `revision`) or a key or item of a `goodlist`,
    is ztgate's own policy (or a lock file's pin), not a credential. For key-name and entropy
    matches only: a vendor's format says otherwise."""
    if not _FULL_COMMIT_ID.match(secret) or not 0 < number <= len(lines):
        return None
    line = lines[number - 1]
    name = key_name_before(line, column)
    if name is not None:
        return "commit id" if _commit_key(name) else None
    after = column - 1 + len(secret)
    is_key = bool(_MAPPING_KEY_AFTER.match(line, after))
    is_item = line[: column - 1].strip(" \t'\"") in {"-", "[", ","} or line[: column - 1].rstrip(
        " \t'\""
    ).endswith(("[", ","))
    if not (is_key or is_item):
        return None
    parent = _parent_key(lines, number, column)
    return "commit id" if parent is not None and _commit_key(parent) else None
