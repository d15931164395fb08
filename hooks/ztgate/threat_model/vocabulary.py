"""What teams write in a flow's Protocol, Authentication and Encryption cells, and what controls
answer which STRIDE category: the words as data, and the few functions that read a cell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Meanings of a cell.
NONE = "none"  # says there is nothing ("none", "n/a", "?", "plain HTTP")
NETWORK = "network"  # names where the caller sits, not who it is
CREDENTIAL = "credential"  # a mechanism that authenticates the caller itself
ENCRYPTED = "encrypted"
UNKNOWN = "unknown"  # words this vocabulary does not know: the gate asks, never passes

# A cell that says "nothing", alone or with a qualifier: `none`, `none (in-cluster)`, `n/a`,
# `?`, `-`, `plain HTTP`. Matched at the start of the stripped cell (no blank runs to backtrack).
_NOTHING = re.compile(
    r"(?:-+|—|\?+|(?:none|nothing|n/?a|no|false|nil|null|not applicable|unauthenticated|"
    r"anonymous|unencrypted|not encrypted|plain|plaintext|clear ?text|plain http|http only|"
    r"no auth(?:entication)?|no encryption|no tls)\b(?!-))(?:\s*[(,;:]|\s+[-—]\s|$)"
    # a negation opens the cell: "no credentials", "without TLS", "not yet (PAY-12)"
    r"|(?:no|without|not|never)\s",
    re.I,
)

# Mechanisms that authenticate the caller itself (any one is enough to call it authenticated).
CREDENTIALS = (
    r"mtls",
    r"mutual tls",
    r"mutual authentication",
    r"client cert(?:ificate)?s?",
    r"x\.?509",
    r"spiffe",
    r"svids?",
    r"workload identity",
    r"service accounts?(?: tokens?)?",
    r"oauth ?2?(?:\.\d)?",
    r"oidc",
    r"openid(?: connect)?",
    r"jwts?",
    r"json web tokens?",
    r"dpop",
    r"bearer tokens?",
    r"access tokens?",
    r"id tokens?",
    r"tokens?",
    r"api keys?",
    r"iam(?: auth(?:entication)?)?",
    r"sigv4",
    r"aws signature",
    r"hmac",
    r"signed requests?",
    r"kerberos",
    r"saml",
    r"ssh keys?",
    r"basic auth(?:entication)?",
    r"passwords?",
    r"passkeys?",
    r"webauthn",
    r"mfa",
    r"2fa",
    r"session cookies?",
    r"credentials?",
    r"peer credentials",
    r"so_peercred",
    r"account",
)
# Network location in any wording: never authentication (zero trust assumes the network hostile).
NETWORK_LOCATION = (
    r"network ?polic(?:y|ies)",
    r"security groups?",
    r"firewalls?",
    r"cidrs?",
    r"subnets?",
    r"vpcs?",
    r"vnets?",
    r"private ?links?",
    r"private endpoints?",
    r"private network",
    r"same (?:cluster|namespace|host|node|pod|network|vpc|subnet|machine|datacenter)",
    r"in-cluster",
    r"localhost",
    r"loopback",
    r"127\.0\.0\.1",
    r"trusted",
    r"internal(?: network)?",
    r"network",
    r"ip ?allow ?lists?",
    r"ip white ?lists?",
    r"allow ?lists? of ips?",
    r"source ips?",
    r"ip addresses?",
    r"vpn",
    r"bastion",
    r"service mesh",
)
# What encrypts a flow in transit.
ENCRYPTION = (
    r"tls(?: ?v?1(?:\.[0-3])?\+?)?",
    r"mtls",
    r"mutual tls",
    r"https",
    r"ssl",
    r"ssh",
    r"sftp",
    r"ftps",
    r"wss",
    r"grpcs",
    r"ipsec",
    r"wireguard",
    r"quic",
    r"http/3",
    r"dtls",
    r"encrypted",
    r"end-to-end encrypt(?:ed|ion)",
    r"e2ee",
)
# Versions the IETF has deprecated (RFC 7568: SSL 3.0; RFC 8996: TLS 1.0 and 1.1): named alone,
# they are encryption a network attacker can downgrade or break.
DEPRECATED_ENCRYPTION = (
    r"ssl ?v?[23](?:\.0)?",  # a bare "SSL" is how many write TLS: only a version is a claim
    r"tls ?v?1(?:\.[01])?(?!\.\d)\+?",
)
# Versions still recommended: any of these beside a deprecated one means the flow may use it.
CURRENT_ENCRYPTION = (r"tls ?v?1\.[23]\+?", r"mtls", r"mutual tls", r"ssh", r"ipsec", r"wireguard")


def deprecated_only(text: str) -> tuple[str, ...]:
    """The deprecated versions an Encryption cell names when it names no current one (`TLS 1.0`,
    `SSLv3`); empty when it names none or also a current one (`TLS 1.2+`, `TLS 1.1 or 1.3`)."""
    old = _found(DEPRECATED_ENCRYPTION, text)
    if not old or _found(CURRENT_ENCRYPTION, text) or _LATER_VERSION.search(text):
        return ()
    return old


# `TLS 1.1 or 1.3`, `TLS 1.0/1.2`: a later version number written without the `TLS`.
_LATER_VERSION = re.compile(r"(?<![\w.])1\.[23](?![\w.])")


# Protocols that carry their own encryption, and ones that carry none unless wrapped.
SECURE_PROTOCOLS = (r"https", r"ssh", r"sftp", r"ftps", r"wss", r"grpcs", r"tls", r"mtls")
PLAIN_PROTOCOLS = (r"http", r"plain http", r"ftp", r"telnet", r"ws", r"smtp", r"ldap")


@lru_cache(maxsize=16)
def _words(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One linear pattern: any term, standing alone (`tls` is not the end of `mtls`)."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(terms) + r")(?![\w-])", re.I)


def says_nothing(text: str) -> bool:
    """`none`, `none (in-cluster)`, `n/a`, `?`, empty: the cell states no protection."""
    text = text.strip()
    return not text or bool(_NOTHING.match(text))


@dataclass(frozen=True)
class Reading:
    meaning: str  # NONE, NETWORK, CREDENTIAL, ENCRYPTED or UNKNOWN
    words: tuple[str, ...] = ()  # the words that decided it


def authentication(text: str) -> Reading:
    """What an Authentication cell says authenticates the caller."""
    if says_nothing(text):
        return Reading(NONE)
    credentials = _found(CREDENTIALS, text)
    if credentials:
        return Reading(CREDENTIAL, credentials)
    network = _found(NETWORK_LOCATION, text)
    if network:
        return Reading(NETWORK, network)
    return Reading(UNKNOWN)


def encryption(text: str) -> Reading:
    """What an Encryption cell says encrypts the flow in transit."""
    if says_nothing(text):
        return Reading(NONE)
    found = _found(ENCRYPTION, text)
    if found:
        return Reading(ENCRYPTED, found)
    return Reading(UNKNOWN)


def contradiction(protocol: str, encrypted_by: str) -> str | None:
    """Why a Protocol cell and an Encryption cell cannot both be true, or None."""
    secure = _found(SECURE_PROTOCOLS, protocol)
    plain = _found(PLAIN_PROTOCOLS, protocol)
    reading = encryption(encrypted_by)
    if plain and not secure and reading.meaning == ENCRYPTED:
        return (
            f"protocol `{protocol}` is unencrypted but encryption says `{encrypted_by}`: "
            "if it is wrapped in TLS, write the secure protocol (e.g. HTTPS)"
        )
    if secure and not plain and reading.meaning == NONE:
        return f"protocol `{protocol}` is encrypted but encryption says `{encrypted_by}`"
    return None


def _found(terms: tuple[str, ...], text: str) -> tuple[str, ...]:
    return tuple(match.group(0) for match in _words(terms).finditer(text))


# Control families, the words that name them, and the STRIDE categories each can answer.
AUTHENTICATION = "authentication"
INTEGRITY = "integrity"
AUDIT = "audit logging"
ENCRYPTION_FAMILY = "encryption"
AUTHORIZATION = "authorization"  # pragma: allowlist secret (a word, not a credential)
DATA_PROTECTION = "data protection"
SECRETS = "secrets management"  # pragma: allowlist secret (a word, not a credential)
RESOURCE_LIMITS = "resource limits"
INPUT_VALIDATION = "input validation"
FAMILIES: dict[str, tuple[str, ...]] = {
    AUTHENTICATION: (
        r"authenticat\w*",
        r"mtls",
        r"mutual tls",
        r"spiffe",
        r"svids?",
        r"oauth ?2?",
        r"oidc",
        r"jwts?",
        r"dpop",
        r"tokens?",
        r"api keys?",
        r"client cert(?:ificate)?s?",
        r"mfa",
        r"2fa",
        r"webauthn",
        r"passkeys?",
        r"identity",
        r"device[- ]bound",
        r"bound to the device",
        r"signers?",
        r"signed by",
        r"vouch\w*",
    ),
    INTEGRITY: (
        r"integrity",
        r"sign(?:ed|s|ing|er|ature|atures)?",
        r"checksums?",
        r"hash(?:es|ed)?",
        r"digests?",
        r"hmac",
        r"mac",
        r"immutable",
        r"pinned",
        r"verif(?:y|ied|ies|ication)",
        r"tamper[- ]evident",
    ),
    AUDIT: (
        r"audit\w*",
        r"logs?",
        r"logging",
        r"logged",
        r"trails?",
        r"records?",
        r"siem",
    ),
    ENCRYPTION_FAMILY: (
        r"encrypt\w*",
        r"tls(?: ?v?1(?:\.[0-3])?\+?)?",
        r"mtls",
        r"https",
        r"kms",
        r"ciphers?",
    ),
    AUTHORIZATION: (
        r"authoriz\w*",
        r"authoris\w*",
        r"access control\w*",
        r"rbac",
        r"abac",
        r"acls?",
        r"permissions?",
        r"least privilege",
        r"least-privilege",
        r"scoped",
        r"sandbox\w*",
        r"seccomp",
        r"non-root",
        r"read-only",
    ),
    DATA_PROTECTION: (
        r"mask\w*",
        r"redact\w*",
        r"tokeni[sz]\w*",
        r"secrets? (?:gate|scan\w*)",
        r"scans?",
        r"scanned",
        r"dlp",
        r"minimi[sz]\w*",
        r"random \d+-bit",
        r"unguessable",
    ),
    SECRETS: (
        r"secrets? manager",
        r"vault",
        r"rotat\w*",
        r"short-lived",
        r"kms",
        r"hsm",
    ),
    RESOURCE_LIMITS: (
        r"rate[- ]limit\w*",
        r"quotas?",
        r"throttl\w*",
        r"timeouts?",
        r"isolat\w*",
        r"size limits?",
        r"linear-time",
        r"backpressure",
        r"circuit breakers?",
        r"autoscal\w*",
        r"limits?",
    ),
    INPUT_VALIDATION: (
        r"validat\w*",
        r"sanitiz\w*",
        r"sanitis\w*",
        r"escap\w*",
        r"argument lists?",
        r"parameteri[sz]ed",
        r"end-of-options",
        r"schema",
        r"allow ?list of inputs?",
    ),
}
ANSWERS: dict[str, tuple[str, ...]] = {
    "spoofing": (AUTHENTICATION,),
    "tampering": (INTEGRITY, AUTHORIZATION, INPUT_VALIDATION),
    "repudiation": (AUDIT, INTEGRITY),
    "information disclosure": (ENCRYPTION_FAMILY, AUTHORIZATION, DATA_PROTECTION, SECRETS),
    "denial of service": (RESOURCE_LIMITS,),
    "elevation of privilege": (AUTHORIZATION, INPUT_VALIDATION),
}
# What a Family cell may say, and the names it may use for each family.
_FAMILY_NAMES = {
    "signing": INTEGRITY,
    "audit": AUDIT,
    "logging": AUDIT,
    "access control": AUTHORIZATION,
    "least privilege": AUTHORIZATION,
    "sandboxing": AUTHORIZATION,
    "rate limiting": RESOURCE_LIMITS,
    "rate limits": RESOURCE_LIMITS,
    "quotas": RESOURCE_LIMITS,
    "isolation": RESOURCE_LIMITS,
    "secrets": SECRETS,
    **{family: family for family in FAMILIES},
}


def family_named(text: str) -> str | None:
    """The family a Family cell names (`signing` -> integrity), or None."""
    return _FAMILY_NAMES.get(re.sub(r"\s+", " ", text.strip().lower()))


def families_of(control: str) -> tuple[str, ...]:
    """The families a control's text names (`Per-customer rate limit` -> resource limits)."""
    return tuple(family for family, terms in FAMILIES.items() if _words(terms).search(control))
