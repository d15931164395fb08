"""Each threat-model rule fires on a real document and is quiet on the fixed one.

The fixed document is the README's worked example (the filled-in template), read from the
README itself so the documentation cannot drift from what passes.
"""

from __future__ import annotations

from datetime import date

import pytest
from ztgate.finding import Problem
from ztgate.threat_model.parse import parse
from ztgate.threat_model.rules import Settings, coverage_summary, run_checks

from tests.threat_model.example import EXAMPLE

TODAY = date(2026, 11, 22)


def checked(text: str, **settings: object) -> list[Problem]:
    """The rules' problems in ``text``, judged on TODAY with the ``settings`` given."""
    return run_checks(parse(text, "THREAT_MODEL.md"), Settings(today=TODAY, **settings))  # type: ignore[arg-type]


def problems(text: str, **settings: object) -> list[tuple[str, int]]:
    return [(p.rule, p.line) for p in checked(text, **settings)]


def coverage_of(text: str) -> dict[str, int]:
    return coverage_summary(parse(text, "THREAT_MODEL.md"), Settings(today=TODAY))


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_worked_example_passes() -> None:
    assert problems(EXAMPLE) == []


MUTATIONS = [
    ("ZT201", "## Attack surface", "## Exposure notes"),
    (
        "ZT202",
        "The public payments API, its worker and its database. Card data leaves us only towards the\ncard processor. The mobile app has its own threat model.",
        "<!-- fill in -->",
    ),
    ("ZT203", "owner: payments-team@example.com\n", ""),
    ("ZT204", "tokenized at the gateway", "TODO"),
    ("ZT204", "| Payment status | internal |", "| Payment status | <class> |"),
    ("ZT205", "| M5 | Random", "| M4 | Random"),
    ("ZT206", "| Spoofing | F1 | M1 |", "| Spoofing | F1 | M9 |"),
    ("ZT206", "| Card numbers | TB1, TB2 | gRPC |", "| Card numbers | TB1, TB9 | gRPC |"),
    ("ZT206", "| Spoofing | F1 |", "| Spoofing | F99 |"),
    ("ZT206", "| T5 | Ids are", "| T7 | Ids are"),
    ("ZT207", "| Payment status | internal |", "| Payment status | secret-ish |"),
    ("ZT208", "| Payments DB | Payment status |", "| Payments DB | Payment receipts |"),
    ("ZT209", "| Spoofing |", "| Spoofery |"),
    ("ZT210", "| Denial of service | EP1 | M4 |", "| Denial of service | EP1 | none |"),
    ("ZT211", "https://tracker.example.com/PAY-42", "soon"),
    ("ZT212", "| alice@example.com |", "| n/a |"),
    ("ZT213", "| 2027-03-31 |", "| 2026-01-31 |"),
    ("ZT213", "| 2027-03-31 |", "| next year |"),
    ("ZT214", "last_reviewed: 2026-11-01", "last_reviewed: 2025-01-01"),
    ("ZT214", "last_reviewed: 2026-11-01", "last_reviewed: 2027-01-01"),
    ("ZT214", "last_reviewed: 2026-11-01", "last_reviewed: last spring"),
    ("ZT215", "API key in a secret manager, rotated", "none"),
    (
        "ZT215",
        "| OAuth2 access token bound to the device | TLS 1.3 |",
        "| OAuth2 access token bound to the device | plaintext |",
    ),
    ("ZT216", "mTLS with workload identity", "internal network only"),
    ("ZT216", "mTLS with workload identity", "IP allowlist"),
    ("ZT216", "mTLS with workload identity", "VPN"),
    ("ZT217", "| Information disclosure | F3 |", "| Information disclosure | TB2 |"),
    ("ZT218", "| Denial of service | EP1 |", "| Denial of service | F1 |"),
    ("ZT219", "| M1 | mitigated |", "| M1 | done |"),
    (
        "ZT219",
        "| implemented | https://git.example.com/payments/blob/main/docs/auth.md |",
        "| shipped | https://git.example.com/payments/blob/main/docs/auth.md |",
    ),
    ("ZT220", "| Authentication |", "| Auth method |"),
    (
        "ZT220",
        "| Mobile app | API gateway | Card numbers, Customer e-mail |",
        "| Mobile app |  | Card numbers, Customer e-mail |",
    ),
    ("ZT222", "| M1 | mitigated |", "| M1 | open |"),
    (
        "ZT223",
        "| M1 | Tokens bound to the device key (DPoP) | implemented | https://git.example.com/payments/blob/main/docs/auth.md |",
        "| M1 | Tokens bound to the device key (DPoP) | planned | https://tracker.example.com/A-1 |",
    ),
    ("ZT224", "mTLS with workload identity", "the sidecar handles it"),
    ("ZT224", "| TLS 1.2+ |", "| handled by the platform |"),
    ("ZT225", "| TB1 | HTTPS | OAuth2", "| TB1 | HTTP | OAuth2"),
    ("ZT215", "| TLS 1.2+ |", "| none (in-cluster) |"),
    ("ZT215", "| TLS 1.2+ |", "| ? |"),
    ("ZT215", "OAuth2 access token bound to the device", "n/a"),
    ("ZT216", "mTLS with workload identity", "Kubernetes NetworkPolicy"),
    ("ZT216", "mTLS with workload identity", "trusted pod CIDR"),
    ("ZT216", "mTLS with workload identity", "same namespace"),
    ("ZT216", "mTLS with workload identity", "security group sg-0a1b"),
    (
        "ZT226",
        "| Payment status | none | PostgreSQL | IAM database auth | TLS |",
        "| Card numbers | none | PostgreSQL | IAM database auth | none (in-cluster) |",
    ),
    (
        "ZT226",
        "| Payment status | none | PostgreSQL | IAM database auth | TLS |",
        "| Customer e-mail | none | PostgreSQL | localhost | TLS |",
    ),
    (
        "ZT227",
        "| Card numbers, Customer e-mail | TB1 |",
        "| Card numbers, Customer e-mail | none |",
    ),
    ("ZT227", "| Payment status | none |", "| Payment status | TB2 |"),
    ("ZT227", "| Card numbers | TB1, TB2 | gRPC |", "| Card numbers | TB2 | gRPC |"),
    (
        "ZT206",
        "| F3 | Payments worker | Card processor |",
        "| F3 | Payments worker | Card procesor |",
    ),
    (
        "ZT206",
        "| TB1 | Internet edge | API gateway |",
        "| TB1 | Internet edge | API gateway, Paymnts DB |",
    ),
    ("ZT206", "| C4 | Payments DB | store | TB2 |", "| C4 | Payments DB | store | TB7 |"),
    ("ZT220", "| C2 | API gateway | process |", "| C2 | API gateway | microservice |"),
    (
        "ZT229",
        "| implemented | https://git.example.com/payments/blob/main/deploy/mesh.yaml |",
        "| implemented | yes |",
    ),
    (
        "ZT229",
        "| implemented | https://git.example.com/payments/blob/main/deploy/secrets.yaml |",
        "| implemented | done, see wiki |",
    ),
    (
        "ZT230",
        "| Information disclosure | F3 | M3 | mitigated |",
        "| Information disclosure | F3 | M4 | mitigated |",
    ),
    ("ZT230", "| Spoofing | F1 | M1 | mitigated |", "| Spoofing | F1 | M4 | mitigated |"),
    ("ZT239", "| TLS 1.2+ |", "| TLS 1.0+ |"),
    ("ZT239", "bound to the device | TLS 1.3 |", "bound to the device | SSLv3 |"),
]


@pytest.mark.parametrize(
    "rule, old, new", MUTATIONS, ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)]
)
def test_rule_fires_on_the_broken_document(rule: str, old: str, new: str) -> None:
    assert old in EXAMPLE, old
    broken = EXAMPLE.replace(old, new, 1)
    found = problems(broken)
    assert rule in {r for r, _ in found}, found
    lines = {line for r, line in found if r == rule}
    # The finding points at the changed row, heading or metadata item (or the title for a
    # missing section).
    changed = line_of(broken, new) if new else line_of(EXAMPLE, old)
    # ZT223 points at the threat whose only control the mutation made planned.
    assert changed in lines or rule in ("ZT201", "ZT202", "ZT203", "ZT217", "ZT218", "ZT223"), (
        lines,
        changed,
    )


def test_link_may_be_written_on_the_mitigation_side() -> None:
    text = EXAMPLE.replace("| Spoofing | F1 | M1 | mitigated |", "| Spoofing | F1 | | mitigated |")
    assert "ZT210" in {r for r, _ in problems(text)}
    text = text.replace(
        "| Control | Status | Evidence |\n| --- | --- | --- | --- |",
        "| Control | Status | Evidence | Mitigates |\n| --- | --- | --- | --- | --- |",
    )
    text = text.replace(
        "| implemented | https://git.example.com/payments/blob/main/docs/auth.md |",
        "| implemented | https://git.example.com/payments/blob/main/docs/auth.md | T1 |",
    )
    assert "ZT210" not in {r for r, _ in problems(text)}


def test_synonyms_any_order_extra_sections_and_fenced_headings() -> None:
    text = (
        EXAMPLE.replace("## Data classification", "## Assets")
        .replace("## Mitigations", "## Controls")
        .replace("## Attack surface", "## Entry points")
    )
    text += "\n## Glossary\n\nDPoP: proof of possession.\n\n```markdown\n## Threats\n```\n"
    assert problems(text) == []
    scope_last = text.replace("## Scope\n", "## Unused\n") + "\n## Scope\n\nMoved to the end.\n"
    assert problems(scope_last) == []


def test_heading_only_in_a_code_fence_is_not_a_section() -> None:
    text = EXAMPLE.replace("## Scope\n", "```\n## Scope\n```\n")
    assert ("ZT201", 7) in problems(text)


def test_metadata_without_front_matter() -> None:
    body = EXAMPLE.split("---\n", 2)[2]
    text = body.replace(
        "# Threat model: Payments API\n",
        "# Threat model: Payments API\n\n- **System:** Payments API\n"
        "- **Owner:** payments-team@example.com\n- **Last reviewed:** 2026-11-01\n",
    )
    assert problems(text) == []


def test_class_map_and_custom_classes() -> None:
    text = EXAMPLE.replace(
        "| Card numbers | restricted |", "| Card numbers | strictly-confidential |"
    )
    assert "ZT207" in {r for r, _ in problems(text)}
    assert problems(text, class_map=(("strictly-confidential", "restricted"),)) == []


def test_coverage_summary() -> None:
    numbers = coverage_of(EXAMPLE)
    assert numbers == {
        "threats": 5,
        "mitigated": 4,
        "accepted": 1,
        "transferred": 0,
        "not_applicable": 0,
        "open": 0,
        "boundary_crossing_flows": 3,
        "crossing_flows_covered": 3,
        "entry_points": 2,
        "entry_points_covered": 2,
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just some text\nwith no headings at all\n",
        "| a | b |\n|---|\n| only one cell |\n",
        "## Threats\n\n| ID | | STRIDE |\n| --- | --- | --- |\n| T1 | x |\n",
        "---\nsystem: [unclosed\n---\n# x\n",
        "# Модель угроз ✓\n\n## Threats\n\n| ID | Threat | STRIDE | Target | Mitigations | Status |\n"
        "| --- | --- | --- | --- | --- | --- |\n| T1 | Подмена | Spoofing | F1 | M1 | mitigated |\n",
        "<div>\n## not a heading in html\n</div>\n"
        + "\n" * 3
        + "<<<<>>>> ||| ``` unclosed fence\n",
    ],
)
def test_bad_markdown_gives_findings_not_tracebacks(text: str) -> None:
    found = problems(text)
    assert found  # an incomplete document always has something to say
    assert all(line >= 1 for _, line in found)


def test_ten_thousand_rows() -> None:
    rows = "".join(
        f"| T{i} | threat {i} | Spoofing | F1 | M1 | mitigated |\n" for i in range(10_000)
    )
    text = EXAMPLE.replace("| T5 | Enumerating", rows + "| T5 | Enumerating")
    found = problems(text)
    assert not [r for r in found if r[0] not in ("ZT205",)]


def test_a_planned_control_does_not_count_as_mitigated() -> None:
    text = EXAMPLE.replace(
        "| M1 | Tokens bound to the device key (DPoP) | implemented | https://git.example.com/payments/blob/main/docs/auth.md |",
        "| M1 | Tokens bound to the device key (DPoP) | planned | https://tracker.example.com/A-1 |",
    )
    before, after = coverage_of(EXAMPLE), coverage_of(text)
    assert after["mitigated"] == before["mitigated"] - 1
    assert after["open"] == before["open"] + 1


def with_family(text: str, families: dict[str, str]) -> str:
    """The example with a Family column on its mitigations table."""
    text = text.replace(
        "| ID | Control | Status | Evidence |\n| --- | --- | --- | --- |",
        "| ID | Control | Status | Evidence | Family |\n| --- | --- | --- | --- | --- |",
    )
    lines = [
        line + f" {families.get(line.split('|')[1].strip(), '')} |"
        if line.startswith("| M") and "https://" in line
        else line
        for line in text.split("\n")
    ]
    return "\n".join(lines)


def test_a_stated_family_wins_over_the_text() -> None:
    misread = EXAMPLE.replace("| Spoofing | F1 | M1 |", "| Spoofing | F1 | M4 |")
    assert "ZT230" in {r for r, _ in problems(misread)}
    # M4 stated as authentication (say the limiter checks the client's certificate)
    assert "ZT230" not in {
        r for r, _ in problems(with_family(misread, {"M4": "authentication, rate limiting"}))
    }
    assert problems(with_family(EXAMPLE, {"M1": "authentication", "M2": "encryption"})) == []
    unknown = with_family(EXAMPLE, {"M2": "magic"})
    assert ("ZT220", line_of(unknown, "| M2 | mTLS")) in problems(unknown)


EVIDENCE = [
    ("docs/auth.md", {"docs/auth.md"}, False),
    ("docs/auth.md#dpop", {"docs/auth.md#dpop"}, False),
    ("docs/auth.md#dpop", {"docs/auth.md"}, True),  # the file, but not the heading
    ("`deploy/mesh.yaml`, `tests/test_mesh.py`", {"deploy/mesh.yaml", "tests/test_mesh.py"}, False),
    ("deploy/mesh.yaml:12", {"deploy/mesh.yaml"}, False),
    ("deploy/mesh.yaml#L3-L9", {"deploy/mesh.yaml#L3-L9"}, False),
    ("[the config](deploy/mesh.yaml)", {"deploy/mesh.yaml"}, False),
    ("PAY-17", set(), False),
    ("#412", set(), False),
    ("docs/auth.md", set(), True),  # a path that does not exist
    ("docs/auth.md, deploy/gone.yaml", {"docs/auth.md"}, True),  # every path must exist
    ("yes", set(), True),
    ("done", {"done"}, True),
    ("in production", set(), True),
]


@pytest.mark.parametrize(("evidence", "existing", "fires"), EVIDENCE)
def test_evidence_of_an_implemented_control(evidence: str, existing: set[str], fires: bool) -> None:
    old = "| implemented | https://git.example.com/payments/blob/main/docs/auth.md |"
    text = EXAMPLE.replace(old, f"| implemented | {evidence} |")
    found = problems(text, existing_paths=frozenset(existing))
    assert (("ZT229", line_of(text, "| M1 | Tokens")) in found) == fires, found


def test_the_reviewers_planted_mistakes_are_caught() -> None:
    """Each mistake a reviewer planted in a realistic model, then the model a reviewer would
    accept: every new rule fires on the first and is quiet on the second."""
    found = problems(PLANTED)
    rules = {(rule, PLANTED.split("\n")[line - 1].split("|")[1].strip()) for rule, line in found}
    assert rules == {
        ("ZT227", "F2"),  # two namespaces, declared as crossing nothing
        ("ZT215", "F2"),  # restricted data over plain HTTP, "none (in-cluster)"
        ("ZT216", "F2"),  # NetworkPolicy as authentication
        ("ZT228", "F3"),  # the fraud scorer is in no boundary
        ("ZT227", "F3"),  # ... so F3 leaves TB1
        ("ZT216", "F3"),  # trusted pod CIDR as authentication
        ("ZT224", "F4"),  # nothing known authenticates the caller
        ("ZT225", "F4"),  # plain HTTP "with" TLS
        ("ZT230", "T1"),  # key theft "mitigated" by a rate limit
        ("ZT229", "M1"),  # "yes" as evidence
    }, found
    assert problems(FIXED, existing_paths=frozenset({"deploy/ledger-mtls.yaml"})) == []


PLANTED = """---
system: Orders
owner: orders-team@example.com
last_reviewed: 2026-11-01
---

# Threat model: Orders

## Scope

The orders API and the ledger, on one Kubernetes cluster.

## Data classification

| Data | Class |
| --- | --- |
| Card tokens | restricted |
| Order history | confidential |

## Trust boundaries

| ID | Boundary | Inside | Outside |
| --- | --- | --- | --- |
| TB1 | orders namespace | Orders API | Internet clients |
| TB2 | ledger namespace | Ledger | Orders API |

## Data flows

| ID | From | To | Data | Crosses boundary | Protocol | Authentication | Encryption |
| --- | --- | --- | --- | --- | --- | --- | --- |
| F1 | Internet clients | Orders API | Order history | TB1 | HTTPS | OIDC access token | TLS 1.3 |
| F2 | Orders API | Ledger | Card tokens | none | plain HTTP | Kubernetes NetworkPolicy | none (in-cluster) |
| F3 | Orders API | Fraud scorer | Order history | none | gRPC | trusted pod CIDR | mTLS |
| F4 | Internet clients | Orders API | Order history | TB1 | HTTP | the usual | TLS 1.3 |

## Attack surface

| ID | Entry point | Exposed to | Data |
| --- | --- | --- | --- |
| EP1 | POST /orders | Internet | Order history |

## Threats

| ID | Threat | STRIDE | Target | Mitigations | Status |
| --- | --- | --- | --- | --- | --- |
| T1 | Card tokens stolen off the wire to the ledger | Information disclosure | F2 | M1 | mitigated |
| T2 | Order flood | Denial of service | EP1, F1, F3, F4 | M1 | mitigated |

## Mitigations

| ID | Control | Status | Evidence |
| --- | --- | --- | --- |
| M1 | Rate limit per client at the ingress | implemented | yes |
"""
FIXED = (
    PLANTED.replace(
        "| TB2 | ledger namespace | Ledger | Orders API |",
        "| TB2 | ledger namespace | Ledger | Orders API |\n"
        "| TB3 | fraud namespace | Fraud scorer | Orders API |",
    )
    .replace(
        "| Card tokens | none | plain HTTP | Kubernetes NetworkPolicy | none (in-cluster) |",
        "| Card tokens | TB1, TB2 | HTTPS | mTLS (SPIFFE SVID) | mTLS |",
    )
    .replace(
        "| Order history | none | gRPC | trusted pod CIDR | mTLS |",
        "| Order history | TB1, TB3 | gRPC | mTLS (SPIFFE SVID) | mTLS |",
    )
    .replace("| HTTP | the usual |", "| HTTPS | OIDC access token |")
    .replace(
        "| Information disclosure | F2 | M1 | mitigated |",
        "| Information disclosure | F2 | M2 | mitigated |",
    )
    .replace(
        "| implemented | yes |",
        "| implemented | https://git.example.com/orders/blob/main/ingress/limits.yaml |\n"
        "| M2 | mTLS between the orders and ledger namespaces | implemented | "
        "deploy/ledger-mtls.yaml |",
    )
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "| F3 | Payments worker | Card processor |",
            "| F3 | Payments worker | Card procesor |",
            "flow F3 names `Card procesor`, which no boundary or Components row defines; "
            "did you mean `Card processor`?",
        ),
        (
            "| TB1 | Internet edge | API gateway |",
            "| TB1 | Internet edge | API gateway, Paymnts DB |",
            "boundary TB1 names `Paymnts DB`, which the Components table does not define; "
            "did you mean `Payments DB`?",
        ),
    ],
)
def test_a_misspelt_component_gets_a_suggestion(old: str, new: str, message: str) -> None:
    assert message in [p.message for p in checked(EXAMPLE.replace(old, new))]


def test_a_misspelt_component_without_a_components_table() -> None:
    start = EXAMPLE.index("## Components")
    without = EXAMPLE[:start] + EXAMPLE[EXAMPLE.index("## Data flows") :]
    assert problems(without) == []
    typo = without.replace(
        "| F4 | Payments worker | Payments DB |", "| F4 | Payments worker | Payment DB |"
    )
    messages = [p.message for p in checked(typo)]
    assert any("did you mean `Payments DB`" in m for m in messages), messages
    elsewhere = without.replace(
        "| F4 | Payments worker | Payments DB |", "| F4 | Payments worker | Audit store |"
    )
    assert ("ZT228", line_of(elsewhere, "| F4 |")) in problems(elsewhere)


@pytest.mark.parametrize(
    ("encryption", "expected"),
    [
        ("TLS 1.1", "error"),  # card numbers: sensitive
        ("TLS 1.0 or 1.2", None),  # may use a current version: the cell is not only deprecated
        ("TLS 1.3", None),
        ("SSL", None),  # how many write TLS; no version claimed
    ],
)
def test_deprecated_transport_encryption(encryption: str, expected: str | None) -> None:
    broken = EXAMPLE.replace("| TLS 1.2+ |", f"| {encryption} |", 1)
    found = [p for p in checked(broken) if p.rule == "ZT239"]
    if expected is None:
        assert not found, found
    else:
        assert [(p.severity or "error") for p in found] == [expected], found
        assert "flow F3 carries restricted data over TLS 1.1" in found[0].message
