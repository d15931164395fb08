"""detect-secrets' own plugins and filters, run only on the lines that could concern them.

detect-secrets runs every plugin on every line through dependency injection, and importing it
costs about 0.2 s (it pulls in `requests`). We scan whole files with cheap prefilters first:
each of its plugins has a prefilter here that matches wherever the plugin could match (a
superset: a line it skips, the plugin would not flag). Only when a prefilter hits do we import
detect-secrets and run its real plugins and filters on those lines, so we report what it
reports. `bench/secrets.py` checks that superset on a real tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ztgate.secrets.detectors import shannon_entropy

# One prefilter per detect-secrets plugin: (lowercase keywords gating it, or () for none;
# the shape that marks candidate lines).
_KEYWORD_SHAPE = (
    r"(?:api|auth|service|account|db|database|priv|private|client)_?key|(?:db|database|key)_?pass"
    r"|password|passwd|pwd|secret|contrase(?:ñ|n)a"
)
PREFILTERS: dict[str, tuple[tuple[str, ...], str, int]] = {
    "ArtifactoryDetector": ((), r"AKC[a-zA-Z0-9]{10}|AP[\dABCDEF][a-zA-Z0-9]{8}", 0),
    "AWSKeyDetector": (
        ("a3t", "abia", "acca", "akia", "asia", "aws"),
        r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}|(?i:aws).*['\"][0-9a-zA-Z/+]{40}['\"]",
        0,
    ),
    "AzureStorageKeyDetector": (("accountkey=",), r"AccountKey=", 0),
    "BasicAuthDetector": (("://",), r"://[^{}\s]+:[^{}\s]+@", 0),
    "CloudantDetector": (
        ("cl",),
        r"(?i:cl(?:oudant|ou)?[-_]?(?:api)?(?:key|pwd|pw|pass|token))|cloudant",
        0,
    ),
    "DiscordBotTokenDetector": ((), r"[MNO][\w\-]{23,25}\.[\w\-]{6}\.[\w\-]{27}", 0),
    "GitHubTokenDetector": (("gh",), r"gh[pousr]_", 0),
    "GitLabTokenDetector": (
        ("gl", "gr1348941"),
        r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|GR1348941",
        0,
    ),
    "IbmCloudIamDetector": (
        ("key", "pw", "pass", "token"),
        r"(?i:key|pwd|pass|token)[\]'\" :=>]*[A-Za-z0-9_\-]{44}",
        0,
    ),
    "IbmCosHmacDetector": (("key", "id"), r"(?i:key|id)[\]'\" :=>]*[a-f0-9]{32}", 0),
    "IPPublicDetector": ((".",), r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}", 0),
    "JwtTokenDetector": (("eyj",), r"eyJ", 0),
    "KeywordDetector": (
        ("key", "pass", "pwd", "secret", "contrase"),
        _KEYWORD_SHAPE,
        re.IGNORECASE,
    ),
    "MailchimpDetector": (("-us",), r"-us\d", 0),
    "NpmDetector": (("_authtoken",), r"_authToken", 0),
    "OpenAIDetector": (("t3blbkfj",), r"T3BlbkFJ", 0),
    "PrivateKeyDetector": (
        ("private key", "putty-user-key-file"),
        r"PRIVATE KEY|PuTTY-User-Key-File",
        0,
    ),
    "PypiTokenDetector": (("pypi-age",), r"pypi-AgE", 0),
    "SendGridDetector": (("sg.",), r"SG\.", 0),
    "SlackDetector": (("xox", "hooks.slack.com"), r"(?i:xox[abposr]-)|hooks\.slack\.com", 0),
    "SoftlayerDetector": (
        ("sl", "softlayer"),
        r"(?i:(?:softlayer|sl)[-_]?(?:api)?(?:key|pwd|password|pass|token))|api\.softlayer\.com",
        0,
    ),
    "SquareOAuthDetector": (("sq0csp-",), r"sq0csp-", 0),
    "StripeDetector": (("k_live_",), r"[rs]k_live_", 0),
    "TelegramBotTokenDetector": ((":",), r"\d{8,10}:[\w\-]{35}", 0),
    "TwilioKeyDetector": (("ac", "sk"), r"(?:AC|SK)[a-z0-9]{32}", 0),
}
ENTROPY_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString")

_QUOTED = re.compile(r"(['\"])([A-Za-z0-9+/=_\\\-]{9,})\1")
# Values detect-secrets' YAML and INI transformers quote before scanning: `key: value`.
_UNQUOTED_VALUE = re.compile(r"^[ \t\-]*[\w.\-\"'\[\]]+[ \t]*[:=][ \t]*([A-Za-z0-9+/=_\\\-]{9,})[ \t]*$",
                             re.MULTILINE)
_HEX = re.compile(r"^[0-9a-fA-F]+$")
# Extensions detect-secrets parses as source code; every other file may go through its YAML or
# INI transformers, which turn unquoted values into quoted ones.
_CODE_EXTENSIONS = frozenset(
    {".cls", ".go", ".java", ".js", ".m", ".php", ".py", ".pyi", ".swift", ".tf", ".cs", ".c",
     ".cpp"}
)

_COMPILED = {
    name: (keywords, re.compile(shape, flags | re.MULTILINE))
    for name, (keywords, shape, flags) in PREFILTERS.items()
}


@dataclass(frozen=True)
class DsSecret:
    secret_type: str
    plugin: str
    secret: str
    line: int  # 1-based
    column: int  # 1-based, of the secret in the line (1 when not found verbatim)


def candidate_lines(
    text: str, lowered: str, line_of: Any, unquoted_values: bool, b64_limit: float,
    hex_limit: float,
) -> set[int]:
    """Line numbers (1-based) where some detect-secrets plugin could report a secret."""
    lines: set[int] = set()
    for keywords, shape in _COMPILED.values():
        if keywords and not any(k in lowered for k in keywords):
            continue
        for match in shape.finditer(text):
            first = line_of(match.start())
            last = line_of(max(match.end() - 1, match.start()))
            lines.update(range(first, last + 1))
    for match in _QUOTED.finditer(text):
        if _above_limit(match.group(2), b64_limit, hex_limit):
            lines.add(line_of(match.start()))
    if unquoted_values:
        for match in _UNQUOTED_VALUE.finditer(text):
            if _above_limit(match.group(1), b64_limit, hex_limit):
                lines.add(line_of(match.start(1)))
    return lines


def _above_limit(value: str, b64_limit: float, hex_limit: float) -> bool:
    limit = hex_limit if _HEX.match(value) else b64_limit
    # Shannon entropy of n characters is at most log2(n): skip what cannot pass.
    return len(value) > 2**limit and shannon_entropy(value) > limit


def wants_unquoted_values(filename: str) -> bool:
    dot = filename.rfind(".")
    extension = filename[dot:].lower() if dot > filename.rfind("/") else ""
    return extension not in _CODE_EXTENSIONS


@lru_cache(maxsize=4)
def _plugins(b64_limit: float, hex_limit: float) -> tuple[Any, ...]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugins = []
    for plugin_class in get_mapping_from_secret_type_to_class().values():
        name = plugin_class.__name__
        if name == "Base64HighEntropyString":
            plugins.append(plugin_class(limit=b64_limit))
        elif name == "HexHighEntropyString":
            plugins.append(plugin_class(limit=hex_limit))
        else:
            plugins.append(plugin_class())
    return tuple(plugins)


def plugin_names() -> tuple[str, ...]:
    return tuple(PREFILTERS) + ENTROPY_PLUGINS


def analyze_lines(
    filename: str,
    lines: list[str],
    line_numbers: Iterable[int],
    b64_limit: float,
    hex_limit: float,
    unquoted_values: bool,
) -> Iterator[DsSecret]:
    """Run detect-secrets' plugins and default filters on the given lines of one file."""
    from detect_secrets.filters import heuristic
    from detect_secrets.filters.allowlist import is_line_allowlisted
    from detect_secrets.util.code_snippet import get_code_snippet

    plugins = _plugins(b64_limit, hex_limit)
    if heuristic.is_lock_file(filename) or heuristic.is_swagger_file(filename):
        return
    for number in sorted(line_numbers):
        line = lines[number - 1].rstrip()
        context = get_code_snippet(lines=lines, line_number=number)
        if is_line_allowlisted(filename=filename, line=line, context=context):
            continue
        if heuristic.is_indirect_reference(line):
            continue
        for plugin in plugins:
            for secret in _plugin_secrets(plugin, filename, line, unquoted_values):
                if _filtered_by_detect_secrets(heuristic, secret, line, plugin):
                    continue
                column = line.find(secret) + 1 or 1
                yield DsSecret(plugin.secret_type, type(plugin).__name__, secret, number, column)


def _plugin_secrets(plugin: Any, filename: str, line: str, unquoted_values: bool) -> set[str]:
    found = {s.secret_value for s in plugin.analyze_line(filename=filename, line=line)}
    if unquoted_values and type(plugin).__name__ in ENTROPY_PLUGINS:
        # What the YAML/INI transformers would have handed the plugin: the value, quoted.
        value = _UNQUOTED_VALUE.match(line)
        if value:
            quoted = f'"{value.group(1)}"'
            found |= {s.secret_value for s in plugin.analyze_line(filename=filename, line=quoted)}
    return {s for s in found if s}


def _filtered_by_detect_secrets(heuristic: Any, secret: str, line: str, plugin: Any) -> bool:
    return bool(
        heuristic.is_sequential_string(secret)
        or heuristic.is_potential_uuid(secret)
        or heuristic.is_likely_id_string(secret, line, plugin)
        or heuristic.is_templated_secret(secret)
        or heuristic.is_prefixed_with_dollar_sign(secret)
        or heuristic.is_not_alphanumeric_string(secret)
    )


def is_allowlisted(filename: str, line: str, previous_line: str) -> bool:
    """detect-secrets' `pragma: allowlist secret` (and `allowlist nextline secret`)."""
    if "pragma" not in line and "pragma" not in previous_line:
        return False
    from detect_secrets.filters.allowlist import is_line_allowlisted
    from detect_secrets.util.code_snippet import get_code_snippet

    lines = [previous_line, line]
    return bool(
        is_line_allowlisted(
            filename=filename, line=line, context=get_code_snippet(lines=lines, line_number=2)
        )
    )
