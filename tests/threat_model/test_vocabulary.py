"""The vocabulary: what the cells teams write mean, as a table of examples and counter-examples."""

from __future__ import annotations

import pytest
from ztgate.threat_model import vocabulary
from ztgate.threat_model.vocabulary import CREDENTIAL, ENCRYPTED, NETWORK, NONE, UNKNOWN

AUTHENTICATION = [
    ("mTLS with workload identity", CREDENTIAL),
    ("SPIFFE SVID (X.509)", CREDENTIAL),
    ("OAuth2 access token", CREDENTIAL),
    ("OIDC ID token", CREDENTIAL),
    ("signed JWT", CREDENTIAL),
    ("API key in a secret manager", CREDENTIAL),
    ("IAM database auth", CREDENTIAL),
    ("AWS SigV4", CREDENTIAL),
    ("basic auth", CREDENTIAL),
    ("client certificate", CREDENTIAL),
    ("mTLS inside the VPC", CREDENTIAL),  # a credential, wherever it runs
    ("Kubernetes NetworkPolicy", NETWORK),
    ("trusted pod CIDR", NETWORK),
    ("security group sg-0a1b", NETWORK),
    ("firewall rule", NETWORK),
    ("private subnet", NETWORK),
    ("VPC peering", NETWORK),
    ("AWS PrivateLink", NETWORK),
    ("private link", NETWORK),
    ("same cluster", NETWORK),
    ("same namespace", NETWORK),
    ("same host", NETWORK),
    ("localhost only", NETWORK),
    ("internal", NETWORK),
    ("VPN", NETWORK),
    ("IP allowlist", NETWORK),
    ("none", NONE),
    ("none (in-cluster)", NONE),
    ("n/a", NONE),
    ("?", NONE),
    ("-", NONE),
    ("", NONE),
    ("anonymous", NONE),
    ("no credentials", NONE),
    ("without a token, relies on NetworkPolicy", NONE),
    ("the usual", UNKNOWN),
    ("handled by the platform", UNKNOWN),
    ("nonesuch", UNKNOWN),
]
ENCRYPTION = [
    ("TLS 1.3", ENCRYPTED),
    ("TLS1.2+", ENCRYPTED),
    ("TLS 1.2+", ENCRYPTED),
    ("mTLS", ENCRYPTED),
    ("HTTPS", ENCRYPTED),
    ("SSH / TLS 1.2+", ENCRYPTED),
    ("WireGuard", ENCRYPTED),
    ("IPsec tunnel", ENCRYPTED),
    ("plain HTTP", NONE),
    ("none (in-cluster)", NONE),
    ("n/a", NONE),
    ("?", NONE),
    ("plaintext", NONE),
    ("unencrypted", NONE),
    ("not encrypted", NONE),
    ("no TLS yet (PAY-12)", NONE),
    ("the mesh does it", UNKNOWN),
]


@pytest.mark.parametrize(("cell", "meaning"), AUTHENTICATION)
def test_authentication(cell: str, meaning: str) -> None:
    assert vocabulary.authentication(cell).meaning == meaning


@pytest.mark.parametrize(("cell", "meaning"), ENCRYPTION)
def test_encryption(cell: str, meaning: str) -> None:
    assert vocabulary.encryption(cell).meaning == meaning


@pytest.mark.parametrize(
    ("protocol", "encryption", "contradicts"),
    [
        ("HTTP", "TLS", True),
        ("plain HTTP", "TLS 1.3", True),
        ("HTTPS", "none", True),
        ("HTTPS", "TLS 1.3", False),
        ("HTTP over TLS", "TLS", False),
        ("gRPC", "mTLS", False),
        ("HTTP", "none", False),
        ("PostgreSQL", "TLS", False),
    ],
)
def test_protocol_and_encryption(protocol: str, encryption: str, contradicts: bool) -> None:
    assert (vocabulary.contradiction(protocol, encryption) is not None) == contradicts


@pytest.mark.parametrize(
    ("control", "family"),
    [
        ("Tokens bound to the device key (DPoP)", vocabulary.AUTHENTICATION),
        ("Signed release artifacts, verified on install", vocabulary.INTEGRITY),
        ("Audit log of every admin action", vocabulary.AUDIT),
        ("TLS 1.3 everywhere", vocabulary.ENCRYPTION_FAMILY),
        ("RBAC: read-only role for the worker", vocabulary.AUTHORIZATION),
        ("Card numbers tokenized at the gateway", vocabulary.DATA_PROTECTION),
        ("Key rotated every 30 days", vocabulary.SECRETS),
        ("Per-customer rate limit", vocabulary.RESOURCE_LIMITS),
        ("Input validated against the schema", vocabulary.INPUT_VALIDATION),
    ],
)
def test_control_families(control: str, family: str) -> None:
    assert family in vocabulary.families_of(control)


def test_a_rate_limit_answers_no_disclosure() -> None:
    families = set(vocabulary.families_of("Rate limit per client at the ingress"))
    assert not families & set(vocabulary.ANSWERS["information disclosure"])
    assert families & set(vocabulary.ANSWERS["denial of service"])
