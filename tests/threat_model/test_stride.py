"""STRIDE per element (ZT238): what each component and flow faces, what the threats consider,
and the suggested rows that close the gaps."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from ztgate.finding import Problem
from ztgate.threat_model import components, diagram, gate, stride, suggest
from ztgate.threat_model.parse import parse
from ztgate.threat_model.rules import Settings, run_checks

from tests.conftest import Repo
from tests.threat_model.example import EXAMPLE, TEMPLATE, fresh
from tests.worst_case import LINEAR, growth_ratio

LAST_THREAT = (
    "| T5 | Enumerating payment ids reveals other customers' status | Information disclosure "
    "| EP2 | M5 | accepted |\n"
)


def gaps(text: str) -> dict[int, str]:
    """ZT238 findings: line -> message (the Components table gives each its own line)."""
    model = parse(text, "THREAT_MODEL.md")
    found = [(p.line, p.message) for p in stride.element_checks(model) if p.rule == "ZT238"]
    assert len({line for line, _ in found}) == len(found)
    return dict(found)


def checked(text: str) -> list[Problem]:
    """The consistency rules' findings (ZT238 is not one of them), on a fixed day."""
    return run_checks(parse(text, "x.md"), Settings(today=date(2026, 11, 22)))


def problems_in(text: str) -> list[tuple[str, int]]:
    return [(p.rule, p.line) for p in checked(text)]


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def with_threats(text: str, rows: str) -> str:
    assert LAST_THREAT in text
    return text.replace(LAST_THREAT, LAST_THREAT + rows)


def test_the_worked_example_misses_most_categories_one_finding_per_element() -> None:
    found = gaps(EXAMPLE)
    # 5 components and 4 flows, each with something missing: one finding each, not 29
    assert len(found) == 9
    assert found[line_of(EXAMPLE, "| C1 | Mobile app")] == (
        "actor `Mobile app`: no threat considers Repudiation (1/2 of the categories an actor "
        "faces); `ztgate threat-model suggest THREAT_MODEL.md` drafts the rows"
    )
    assert (
        "store `Payments DB`: no threat considers Tampering, Repudiation, Information "
        in (found[line_of(EXAMPLE, "| C4 | Payments DB")])
    )
    f2 = found[line_of(EXAMPLE, "| F2 |")]
    assert f2.startswith("flow F2 (API gateway -> Payments worker): no threat considers ")
    assert "Tampering, Denial of service (1/3" in f2  # T2 answered information disclosure
    analysis = stride.analyse(parse(EXAMPLE, "x.md"))
    assert (analysis.covered, analysis.total) == (3, 32)


def test_the_suggested_rows_close_every_gap_and_nothing_else_changes() -> None:
    rows = suggest.render(suggest.suggestions(parse(EXAMPLE, "x.md")), "markdown")
    assert len(rows.splitlines()) == 29
    fixed = with_threats(EXAMPLE, rows)
    assert gaps(fixed) == {}
    analysis = stride.analyse(parse(fixed, "x.md"))
    assert analysis.covered == analysis.total == 32
    # The rows are well formed threats: open, so ZT210 asks to mitigate or accept each; no
    # other rule objects to them.
    problems = checked(fixed)
    assert {p.rule for p in problems} == {"ZT210"}
    assert len(problems) == 29


def test_a_not_applicable_row_rules_out_every_pair_it_names() -> None:
    row = (
        "| T6 | Not applicable: the processor's and the app's own logs settle disputes; "
        "both are covered by their own models | Spoofing, Repudiation | Mobile app, Card processor "
        "|  | not-applicable |\n"
    )
    text = with_threats(EXAMPLE, row)
    found = gaps(text)
    assert line_of(text, "| C1 | Mobile app") not in found
    assert line_of(text, "| C5 | Card processor") not in found
    assert checked(text) == []


@pytest.mark.parametrize(
    ("row", "answered", "category"),
    [
        # spoofing on a flow: the sender, which faces it
        ("| T6 | x | Repudiation | F1 | M1 | mitigated |", "Mobile app", "repudiation"),
        # a store faces no spoofing: the receiver answers for it
        ("| T6 | x | Spoofing | F4 | M1 | mitigated |", "Payments worker", "spoofing"),
        # elevation: the receiver
        (
            "| T6 | x | Elevation of privilege | F2 | M2 | mitigated |",
            "Payments worker",
            "elevation of privilege",
        ),
        # a component named with spaces, or by its Components id
        ("| T6 | x | Tampering | Payments DB | M2 | mitigated |", "Payments DB", "tampering"),
        ("| T6 | x | T | C4 | M2 | mitigated |", "Payments DB", "tampering"),
        # several categories and targets
        ("| T6 | x | S/E | C2; C3 | M2 | mitigated |", "Payments worker", "elevation of privilege"),
    ],
)
def test_which_element_a_threat_answers_for(row: str, answered: str, category: str) -> None:
    model = parse(with_threats(EXAMPLE, row + "\n"), "x.md")
    before = stride.analyse(parse(EXAMPLE, "x.md"))
    after = stride.analyse(model)
    key = stride.component_key(answered)
    assert category not in before.considered.get(key, frozenset())
    assert category in after.considered[key]


def test_a_category_an_element_does_not_face_answers_nothing() -> None:
    text = with_threats(
        EXAMPLE, "| T6 | x | Elevation of privilege | Payments DB | M2 | mitigated |\n"
    )
    assert stride.analyse(parse(text, "x.md")).covered == 3


def test_an_entry_point_threat_counts_for_the_component_that_exposes_it() -> None:
    text = EXAMPLE.replace(
        "| ID | Entry point | Exposed to | Data |\n| --- | --- | --- | --- |",
        "| ID | Entry point | Exposed to | Data | Component |\n| --- | --- | --- | --- | --- |",
    )
    text = text.replace(
        "| EP1 | POST /v1/payments | Internet | Card numbers |",
        "| EP1 | POST /v1/payments | Internet | Card numbers | API gateway |",
    )
    analysis = stride.analyse(parse(text, "x.md"))
    assert analysis.considered[stride.component_key("API gateway")] == {"denial of service"}
    assert checked(text) == []


def test_kinds_inferred_without_a_components_table() -> None:
    start = EXAMPLE.index("## Components")
    text = EXAMPLE[:start] + EXAMPLE[EXAMPLE.index("## Data flows") :]
    analysis = stride.analyse(parse(text, "x.md"))
    kinds = {e.name: e.kind for e in analysis.elements}
    assert kinds["Payments DB"] == "store"
    assert kinds["Payments worker"] == "process"
    assert kinds["Mobile app"] == "external"  # outside every boundary, no actor word
    messages = [p.message for p in stride.element_checks(parse(text, "x.md"))]
    assert any(m.startswith("store `Payments DB`: ") for m in messages)
    assert any(m.startswith("external `Card processor`: ") for m in messages)
    # a name only an Outside cell gives is not a component
    outside = text.replace(
        "| Internet edge | API gateway | Mobile app |",
        "| Internet edge | API gateway | Mobile app, the internet, none |",
    )
    assert outside != text
    names = {e.name for e in stride.analyse(parse(outside, "x.md")).elements}
    assert "the internet" not in names and "none" not in names and "Mobile app" in names
    assert "the internet" not in diagram.mermaid(parse(outside, "x.md"))


def test_the_unfilled_template_gets_no_stride_findings() -> None:
    assert gaps(TEMPLATE) == {}


def test_nested_boundaries_within() -> None:
    text = EXAMPLE.replace(
        "| ID | Boundary | Inside | Outside |\n| --- | --- | --- | --- |\n"
        "| TB1 | Internet edge | API gateway | Mobile app |\n"
        "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |",
        "| ID | Boundary | Inside | Outside | Within |\n| --- | --- | --- | --- | --- |\n"
        "| TB1 | Internet edge | API gateway | Mobile app | |\n"
        "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor | |\n"
        "| TB3 | Ledger subnet | Payments DB | Payments worker | TB2 |",
    )
    text = text.replace("| C4 | Payments DB | store | TB2 |", "| C4 | Payments DB | store | TB3 |")
    text = with_threats(
        text,
        "| T6 | Ledger rows read on the way | Information disclosure | F4 | M2 | mitigated |\n",
    )
    # F4 (worker -> DB) crosses TB3 only: the DB is inside TB2 through TB3
    problems = checked(text)
    assert [(p.rule, p.line) for p in problems] == [("ZT227", line_of(text, "| F4 |"))]
    assert "crosses TB3 by where they live" in problems[0].message
    fixed = text.replace("| Payment status | none |", "| Payment status | TB3 |")
    assert checked(fixed) == []
    undefined = fixed.replace("| Payments worker | TB2 |", "| Payments worker | TB9 |")
    assert problems_in(undefined) == [("ZT206", line_of(undefined, "| TB3 | Ledger"))]
    cycle = fixed.replace(
        "| API gateway | Mobile app | |", "| API gateway | Mobile app | TB3 |"
    ).replace("| API gateway, Card processor | |", "| API gateway, Card processor | TB1 |")
    # the Within that closes the cycle is refused (the others nest, and crossings follow)
    cycles = [found for found in problems_in(cycle) if found[0] == "ZT220"]
    assert cycles == [("ZT220", line_of(cycle, "| TB3 | Ledger"))]


def test_gate_reports_warnings_and_the_coverage_figure(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = fresh(EXAMPLE)
    repo.write("THREAT_MODEL.md", text)
    code = gate.main([])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count(": ZT238 warning: ") == 9
    assert "STRIDE coverage 3/32 element-categories" in out
    gate.main(["--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert document["coverage"]["THREAT_MODEL.md"]["stride_covered"] == 3
    assert document["coverage"]["THREAT_MODEL.md"]["stride_element_categories"] == 32
    repo.write(".ztgate.yaml", "threat_model:\n  severity:\n    ZT238: error\n")
    assert gate.main([]) == 1
    capsys.readouterr()
    rows = suggest.render(suggest.suggestions(parse(text, "x.md")), "markdown")
    complete = with_threats(text, rows.replace("|  | open |", "|  | not-applicable |"))
    repo.write("THREAT_MODEL.md", complete)
    assert gate.main([]) == 0
    assert "STRIDE coverage 32/32 element-categories" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("work", "cell_of"),
    [
        (suggest._split_number, lambda n: "1" * n + "x"),
        (suggest._split_number, lambda n: "T-" + "0" * n),
        (stride.categories_of, lambda n: "S/" * n),
        (
            stride._Resolver(
                parse(EXAMPLE, "x.md"), components.places(parse(EXAMPLE, "x.md"))
            ).targets,
            lambda n: "Payments DB, F1 and " * n,
        ),
    ],
)
def test_long_cells_take_linear_time(
    work: Callable[[str], object], cell_of: Callable[[int], str]
) -> None:
    # 8x the input: linear ~8x the time, quadratic ~64x (room for a shared, noisy machine)
    assert growth_ratio(work, cell_of, 1000) < LINEAR


def test_ruled_out_rows_may_sit_in_a_second_table_without_mitigations() -> None:
    table = (
        "\n### Threats ruled out\n\n| ID | Threat | STRIDE | Target | Status |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| T6 | Not applicable: the app's own model covers its repudiation | Repudiation "
        "| Mobile app | not-applicable |\n"
    )
    text = with_threats(EXAMPLE, table)
    assert line_of(text, "| C1 | Mobile app") not in gaps(text)
    assert problems_in(text) == []
    # suggestions follow the first table's columns and skip the id the second one uses
    first = suggest.suggestions(parse(text, "x.md"))[0]
    assert first.id == "T7" and [c for c, _ in first.cells] == list(suggest.DEFAULT_COLUMNS)
