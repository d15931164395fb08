"""`--gaps` on real conventions: CNCF and Kubernetes threat models, counted exactly.

The fixtures in gaps_fixtures/ keep the structure of published documents (their headers name
the source); the numbers below were counted by reading those documents.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from ztgate.finding import Problem
from ztgate.threat_model import gate
from ztgate.threat_model.gaps import find_gaps

from tests.conftest import Repo
from tests.worst_case import LINEAR, growth_ratio

FIXTURES = Path(__file__).parent / "gaps_fixtures"

# file: (threats, with a control, acceptances, acceptances with no owner)
COUNTS = {
    # paired `Threat-NN-X` / `Threat-NN-X Recommended mitigations` headings; the old reader
    # took every mitigation heading for a threat: 18 threats, 0 controlled
    "karmada_paired_headings.md": (9, 9, 0, 0),
    "eso_stride_level5.md": (11, 11, 0, 0),
    # `STRIDE-SPOOF-1` ids in a threat section; a paragraph out of scope and 8 non-goals
    "capi_stride_ids.md": (22, 22, 9, 9),
    # `**Mitigation**` paragraphs; threats 6 and 17 are `**N/A**`
    "admission_threat_ids.md": (18, 16, 0, 0),
    "kep_bold_labels.md": (9, 7, 4, 3),
    # `**Risks:**` lists, each answered as a group by the `**Mitigations:**` list after it
    "guardon_risks_lists.md": (16, 16, 6, 6),
}


def _rules(problems: list[Problem]) -> list[tuple[str, int, str]]:
    return [(p.rule, p.line, p.message) for p in problems]


def gaps_of(name: str) -> tuple[list[tuple[str, int, str]], dict[str, int]]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    problems, summary = find_gaps(text, name)
    return [(p.rule, p.line, p.message) for p in problems], summary


def line_of(name: str, needle: str) -> int:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_threats_controls_and_acceptances(name: str) -> None:
    threats, controlled, acceptances, unowned = COUNTS[name]
    problems, summary = gaps_of(name)
    assert summary == {
        "threats": threats,
        "with_control": controlled,
        "acceptances": acceptances,
    }
    rules = [rule for rule, _, _ in problems]
    assert rules.count("ZT235") == threats - controlled
    assert rules.count("ZT236") == unowned
    assert "ZT237" not in rules


def test_every_fixture_is_covered() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.md")) == sorted(COUNTS)


@pytest.mark.parametrize(
    ("name", "needles"),
    [
        ("admission_threat_ids.md", ["Threat ID 6 -", "Threat ID 17 -"]),
        (
            "kep_bold_labels.md",
            ["**Threat:** A kubelet keeps using tokens", "- A misconfigured authorizer chain"],
        ),
    ],
)
def test_zt235_points_at_the_threats_without_a_control(name: str, needles: list[str]) -> None:
    problems, _ = gaps_of(name)
    flagged = sorted(line for rule, line, _ in problems if rule == "ZT235")
    assert flagged == sorted(line_of(name, needle) for needle in needles)


def test_a_mitigation_heading_is_never_a_threat() -> None:
    problems, _ = gaps_of("karmada_paired_headings.md")
    assert not [m for rule, _, m in problems if rule == "ZT235"]
    problems, _ = gaps_of("capi_stride_ids.md")
    assert not [m for _, _, m in problems if "Recommended" in m]


def test_a_control_citing_its_threats_controls_them() -> None:
    """The admission-control paper also lists, under each `Mitigation ID m`, the threats it
    answers: with the per-threat `**Mitigation**` paragraphs gone, those lists still count.
    They cite every threat but 6 and 17 (N/A) and 10, which the paper's lists miss (its own
    paragraph cites Mitigation ID 6, whose list names threat 9 instead)."""
    text = (FIXTURES / "admission_threat_ids.md").read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    kept = [
        b
        for index, b in enumerate(blocks)
        if b != "**Mitigation**" and not (index and blocks[index - 1] == "**Mitigation**")
    ]
    assert len(blocks) - len(kept) == 2 * 18
    kept_text = "\n\n".join(kept)
    problems, summary = find_gaps(kept_text, "paper.md")
    assert summary == {"threats": 18, "with_control": 15, "acceptances": 0}
    assert sorted(line for rule, line, _ in _rules(problems) if rule == "ZT235") == [
        next(n for n, line in enumerate(kept_text.splitlines(), 1) if f"Threat ID {i} -" in line)
        for i in (6, 10, 17)
    ]
    cited = "# Doc\n\n**Mitigates:** Threat-01-X, Threat-03-X\n\n" + "".join(
        f"## Threat-0{n}-X title\n\nx\n\n" for n in (1, 2, 3)
    )
    assert find_gaps(cited, "doc.md")[1]["with_control"] == 2


def test_findings_that_are_not_threats_stay_out() -> None:
    """`DEV-01:` workflow gaps and `##### [AWS4-HMAC-SHA256](...)` link headings carry ids, but
    they are not in the threat section; `Status: ... Out-of-scope` is not an acceptance."""
    problems, summary = gaps_of("capi_stride_ids.md")
    assert summary["threats"] == 22
    assert not [m for _, _, m in problems if "DEV-0" in m or "AWS4" in m or "Status" in m]


def test_unowned_acceptances_are_named() -> None:
    problems, _ = gaps_of("kep_bold_labels.md")
    unowned = sorted(m for rule, _, m in problems if rule == "ZT236")
    assert len(unowned) == 3
    assert any("Rotating the service account signing keys" in m for m in unowned)
    assert any("root account is already compromised" in m for m in unowned)
    assert not any("Third-party token caches" in m for m in unowned)


SMALL = {
    "heading pair, same level": (
        "## Threat-01-S Spoof\n\nx\n\n## Threat-01-S Mitigations\n\n- y\n",
        1,
        1,
    ),
    "heading pair, no mitigation heading": (
        "## Threat-01-S Spoof\n\nx\n\n## Threat-02-T Tamper\n",
        2,
        0,
    ),
    "mitigation heading naming another threat": (
        "### Threat-01-S A\n\nx\n\n### Threat-02-T B\n\nx\n\n"
        "### Threat-01-S Recommended mitigations\n\n- y\n",
        2,
        1,
    ),
    "a threat titled after a control word": (
        "### Threat-01-S Mitigation bypass\n\nx\n\n### Threat-01-S Recommended controls\n\n- y\n",
        1,
        1,
    ),
    "orphan mitigation heading": (
        "## Threat-01-S A\n\n## Threat-02-S Recommended mitigations\n",
        1,
        0,
    ),
    "bold paragraph mitigation": ("### Threat ID 1 - A\n\n**Mitigation**\n\n- nonces\n", 1, 1),
    "bold paragraph mitigations": ("### Threat ID 1 - A\n\n**Mitigations**\n\nnonces\n", 1, 1),
    "recommended mitigations": (
        "### Threat ID 1 - A\n\n**Recommended mitigations**\n\n- y\n",
        1,
        1,
    ),
    "controls": ("### Threat ID 1 - A\n\n**Controls**\n\n1. y\n", 1, 1),
    "bold mitigation, n/a": ("### Threat ID 1 - A\n\n**Mitigation**\n\n**N/A**\n", 1, 0),
    "bold mitigation, nothing after": (
        "### Threat ID 1 - A\n\n**Mitigation**\n\n### Threat ID 2 - B\n",
        2,
        0,
    ),
    "labels, soft break": ("**Threat:** a\n**Mitigation:** b\n", 1, 1),
    "labels, hard break": ("**Threat:** a  \n**Mitigation:** b\n", 1, 1),
    "labels, backslash break": ("**Threat:** a\\\n**Mitigation:** b\n", 1, 1),
    "labels, list items": ("- **Threat:** a\n- **Mitigation:** b\n", 1, 1),
    "labels, one line": ("- **Threat:** a. **Mitigation:** b\n", 1, 1),
    "labels, colon outside": ("**Threat**: a\n\n**Mitigation**: b\n", 1, 1),
    "labels, mitigation none": ("**Threat:** a\n**Mitigation:** none\n", 1, 0),
    "labels, mitigation none yet": ("**Threat:** a\n**Mitigation:** None identified yet.\n", 1, 0),
    "labels, a control that starts with none": (
        "**Threat:** a\n**Mitigation:** None of the keys ever leave the node.\n",
        1,
        1,
    ),
    "labels, mitigation on the next line": ("- **Threat:** a\n- **Mitigations:**\n  - b\n", 1, 1),
    "risks list": ("**Risks:**\n\n- a; mitigated by b\n- c\n- d. Mitigate with e\n", 3, 2),
    "risks list in a list item": ("- **Risks:**\n  - a\n  - b, not mitigated\n", 2, 0),
    "risks then mitigations": ("**Risks:**\n- a\n- b\n\n**Mitigations:**\n- c\n", 2, 2),
    "risks then no mitigation": ("**Risks:**\n- a\n- b\n\n**Mitigations:**\n- None\n", 2, 0),
    "risks, a heading, then mitigations": (
        "**Risks:**\n- a\n\n## Other\n\n**Threat:** b\n\n**Mitigations:**\n- c\n",
        2,
        1,
    ),
    "risks, inline": ("**Risks:** a; mitigate by b.\n", 1, 1),
    "table, controls that state none": (
        "| Threat | Mitigation |\n|--|--|\n| a | No mitigation yet |\n| b | None. |\n"
        "| c | \u2014 |\n| d | TBD |\n| e | n/a |\n| f | rate limits |\n",
        6,
        1,
    ),
    "risk and mitigation table": (
        "| Risk | Mitigation |\n| --- | --- |\n| a | b |\n| c | |\n",
        2,
        1,
    ),
    "threat sections are not threats": (
        "## Threat Modeling\n\n### Threat Actors\n\n- x\n\n### Threats\n\n### Threat-01-S: A\n\n"
        "**Mitigation:** b\n",
        1,
        1,
    ),
    "mitigations section after the last threat": (
        "### Threat ID 1 - A\n\n**Mitigation**\n\n**N/A**\n\n"
        "### Mitigations\n\n#### Mitigation ID 1 - b\n",
        1,
        0,
    ),
    "mitigation id heading right after its threat": (
        "## Threat ID 1\n\nReplay.\n\n## Mitigation ID 1\n\nNonces.\n\n## Threat ID 2\n\nFlood.\n",
        2,
        1,
    ),
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_conventions(name: str) -> None:
    text, threats, controlled = SMALL[name]
    _, summary = find_gaps("# Doc\n\n" + text, "doc.md")
    assert (summary["threats"], summary["with_control"]) == (threats, controlled)


@pytest.mark.parametrize(
    ("heading", "body", "acceptances"),
    [
        ("Out-of-Scope", "- a\n- b\n", 2),
        ("Out of scope", "- a\n  - detail\n- b\n", 2),
        ("Non-goals", "* a\n", 1),
        ("Non-Goals", "1. a\n2. b\n3. c\n", 3),
        ("Not in Scope", "One paragraph saying what is not covered.\n", 1),
        ("Out of scope", "The following are out of scope:\n\n- a\n- b\n", 2),
        (
            "Accepted risks",
            "| Threat | Reason | Owner |\n| --- | --- | --- |\n| T1 | r | me |\n",
            1,
        ),
        ("Goals", "- a\n", 0),
    ],
)
def test_acceptance_sections(heading: str, body: str, acceptances: int) -> None:
    text = f"# Doc\n\n## {heading}\n\n{body}\n## Next\n\n- not accepted\n"
    _, summary = find_gaps(text, "doc.md")
    assert summary["acceptances"] == acceptances


def test_an_owner_column_answers_zt236() -> None:
    table = (
        "| Threat | Reason | Owner |\n| --- | --- | --- |\n| T1 | r | platform team |\n"
        "| T2 | r | |\n"
    )
    problems, _ = find_gaps(f"# Doc\n\n## Accepted risks\n\n{table}", "doc.md")
    assert [p.line for p in problems if p.rule == "ZT236"] == [8]


CLASSIFICATION = {
    "asset list, no classes": ("## Assets\n\n- Service account tokens\n- Signing keys\n", False),
    "data list, a name that is a class word": (
        "## Data\n\n- Kubernetes Secrets\n- PII exports\n",
        False,
    ),
    "asset list with classes": (
        "## Assets\n\n- Service account tokens: restricted\n- Logs: internal\n",
        True,
    ),
    "asset list, class in parentheses": ("## Data assets\n\n- Signing keys (secret)\n", True),
    "class first": ("## Data classification\n\n- **Confidential**: customer records\n", True),
    "table with a class column": (
        "## Data\n\n| Data | Class |\n| --- | --- |\n| Tokens | restricted |\n",
        True,
    ),
    "table with a sensitivity column": (
        "## Stores\n\n| Asset | Sensitivity |\n| --- | --- |\n| Tokens | high |\n",
        True,
    ),
    "table in a classification section, class words": (
        "## Data classification\n\n| Data | Kind |\n| --- | --- |\n| Tokens | PII |\n",
        True,
    ),
    "classification heading, empty table": (
        "## Data classification\n\n| Data | Class |\n| --- | --- |\n",
        False,
    ),
    "a sentence with a class word": (
        "## Assets\n\nThe cluster stores sensitive data - mostly secrets.\n",
        False,
    ),
    "list of names outside any data section": ("## Notes\n\n- Tokens: restricted\n", False),
}


@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
def test_data_classification_needs_classes_attached_to_data(name: str) -> None:
    text, classified = CLASSIFICATION[name]
    problems, _ = find_gaps(f"# Doc\n\n{text}", "doc.md")
    assert ("ZT232" not in [p.rule for p in problems]) is classified


def test_real_documents_have_no_classification() -> None:
    for name in COUNTS:
        problems, _ = gaps_of(name)
        assert "ZT232" in [rule for rule, _, _ in problems], name


def test_json_coverage_shape(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("karmada_paired_headings.md", "kep_bold_labels.md"):
        repo.write(f"docs/{name}", (FIXTURES / name).read_text(encoding="utf-8"))
    code = gate.main(
        ["--gaps", "--format", "json", "docs/karmada_paired_headings.md", "docs/kep_bold_labels.md"]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["gate"] == "threat-model --gaps"
    assert document["coverage"] == {
        "docs/karmada_paired_headings.md": {"threats": 9, "with_control": 9, "acceptances": 0},
        "docs/kep_bold_labels.md": {"threats": 9, "with_control": 7, "acceptances": 4},
    }
    assert (
        "docs/karmada_paired_headings.md: 9 threat(s), 9 with a control; 0 acceptance(s)"
        in (document["notes"])
    )
    zt235 = [f for f in document["findings"] if f["rule"] == "ZT235"]
    assert {f["path"] for f in zt235} == {"docs/kep_bold_labels.md"}


def test_quoted_text_is_masked() -> None:
    from tests.fakes import fill

    token = fill("ghp_{a36}")
    problems, _ = find_gaps(f"# Doc\n\n**Threat:** token {token} leaks\n", "doc.md")
    message = next(p.message for p in problems if p.rule == "ZT235")
    assert token not in message


def test_many_paired_headings_read_in_linear_time() -> None:
    def document(n: int) -> str:
        pair = (
            "### Threat-{0:04d}-S - a\n\nx\n\n"
            "### Threat-{0:04d}-S Recommended mitigations\n\n- y\n\n"
        )
        return "# Doc\n\n## Threat model\n\n" + "".join(pair.format(i) for i in range(n))

    ratio = growth_ratio(lambda text: find_gaps(text, "doc.md"), document, 200)
    assert ratio < LINEAR, f"8x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize(
    "line_of",
    [
        lambda n: "**Threat:** a " * n,
        lambda n: "- **Risks:**\n" + "  - a\n" * n,
        lambda n: "**Mitigation**\n\n" * n,
        lambda n: "## Out-of-Scope\n\n" + "- a\n" * n,
        lambda n: "## Threat" + "-1" * n + " x\n",
        lambda n: "- " + "a: " * n + "restricted\n",
    ],
)
def test_odd_documents_read_in_linear_time(line_of: Callable[[int], str]) -> None:
    ratio = growth_ratio(
        lambda text: find_gaps("# Doc\n\n## Assets\n\n" + text, "d.md"), line_of, 1000
    )
    assert ratio < LINEAR, f"8x the input took {ratio:.1f}x the time"


PIECES = [
    "# T\n",
    "## Threat-01-S x\n",
    "### Threat-01-S Recommended mitigations\n",
    "#### STRIDE-X-1 y\n",
    "## Out-of-Scope\n",
    "## Assets\n",
    "**Mitigation**\n",
    "**Risks:**\n",
    "**Threat:** a  \n**Mitigation:** b\n",
    "- **Mitigations:**\n  - c\n",
    "> - **Threat:** q\n",
    "| Threat | Mitigation |\n| --- | --- |\n| a |\n",
    "| Data | Class |\n|---|---|\n",
    "<details>\n\n- x\n\n</details>\n",
    "```\n**Threat:** in code\n```\n",
    "1. Tokens: restricted\n   - nested (secret)\n",
    "**N/A**\n",
    "---\n",
    "**Mitigated Threats**\n\n- [Threat ID 9](#x)\n",
    "**",
    "\\\n",
    "",
]


def test_odd_markdown_never_raises() -> None:
    import random

    chooser = random.Random(20261123)
    for _ in range(400):
        text = "\n".join(chooser.choice(PIECES) for _ in range(chooser.randint(1, 12)))
        problems, summary = find_gaps(text, "odd.md")
        assert summary["with_control"] <= summary["threats"]
        assert all(p.line >= 1 for p in problems)


@pytest.mark.parametrize("document", ["THREAT_MODEL.md", "templates/THREAT_MODEL.md"])
def test_our_own_format_has_no_gaps(document: str) -> None:
    """The repository's model and the shipped template: every threat in the threats table has
    its mitigations column, the accepted-risks table names owners, classes sit in a column."""
    root = Path(__file__).resolve().parents[2]
    problems, summary = find_gaps((root / document).read_text(encoding="utf-8"), document)
    assert problems == []
    assert summary["threats"] == summary["with_control"] >= 1
    assert summary["acceptances"] >= 1
