"""Our false-positive filters: pure predicates that say why a candidate is not a secret.

Each returns a short reason, or None to keep the candidate. They apply to detect-secrets'
findings too (see the README's list): these are the look-alikes that cost a gate its trust.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
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
        # OAuth's own specifications' examples (RFC 5849, 6749, 6750, OpenID Connect Core),
        # quoted in every OAuth library's docstrings
        "2YotnFZFEjr1zCsicMWpAA",
        "tGzv3JOkF0XG5Qx2TlKWIA",
        "SplxlOBeZQQYbYS6WxSbIA",
        "mF_9.B5f-4.1JqM",
        "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
        "h480djs93hd8",
        "SlAV32hkKG",
        "8xLOxBtZp8",
        "0685bd9184jfhq22",
        "ad180jjd733klru7",
        "dj202jd9n9",
        "kd94hf93k423kf44",
        "pfkkdhi9sl3r4s00",
        "hh5s93j4hdidpola",
        "hdk48Djdsa",
        "xyz4992k83j47x0b",
        "nnch734d00sl2jdk",
        "bhCQXTVyfj5cmA9uKkPFx1zeOXM=",
        "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
    }
)
# Digests of empty input: constants of every hashing library, not secrets.
EMPTY_DIGESTS = frozenset(
    {
        "d41d8cd98f00b204e9800998ecf8427e",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    }
)

_PLACEHOLDER_WORDS = LazyPattern(
    r"your[_\-.]?(?:own[_\-.]?)?(?:api|access|secret|app|auth|client|private|bot|db|database)?"
    r"[_\-.]?(?:key|token|secret|password|pass|pwd|id|here)"
    r"|changeme|change[_\-]me|placeholder|redacted|replace[_\-]?me|insert[_\-]|dummy"
    r"|^(?:none|null|nil|undefined|empty|secret|password|passwd|pass|token|string|example"
    r"|sample|test|testing|user|username|admin|changeit|foo|bar|foobar|qwerty|123456|default"
    r"|hunter2|swordfish|s3krit|s3cr3t|mypassword|mysecret|yourpassword|mypass|letmein)$"
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
    r"html?|png|jpe?g|gif|svg|xml|conf|cfg|ini|env|lock|md|log|csv|sh|rb|go|java|war|jar|zip|"
    r"tar|gz|tgz|whl|deb|rpm|exe|dll|so|pdf|docx?|xlsx?|mp4|mp3|wav)$",
    re.IGNORECASE,
)
_VERSION = LazyPattern(r"^v?\d+(?:\.\d+){1,3}(?:[\-+._][\w.\-]*)?$")
# snake_case, kebab-case, dotted.names, CONSTANT_CASE, camelCase, PascalCase: names of things.
_IDENTIFIER = LazyPattern(
    r"^[_.]*[a-z][a-z0-9]*(?:[_.\-][a-z][a-z0-9]*)+$|^[A-Z][A-Z0-9]*(?:[_.\-][A-Z][A-Z0-9]*)+$"
    r"|^[a-z]+(?:[A-Z][a-z]+)+$"
    r"|^(?:[A-Z][a-z]+){2,}$"
)
_HEX_DIGEST = LazyPattern(
    r"^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{56}|[a-f0-9]{64}|[a-f0-9]{96}|"
    r"[a-f0-9]{128})$",
    re.IGNORECASE,
)
_DIGEST_CONTEXT = LazyPattern(
    r"sha\d*|md5|hash|digest|checksum|csum|integrity|commit|revision|\brev\b|etag|fingerprint|"
    r"\bversion\b|\boid\b|blob",
    re.IGNORECASE,
)
_UUID = LazyPattern(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


# A secret longer than this (a run of tokens the length of a file) is first checked for what
# each pattern below needs, with `in` (C speed): their alternations are tried at every offset.
_LONG = 256
# What each pattern needs somewhere in a long ASCII secret (lowercased) for any match.
_TEMPLATE_NEEDS = ("$", "{", "<", ">", "%", "[")
_PLACEHOLDER_NEEDS = (
    "your", "change", "placeholder", "redacted", "replace", "insert", "dummy", "here",
)  # fmt: skip
_MASK_NEEDS = (
    "***", "\u2022\u2022", "\u00b7\u00b7\u00b7", "#####", "xxxxx", "...", "\u2026", "<redacted>",
    "[redacted]",
)  # fmt: skip


def _may_hold(secret: str, needs: tuple[str, ...]) -> bool:
    """False only for a long ASCII secret that holds none of ``needs``: the pattern they are
    drawn from cannot match it (its anchored alternatives all fit in a short one)."""
    if len(secret) <= _LONG or not secret.isascii():
        return True
    lowered = secret.lower()
    return any(need in lowered for need in needs)


def placeholder(secret: str) -> str | None:
    if _may_hold(secret, _TEMPLATE_NEEDS) and _TEMPLATE.search(secret):
        return "template placeholder"
    if _may_hold_placeholder(secret) and _PLACEHOLDER_WORDS.search(secret):
        return "placeholder text"
    return None


def _may_hold_placeholder(secret: str) -> bool:
    """Besides a word, a placeholder may be one character repeated or start with `...`."""
    return (
        _may_hold(secret, _PLACEHOLDER_NEEDS) or secret.startswith("...") or len(set(secret)) == 1
    )


def filler(secret: str) -> str | None:
    """Mostly one repeated character. Applied to context-based matches only: a value that
    matches a vendor's exact format is reported even when its body looks like filler."""
    most_common = Counter(secret).most_common(1)[0][1] if secret else 0
    if len(secret) >= 8 and most_common / len(secret) >= 0.6:
        return "repeated filler characters"
    return None


def masked(secret: str) -> str | None:
    return "masked value" if _may_hold(secret, _MASK_NEEDS) and _MASK.search(secret) else None


_ENV_PREFIXES = (
    "process.env", "os.environ", "os.getenv", "System.getenv", "ENV[", "import.meta.env",
    "env.", "secrets.", "vars.", "settings.", "config.", "Config.",
)  # fmt: skip


def environment_lookup(secret: str) -> str | None:
    may = (
        len(secret) <= _LONG
        or secret.startswith(_ENV_PREFIXES)
        or "getenv" in secret
        or "environ" in secret
    )
    return "environment or config look-up" if may and _ENV_LOOKUP.search(secret) else None


def documented_example(secret: str) -> str | None:
    """Vendors' and specifications' published examples; AWS marks its own with `EXAMPLE`
    (`AKIAIOSFODNN7EXAMPLE`, `AQoEXAMPLEH4aoAH0gNCAPy...`, `...SEXAMPLE=`)."""
    if (
        secret in DOCUMENTED_EXAMPLES
        or secret.rstrip("=").endswith(("EXAMPLE", "EXAMPLEKEY"))
        or secret.startswith("AQoEXAMPLE")  # AWS's documented session token
    ):
        return "vendor's documented example key"
    if secret.lower() in EMPTY_DIGESTS:
        return "digest of empty input"
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
        # documentation's sample values (Ansible's RETURN `sample:`, OpenAPI `example:`)
        "sample",
        "samples",
        "example",
        "examples",
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


def by_context_reason(secret: str, line: str, column: int, *, generic: bool) -> Drop | None:
    """Look-alike filters for values that only their key or context makes secret.

    ``generic`` matches (a generic key name, a keyword, entropy alone) get the strict set; a
    vendor-keyed match (``snyk_token = <uuid>``) already names its kind, so the key-name and
    short-run filters do not apply to it.
    """
    if generic:
        return (
            named("filler", filler(secret))
            or named("sequential", sequential_run(secret))
            or named("repeating", repeating(secret))
            or named("wordy", wordy(secret))
            or named("not-secret-key", not_secret_key(line, column))
            or named("identifier", identifier(secret))
        )
    return (
        named("filler", filler(secret))
        or named("sequential", sequential_run(secret, length=8))
        or (None if any(c.isdigit() for c in secret) else named("identifier", identifier(secret)))
        or named("code-value", class_name(secret))
        or named("code-value", "code word" if secret.lower() in _CODE_WORDS else None)
    )


def identifier(secret: str) -> str | None:
    return "identifier, not a secret" if _IDENTIFIER.match(secret) else None


_VERSION_INSIDE = LazyPattern(r"\d+\.\d+\.\d+")
_RESOURCE_NAME = LazyPattern(r"^[a-z0-9]+(?:-[a-z0-9]+){2,}$")


def not_a_generic_secret(secret: str) -> Drop | None:
    """Extra evidence that the generic detector demands of a context-only match (on top of
    ``by_context_reason``, which already drops identifiers)."""
    if _FILE_OR_PATH.search(secret):
        return Drop("file-path", "file name or path")
    if _VERSION.match(secret) or _VERSION_INSIDE.search(secret):
        return Drop("version", "version string")
    if _RESOURCE_NAME.match(secret):
        return Drop("resource-name", "resource name")
    if _UUID.match(secret):
        return Drop("uuid", "UUID identifier")
    if not any(c.isdigit() for c in secret) or not any(c.isalpha() for c in secret):
        return Drop("letters-and-digits", "needs letters and digits")
    return None


def common_reason(secret: str, line: str) -> Drop | None:
    """The filters that apply to every finding, ours and detect-secrets' alike."""
    return (
        named("documented-example", documented_example(secret))
        or named("masked", masked(secret))
        or named("placeholder", placeholder(secret))
        or named("environment-lookup", environment_lookup(secret))
        or named("hex-digest", digest_in_context(secret, line))
        or vendor_token_invalid(secret)
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


# --- Named drops -------------------------------------------------------------------------------
# Every candidate a filter drops is dropped under a stable filter name, so that
# `ztgate secrets --explain` can say which filter took which candidate (and a user can report a
# filter that took a real credential).


@dataclass(frozen=True)
class Drop:
    """Why a candidate was dropped: the filter's stable name and what it saw."""

    filter: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filter}: {self.reason}"


def named(name: str, reason: str | None) -> Drop | None:
    return Drop(name, reason) if reason else None


# --- Vendor-shaped tokens that the vendor never issued -------------------------------------------
# GitHub's and npm's tokens end in a CRC32 of their random part, in base62 (digits, then upper,
# then lower case letters), six characters, zero-padded: a token whose checksum is wrong was
# never issued, however real it looks.
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_CHECKSUMMED = LazyPattern(r"^(?:gh[pousr]|npm)_[A-Za-z0-9]{36}$")
_CHECKSUMMED_PREFIX = LazyPattern(r"^(?:gh[pousr]|npm)_")
_FINE_GRAINED = LazyPattern(r"^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$")


def base62_checksum(body: str) -> str:
    """The six-character base62 CRC32 that GitHub and npm append to a token's random part."""
    value = zlib.crc32(body.encode("ascii"))
    digits = ""
    while value:
        value, rest = divmod(value, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(6, "0")


def github_style_token_invalid(secret: str) -> str | None:
    """`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`npm_` + 30 random + 6 checksum; `github_pat_` +
    22 + `_` + 59. Only judges values that start with one of these prefixes."""
    if secret.startswith("github_pat_"):
        return None if _FINE_GRAINED.match(secret) else "not a GitHub fine-grained token's shape"
    if not _CHECKSUMMED_PREFIX.match(secret):
        return None
    if not _CHECKSUMMED.match(secret):
        return "wrong length or characters for its prefix"
    body, checksum = secret[4:-6], secret[-6:]
    if base62_checksum(body) != checksum:
        return "checksum does not match: never issued"
    return None


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data) and shift < 35:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    raise ValueError("bad varint")


def _macaroon_section(data: bytes, at: int) -> tuple[int, int]:
    """Fields up to an end-of-section marker: (fields read, offset after the marker)."""
    fields = 0
    while True:
        kind, at = _varint(data, at)
        if kind == 0:
            return fields, at
        if kind not in (1, 2, 4):
            raise ValueError("unknown field")
        length, at = _varint(data, at)
        at += length
        if at > len(data):
            raise ValueError("field past the end")
        fields += 1


def macaroon_v2_valid(data: bytes) -> bool:
    """libmacaroons' v2 binary format: version 2, a header section (location, identifier),
    caveat sections, an empty section, then a 32-byte signature field and nothing after."""
    try:
        if not data or data[0] != 2:
            return False
        fields, at = _macaroon_section(data, 1)
        if fields == 0:
            return False
        while True:
            fields, at = _macaroon_section(data, at)
            if fields == 0:
                break
        kind, at = _varint(data, at)
        length, at = _varint(data, at)
        return kind == 6 and length == 32 and at + 32 == len(data)
    except ValueError:
        return False


_PYPI_LOCATIONS = (b"\x02\x01\x08pypi.org", b"\x02\x01\x0dtest.pypi.org")


def pypi_token_invalid(secret: str) -> str | None:
    """`pypi-` + a base64url macaroon issued by pypi.org: decode it and check its structure."""
    if not secret.startswith("pypi-"):
        return None
    body = secret[5:]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error):
        return "not base64: not a PyPI macaroon"
    if not data.startswith(_PYPI_LOCATIONS) or not macaroon_v2_valid(data):
        return "not a well-formed PyPI macaroon"
    return None


# Slack: `xoxb-`/`xoxp-`/... then dash-separated numeric ids, then the random part.
_SLACK = LazyPattern(r"^xox[abposr]-")
_SLACK_SHAPE = LazyPattern(
    r"^xox[bp]-\d{8,14}-\d{8,14}(?:-\d{8,14})?-[A-Za-z0-9]{24,34}$"
    r"|^xoxe\.xox[bp]-1-[A-Za-z0-9]{140,170}$|^xox[aors]-(?:\d+-){1,3}[A-Za-z0-9]{20,}$"
)


def slack_token_invalid(secret: str) -> str | None:
    """A Slack bot or user token holds numeric workspace and user ids before its random part;
    a value like `xoxb-not-a-real-token` does not."""
    if not _SLACK.match(secret) or _SLACK_SHAPE.match(secret):
        return None
    if secret[:5] in ("xoxb-", "xoxp-") and not any(c.isdigit() for c in secret[5:16]):
        return "no numeric ids: not a Slack token"
    return None


_WORD_AT = LazyPattern(r"[\w\-]+")


def word_at(line: str, column: int) -> str:
    """The run of word characters and dashes that starts at ``column`` (1-based): the whole
    token when detect-secrets reports only its prefix (`ghp`)."""
    found = _WORD_AT.match(line, max(column - 1, 0))
    return found.group(0) if found else ""


def vendor_token_invalid(secret: str) -> Drop | None:
    """A value with a vendor's prefix that the vendor's own structure rules out."""
    return (
        named("vendor-checksum", github_style_token_invalid(secret))
        or named("pypi-macaroon", pypi_token_invalid(secret))
        or named("slack-structure", slack_token_invalid(secret))
    )


# --- Values that only their context made look secret -------------------------------------------
# What a human reviewer reads besides the value: the key it is assigned to, the line, the
# structure around it, the value decoded. These apply to matches that only a key name, a keyword
# or entropy made candidates (ours and detect-secrets'), never to a vendor's exact format.

# JSON Web Key members that are public by definition (RFC 7517/7518): key id, algorithm, use,
# the public modulus and exponent, the curve point, certificate chain and thumbprints. `d`, `p`,
# `q`, `dp`, `dq`, `qi` and `k` are private and are not listed.
_JWK_PUBLIC = frozenset(
    {"kid", "kty", "alg", "use", "crv", "n", "e", "x", "y", "x5c", "x5t", "x5t#s256", "x5u"}
)
_JWK_CONTEXT = LazyPattern(r"[\"']?kty[\"']?\s*[:=]|\bjwks?\b|jwks_uri|\"keys\"\s*:", re.I)
_JWK_KEY_BEFORE = LazyPattern(r"[\"']?(x5t#S256|[A-Za-z0-9]{1,4})[\"']?\s*[:=]\s*[\"']?$")


@lru_cache(maxsize=128)
def _about_jwk(line: str) -> bool:
    return bool(_JWK_CONTEXT.search(line))


def jwk_public_member(lines: Sequence[str], number: int, column: int) -> str | None:
    """`"n": "<modulus>"`, `"kid": "..."` in a JSON Web Key (a `kty` within a few lines)."""
    if not 0 < number <= len(lines):
        return None
    line = lines[number - 1]
    end = max(column - 1, 0)
    key = _JWK_KEY_BEFORE.search(line, max(0, end - 24), end)
    if not key or key.group(1).lower() not in _JWK_PUBLIC:
        return None
    window = lines[max(0, number - 30) : number + 30]
    if any(_about_jwk(text) for text in window):
        return f"public JSON Web Key member `{key.group(1)}`"
    return None


# Subresource Integrity and Content-Security-Policy hashes and nonces: `sha384-<base64>`.
_INTEGRITY = LazyPattern(r"^'?(?:sha(?:256|384|512)|nonce)-[A-Za-z0-9+/_\-]+=*'?$")
_INTEGRITY_LINE = LazyPattern(
    r"integrity\s*=|content-security-policy|script-src|style-src|default-src|'sha(?:256|384|512)-",
    re.I,
)


def integrity_hash(token: str, line: str) -> str | None:
    if _INTEGRITY.match(token) or (
        "sha" in token[:8].lower() and _about_integrity(line) and "-" in token[:8]
    ):
        return "Subresource Integrity or CSP hash"
    return None


@lru_cache(maxsize=64)
def _about_integrity(line: str) -> bool:
    return bool(_INTEGRITY_LINE.search(line))


_BASE64_BODY = LazyPattern(r"^[A-Za-z0-9+/_\-]{16,}={0,2}$")
# File formats' magic numbers: compressed data, images, archives, fonts, wasm.
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"\x78\x01", "zlib"),
    (b"\x78\x5e", "zlib"),
    (b"\x78\x9c", "zlib"),
    (b"\x78\xda", "zlib"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x00asm", "WebAssembly"),
    (b"wOF", "web font"),
    (b"RIFF", "RIFF media"),
)
# Decoded text that could itself be or hold a credential: a key, `user:password`, a keyword.
_CREDENTIAL_TEXT = LazyPattern(
    r"private key|-----BEGIN|passw|passwd|pwd|secret|token|auth|api[_\-]?key|credential|bearer|"
    r"^[^\s:]{1,64}:[^\s]{3,}$",
    re.I,
)
_PROSE_WORD = LazyPattern(r"[A-Za-z]{2,}")


def decode_base64(value: str) -> bytes | None:
    if not _BASE64_BODY.match(value):
        return None
    body = value.rstrip("=")
    padded = body + "=" * (-len(body) % 4)
    try:
        if "-" in body or "_" in body:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (ValueError, binascii.Error):
        return None


def encoded_content(value: str) -> str | None:
    """Base64 that decodes to a file format (gzip, zlib, PNG...) or to printable prose or JSON
    holding no credential word: data embedded in code, not a credential."""
    if len(value) < 16:
        return None
    data = decode_base64(value)
    if data is None or len(data) < 8:
        return None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return f"base64 of {kind} data"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # A whole decoded blob is all printable; a slice of a longer one may end mid-character.
    if not text.isprintable() and not all(c.isprintable() or c in "\n\r\t" for c in text):
        return None
    if _CREDENTIAL_TEXT.search(text):
        return None
    words = _PROSE_WORD.findall(text)
    letters = sum(map(len, words))
    if text.lstrip().startswith(("{", "[")) and '"' in text:
        return "base64 of JSON text"
    spaces = text.count(" ")
    if (
        spaces >= max(2, len(text) // 20)
        and len(words) >= 3
        and letters >= 0.6 * (len(text) - spaces)
    ):
        return "base64 of prose"
    return None


# Container, sandbox and image ids: 12 or 64 hex, on a line about containers.
_CONTAINER_ID = LazyPattern(r"^(?:[0-9a-f]{12}|[0-9a-f]{64})$")
_CONTAINER_LINE = LazyPattern(
    r"container|sandbox|\bpod|cri\b|\bcri\.|docker|podman|containerd|\bimage|\blayer|"
    r"sha256:|\bcid\b|runc|\bkata|\bshim",
    re.I,
)
_SECRET_WORDS = frozenset(
    {"key", "secret", "token", "password", "passwd", "pwd", "pass", "auth", "credential", "pin"}
)


def secret_named(line: str, column: int) -> bool:
    """Whether the value is assigned to a key that names a secret (`api_key`, `DB_PASSWORD`)."""
    name = key_name_before(line, column)
    return bool(name) and bool(_SECRET_WORDS.intersection(name_parts(name or "")))


@lru_cache(maxsize=64)
def _about_containers(line: str) -> bool:
    return bool(_CONTAINER_LINE.search(line))


def container_id(secret: str, line: str, column: int) -> str | None:
    if _CONTAINER_ID.match(secret) and _about_containers(line):
        if not secret_named(line, column):
            return "container, sandbox or image id"
    return None


# `root:x:0:0:root:/root:/bin/bash`: an /etc/passwd line (the `x` says the hash is elsewhere)
# and /etc/group lines.
_PASSWD_LINE = LazyPattern(
    r"^[\s\"'`#-]*[a-z_][\w.\-]*\$?:[x*!]?:\d+:\d*:[^:\n]*(?::[^:\n]*:[^:\n]*)?[\"'`,;\\n]*$"
)


@lru_cache(maxsize=64)
def passwd_line(line: str) -> str | None:
    """A line, or a value, that is an /etc/passwd or /etc/group entry."""
    return "/etc/passwd or /etc/group entry" if _PASSWD_LINE.match(line.strip()) else None


_KUBERNETES_REFERENCE = LazyPattern(
    r"kubernetes\.io~secret|kubernetes\.io/(?:service-account|secret|dockerconfigjson|tls|"
    r"basic-auth|ssh-auth)|secretKeyRef|secretRef|secretName",
    re.I,
)


@lru_cache(maxsize=64)
def _about_kubernetes_references(line: str) -> bool:
    return bool(_KUBERNETES_REFERENCE.search(line)) and not _KUBERNETES_DATA.search(line)


def kubernetes_reference(secret: str, line: str) -> str | None:
    """`kubernetes.io~secret` volume paths, Secret types, `secretName:` / `secretKeyRef:`
    references: names of Secrets, not their content."""
    if _KUBERNETES_REFERENCE.search(secret) or _about_kubernetes_references(line):
        return "reference to a Kubernetes Secret, not its content"
    return None


_KUBERNETES_DATA = LazyPattern(r"^\s*(?:data|stringData)\s*:", re.I)

# `password: "Password"`, `"Enter your password:"`, `#password-field`, `/reset-password`,
# `input[type=password]`: labels, selectors and routes named after the keyword.
_UI_LABEL = LazyPattern(
    r"^[A-Za-z][A-Za-z'’]*(?:[ \-][A-Za-z'’]+){0,8}\s*[:.?!…*]*$",
)
_LABEL_WORD = LazyPattern(
    r"passw|pwd|secret|token|key|login|sign|user|name|email|confirm|enter|forgot|reset|"
    r"repeat|new|old|current|show|hide|field|input|label|placeholder|required|invalid|wrong",
    re.I,
)
# Every repeat below is delimited by a character that the repeated part cannot hold (`#`, `.`,
# `[`, `:`, `/`, a combinator), so no text can be split two ways: matching stays linear.
_SIMPLE_SELECTOR = r"(?:[#.][A-Za-z_][\w\-]*|\[[^\[\]]+\]|::?[\w\-]+(?:\([^()]*\))?)"
_CSS_SELECTOR = LazyPattern(
    rf"^(?:[a-z]+\[[^\[\]]+\]|{_SIMPLE_SELECTOR}){_SIMPLE_SELECTOR}*"
    rf"(?:[\s>+~]+(?:[a-z][a-z0-9]*{_SIMPLE_SELECTOR}*|{_SIMPLE_SELECTOR}+))*$"
)
_ROUTE = LazyPattern(r"^(?:/[a-z0-9_\-.:{}\[\]]+)+/?$")


def ui_text(secret: str) -> str | None:
    """Text a user reads, a selector or a route, not a value a program authenticates with.
    Labels, selectors and routes are short: a long value is none of them (and stays cheap).
    A single word (`Newcastle`, `#abc123`) could be a password: a label needs blanks or
    closing punctuation, a selector a `-`, `[`, blank, combinator or no digit."""
    if len(secret) > 120:
        return None
    if _CSS_SELECTOR.match(secret) and (
        _SELECTOR_MARK.search(secret) or not any(c.isdigit() for c in secret)
    ):
        return "CSS selector"
    if _ROUTE.match(secret) and any(c.isalpha() for c in secret):
        return "URL route or path"
    if _UI_LABEL.match(secret) and _LABEL_WORD.search(secret):
        if " " in secret or secret[-1:] in ":?!.…*":
            return "user interface label"
    return None


_SELECTOR_MARK = LazyPattern(r"[\-\[\s>+~]")


_DIGITS_ONLY = LazyPattern(r"^\d{4,24}$")


_SHORT_HEX = LazyPattern(r"^[0-9a-fA-F]{8,16}$")


def short_hex(secret: str, line: str, column: int) -> str | None:
    """Hex of 64 bits or less (`D8576A8BA88D21E9`, a GPG key id, a short container id): an
    id, too short for a random secret, unless its key names a secret."""
    if _SHORT_HEX.match(secret) and not secret_named(line, column):
        return "short hex id"
    return None


def numeric_id(secret: str, line: str, column: int) -> str | None:
    """A run of decimal digits (`TWITCH_CHANNEL_ID = "126..."`): the hex and keyword plugins
    take it for hex or a password; unless its key names a secret, it is an id or a number."""
    if _DIGITS_ONLY.match(secret) and not secret_named(line, column):
        return "decimal number or id"
    return None


# AWS Signature V4's credential scope: an access key id (not secret) and date/region/service.
_AWS_SCOPE = LazyPattern(r"^[A-Z0-9]{4,128}/\d{8}/[a-z0-9\-]+/[a-z0-9\-]+/aws4_request$")


def aws_credential_scope(secret: str) -> str | None:
    return "AWS SigV4 credential scope" if _AWS_SCOPE.match(secret) else None


# Type annotations and code words that keyword plugins take for a password's value:
# `"secret": "str"`, `secrets: List[V1ObjectReference]`, `update_password == 'always'`.
_TYPE_ANNOTATION = LazyPattern(
    r"^(?:[A-Z]\w*|str|int|bool|float|bytes|dict|list|tuple|set|object|any|none|string|"
    r"number|boolean)\[[\w\[\], .|]*\]$|^(?:Optional|Union|List|Dict|Tuple|Set|Sequence|"
    r"Mapping|Iterable)\b"
)
_CODE_WORDS = frozenset(
    {
        "str",
        "int",
        "bool",
        "float",
        "bytes",
        "dict",
        "list",
        "object",
        "string",
        "number",
        "boolean",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "always",
        "never",
        "auto",
        "required",
        "optional",
        "enabled",
        "disabled",
        "enable",
        "disable",
        "all",
        "any",
        "hidden",
        "visible",
        "text",
        "plain",
        "random",
        "prompt",
        "ask",
        "sshpass",
        "none",
        "null",
        "nil",
        "undefined",
        "wrong",
        "invalid",
        "missing",
        "unknown",
        "present",
        "absent",
        "strict",
        "lenient",
        "function",
        "symbol",
        "bigint",
    }
)
# `HS256`, `A128CBC-HS256`, `aes-256-gcm`, `sha512`: algorithm names.
_ALGORITHM = LazyPattern(
    r"^(?:(?:HS|RS|ES|PS)(?:256|384|512)K?|EdDSA|A(?:128|192|256)(?:CBC-HS(?:256|384|512)|GCM|"
    r"KW|GCMKW)|RSA-OAEP(?:-256)?|ECDH-ES(?:\+A\d{3}KW)?|dir|"
    r"(?:aes|AES)-?(?:128|192|256)(?:-?(?:gcm|cbc|ctr|GCM|CBC|CTR))?|"
    r"(?:sha|SHA)-?(?:1|224|256|384|512)|(?:md5|MD5)|(?:bcrypt|scrypt|argon2(?:id|i|d)?|pbkdf2))$"
)
# PascalCase, digits only before a capital (`V1Secret`), never before a lower-case letter.
_CLASS_NAME = LazyPattern(r"^[A-Z0-9][A-Za-z0-9]*$")
_DIGIT_THEN_LOWER = LazyPattern(r"\d[a-z]")


def code_value(secret: str, line: str, column: int) -> str | None:
    """A type, a code word, an algorithm or a class name where a keyword plugin expected a
    password; or a value that is its own key's name (`"secrets": "secrets"`)."""
    lowered = secret.lower()
    if lowered in _CODE_WORDS:
        return "code word"
    if _TYPE_ANNOTATION.match(secret):
        return "type annotation"
    if _ALGORITHM.match(secret):
        return "algorithm name"
    if _TIMESTAMP.match(secret):
        return "date or time"
    if _HASH_PREFIX.match(secret):
        return "hash algorithm prefix"
    if _PASSWORD_HASH.match(secret):
        return "password hash, not the password"
    name = key_name_before(line, column)
    if name and lowered.replace("-", "_") == name.rsplit(".", 1)[-1].lower().replace("-", "_"):
        return "the key's own name"
    if _self_named(secret, line, column):
        return "the key's own name"
    return class_name(secret)


_TIMESTAMP = LazyPattern(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+\-]\d{2}:?\d{2})?)?$"
)
# `sha1$$`, `bcrypt$`: the start of a stored hash, as Django's lookups compare it.
_HASH_PREFIX = LazyPattern(r"^[a-z][a-z0-9_]{1,20}\${1,2}$")
# Django's `<algorithm>$<iterations>$<salt>$<hash>` and crypt(3)'s `$6$rounds=...$salt$hash`.
_PASSWORD_HASH = LazyPattern(
    r"^(?:pbkdf2_sha(?:1|256|512)|argon2|bcrypt(?:_sha256)?|scrypt|sha1|md5|unsalted_md5|"
    r"unsalted_sha1)\$[^\s$]+\$|^\$(?:1|2[abxy]?|5|6|y|gy|7|argon2(?:id|i|d)|scrypt)\$[^\s$]*\$"
)


def _self_named(secret: str, line: str, column: int) -> bool:
    """`"secrets": "secrets"`: the value repeats the key it is assigned to (looked for in the
    few characters before the value, not along the line)."""
    end = max(column - 1, 0)
    start = max(0, end - len(secret) - 12)
    before = line[start:end]
    at = before.find(secret)
    return at >= 0 and bool(_SELF_GAP.fullmatch(before, at + len(secret)))


_SELF_GAP = LazyPattern(r"[\"']?[ \t]*(?:=>|:=|==|=|:)[ \t]*[\"'`]?")


def wordy_name(secret: str) -> bool:
    """PascalCase made of words (`V1SecretProjection`, `V1AWSElasticBlockStoreVolumeSource`):
    every part a capitalised word with a vowel, an acronym of 2-4 capitals or an API version
    (`V1`, `V1beta1`); three or more parts, two or more of them words that make up most of it.
    A random value almost never splits that way."""
    parts = _NAME_PARTS.findall(secret)
    words = 0
    for part in parts:
        if len(part) >= 3 and part[0].isupper() and part[1:].islower() and part.isalpha():
            if not set(part.lower()) & _VOWELS:
                return False
            words += len(part)
        elif not (part.isalpha() and part.isupper() and 2 <= len(part) <= 4) and not (
            _API_VERSION.match(part)
        ):
            return False
    return len(parts) >= 3 and words >= 0.75 * len(secret)


_API_VERSION = LazyPattern(r"^V\d{1,2}(?:(?:alpha|beta)\d{1,2})?$|^[A-Z][a-z]{0,3}\d{1,2}$")
_VOWELS = frozenset("aeiouy")


def class_name(secret: str) -> str | None:
    if _CLASS_NAME.match(secret) and not _DIGIT_THEN_LOWER.search(secret) and wordy_name(secret):
        return "class or type name"
    return None


def too_short(secret: str) -> str | None:
    """Shorter than any credential a reviewer would block on (`password: yes`)."""
    return "too short for a credential" if len(secret) < 6 else None


# `scheme://user:password@host` where the password is the user name or a placeholder.
_URL_USERINFO = LazyPattern(r"://([^:/?#@\s]*):([^:/?#@\s]+)@")
_URL_PLACEHOLDER = LazyPattern(
    r"^(?:pw|pwd|pass|passw|passwd|password|guest|secret|mypassword|mypass|mysecret|yourpassword|"
    r"pa\$\$word|p@ss(?:w0rd|word)?|passw0rd|s3cr3t|changeme|changeit|xxx+|\*+|test|testing|"
    r"example|sample|dummy|fake|foo|bar|baz|user|username|admin|root|demo|default|letmein)$",
    re.I,
)


@lru_cache(maxsize=64)
def _userinfo(line: str) -> tuple[tuple[str, str], ...]:
    """The `user:password` pairs of the URLs on a line (the first 64)."""
    if "://" not in line:
        return ()
    found = []
    for match in _URL_USERINFO.finditer(line):
        found.append((match.group(1), match.group(2)))
        if len(found) == 64:
            break
    return tuple(found)


def url_placeholder(secret: str, line: str) -> str | None:
    """`guest:guest@`, `user:pw@host`, `user:password@`: documentation, not a credential."""
    for user, password in _userinfo(line):
        if password != secret and secret not in password:
            continue
        user, password = user.strip("[]{}<>()"), password.strip("[]{}<>()")
        if password.lower() == user.lower() and user:
            return "password in URL equals the user name"
        if _URL_PLACEHOLDER.match(password) or placeholder(password):
            return "placeholder password in URL"
    return None


_BASIC_SCHEME = LazyPattern(r"\bBasic\s+$", re.I)


def basic_auth_placeholder(secret: str, line: str, column: int) -> str | None:
    """`Authorization: Basic <base64 of user:password>` whose password is a placeholder."""
    end = max(column - 1, 0)
    if not _BASIC_SCHEME.search(line, max(0, end - 32), end):
        return None
    data = decode_base64(secret) if len(secret) >= 8 else None
    if data is None:
        return None
    try:
        user, _, password = data.decode("utf-8").partition(":")
    except UnicodeDecodeError:
        return None
    if password and (
        password.lower() == user.lower()
        or _URL_PLACEHOLDER.match(password)
        or placeholder(password)
    ):
        return "Basic credentials with a placeholder password"
    return None


# A `---` line separates YAML documents: no secret's match spans two of them (a ConfigMap's
# value and a later `kind: Secret`). The engine looks the separators up once per text.
YAML_SEPARATOR = LazyPattern(r"^---[ \t]*$", re.MULTILINE)


def context_drop(
    secret: str, token: str, lines: Sequence[str], number: int, column: int
) -> Drop | None:
    """The look-alikes of context-only matches (a key name, a keyword, entropy), named."""
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    return (
        named("jwk-public-member", jwk_public_member(lines, number, column))
        or named("integrity-hash", integrity_hash(token, line))
        or named("encoded-content", encoded_content(secret))
        or named("container-id", container_id(secret, line, column))
        or named("passwd-line", passwd_line(secret) or passwd_line(line))
        or named("kubernetes-reference", kubernetes_reference(secret, line))
        or named("numeric-id", numeric_id(secret, line, column))
        or named("short-hex", short_hex(secret, line, column))
        or named("aws-credential-scope", aws_credential_scope(secret))
        or named("code-value", code_value(secret, line, column))
        or named("ui-text", ui_text(secret))
    )


def keyword_value_drop(secret: str) -> Drop | None:
    """Extra for detect-secrets' keyword plugin, which takes any quoted value after a keyword."""
    return named("too-short", too_short(secret))


def url_drop(secret: str, line: str, column: int) -> Drop | None:
    """Placeholders in URLs and Basic credentials, for every detector."""
    return named("url-placeholder", url_placeholder(secret, line)) or named(
        "basic-auth-placeholder", basic_auth_placeholder(secret, line, column)
    )


# --- Where a file sits ------------------------------------------------------------------------
# Test data and fixtures are full of keys made for the tests. A finding there is shown as a
# warning (never hidden) unless its format is a vendor's, which a test has no reason to hold.
_FIXTURE_DIRS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "testdata",
        "test_data",
        "test-data",
        "fixtures",
        "fixture",
        "__fixtures__",
        "__tests__",
        "__mocks__",
        "spec",
        "specs",
        "mocks",
        "e2e",
        # documentation and examples: values written to be read, not used
        "docs",
        "doc",
        "documentation",
        "examples",
        "example",
        "samples",
        # vendored and generated code: not written in this repository
        "vendor",
        "vendored",
        "third_party",
        "third-party",
        "node_modules",
    }
)
# Documentation files, example copies of configuration (`.env.example`, `settings.sample.py`),
# minified bundles, lock files.
_DOC_OR_GENERATED_FILE = LazyPattern(
    r"^(?:readme|changelog|changes|history|news|pkg-info)(?:\.[\w.]+)?$|\.(?:md|rst|adoc)$|"
    r"[._\-](?:examples?|samples?|dist|template)(?:[._\-]|$)|^(?:examples|samples)(?:-\d+)?\.\w+$|"
    r"\.min\.(?:js|css)$|\.map$|"
    r"^(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|pipfile\.lock|cargo\.lock|"
    r"go\.sum|composer\.lock|gemfile\.lock|uv\.lock)$",
    re.IGNORECASE,
)
_TEST_FILE = LazyPattern(
    r"^(?:test_.*\.py|.*_test\.(?:py|go|rb|exs?|dart|cc|cpp|c)|.*[._\-](?:test|spec)\."
    r"(?:[cm]?[jt]sx?|rb)|.*Tests?\.(?:java|kt|cs|swift|scala|php)|conftest\.py)$"
)


def fixture_path(path: str) -> str | None:
    """`tests/`, `testdata/`, `fixtures/`, `__tests__/`, `*_test.go`, `test_*.py`..."""
    parts = path.replace("\\", "/").split("/")
    if any(part.lower() in _FIXTURE_DIRS for part in parts[:-1]):
        return "test fixture path"
    if _TEST_FILE.match(parts[-1]):
        return "test file"
    if _DOC_OR_GENERATED_FILE.search(parts[-1]):
        return "documentation, example, generated or lock file"
    return None


# Detectors whose findings a test fixture path lowers to a warning: those that name no vendor
# (key names, entropy, vendor-neutral formats) and key material, which tests generate.
_LOWERED_CATEGORIES = frozenset({"generic", "private-key"})
_LOWERED_IDS = frozenset(
    {
        "KeywordDetector",
        "Base64HighEntropyString",
        "HexHighEntropyString",
        "BasicAuthDetector",
        "JwtTokenDetector",
        "PrivateKeyDetector",
        "connection-url-password",
        "gcp-service-account",
    }
)


@lru_cache(maxsize=1)
def _lowered_detectors() -> frozenset[str]:
    from ztgate.secrets.catalog import ALL_DETECTORS

    return _LOWERED_IDS | {d.id for d in ALL_DETECTORS if d.category in _LOWERED_CATEGORIES}


def lowered_in_fixtures(detector_id: str) -> bool:
    return detector_id in _lowered_detectors()
