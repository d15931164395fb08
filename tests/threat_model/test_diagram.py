"""The Mermaid diagram, read back line by line: shapes by kind, nested boundaries, threat ids on
the edges, entry points, and ids that no name can make collide or break out of a label."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field

import pytest
from ztgate.threat_model import diagram
from ztgate.threat_model.parse import parse

from tests.threat_model.example import EXAMPLE

ID = r"[a-z][a-z0-9_]*"
TEXT = r'(?:[^"|`<>\n]|<br/>)*'  # user text is escaped; `<br/>` is ours
LABEL = rf'"(?P<label>{TEXT})"'
NODE = re.compile(
    rf"^ *(?P<id>{ID})(?P<open>\(\[|\[\(|\[\[|\(|\[|>){LABEL}(?P<close>\]\)|\)\]|\]\]|\)|\])$"
)
EDGE = re.compile(rf'^ *(?P<a>{ID}) (?P<arrow>-->|-\.->)(?:\|"(?P<label>{TEXT})"\|)? (?P<b>{ID})$')
SUBGRAPH = re.compile(rf"^ *subgraph (?P<id>{ID})\[{LABEL}\]$")
STYLE = re.compile(
    rf"^ *(?:classDef entry [^\n]+|class {ID}(?:,{ID})* entry|linkStyle \d+ [^\n]+)$"
)
SHAPE = {"([": "actor", "(": "process", "[(": "store", "[[": "external", "[": None, ">": "entry"}
KEYWORDS = {"end", "graph", "subgraph", "style", "click", "class", "classdef", "linkstyle",
            "flowchart", "direction", "default", "call", "href", "interpolate"}  # fmt: skip


@dataclass
class Chart:
    nodes: dict[str, tuple[str | None, str, tuple[str, ...]]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # a, arrow, label, b
    subgraphs: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    styles: list[str] = field(default_factory=list)


def read(chart: str) -> Chart:
    """Every line is a node, an edge, a subgraph's start or end, or a style; anything else
    fails the test. Nodes and subgraphs remember the subgraphs around them."""
    lines = chart.split("\n")
    assert lines[:2] == ["```mermaid", "flowchart LR"] and lines[-2:] == ["```", ""]
    found = Chart()
    open_subgraphs: list[str] = []
    for line in lines[2:-2]:
        if match := SUBGRAPH.match(line):
            assert match["id"] not in found.subgraphs and match["id"] not in found.nodes
            found.subgraphs[match["id"]] = (match["label"], tuple(open_subgraphs))
            open_subgraphs.append(match["id"])
        elif line.strip() == "end":
            open_subgraphs.pop()
        elif match := NODE.match(line):
            assert match["id"] not in found.nodes and match["id"] not in found.subgraphs
            kind = SHAPE[match["open"]]
            found.nodes[match["id"]] = (kind, match["label"], tuple(open_subgraphs))
        elif match := EDGE.match(line):
            found.edges.append((match["a"], match["arrow"], match["label"] or "", match["b"]))
        else:
            assert STYLE.match(line), line
            found.styles.append(line.strip())
    assert open_subgraphs == []
    for a, _, _, b in found.edges:
        assert a in found.nodes and b in found.nodes
    for identifier in [*found.nodes, *found.subgraphs]:
        assert identifier.lower() not in KEYWORDS
    return found


def by_label(chart: Chart, text: str) -> str:
    (identifier,) = [
        k for k, (_, label, _) in chart.nodes.items() if label.split("<br/>")[0] == text
    ]
    return identifier


EP_HEADER = "| ID | Entry point | Exposed to | Data |\n| --- | --- | --- | --- |"
EP_WITH_COMPONENT = (
    "| ID | Entry point | Exposed to | Data | Component |\n| --- | --- | --- | --- | --- |"
)
NESTED = (
    EXAMPLE.replace(
        "| ID | Boundary | Inside | Outside |\n| --- | --- | --- | --- |\n"
        "| TB1 | Internet edge | API gateway | Mobile app |\n"
        "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |",
        "| ID | Boundary | Inside | Outside | Within |\n| --- | --- | --- | --- | --- |\n"
        "| TB1 | Internet edge | API gateway | Mobile app | |\n"
        "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor | |\n"
        "| TB3 | Ledger subnet | Payments DB | Payments worker | TB2 |",
    )
    .replace("| C4 | Payments DB | store | TB2 |", "| C4 | Payments DB | store | TB3 |")
    .replace("| Payment status | none |", "| Payment status | TB3 |")
    .replace(EP_HEADER, EP_WITH_COMPONENT)
    .replace(
        "| EP1 | POST /v1/payments | Internet | Card numbers |",
        "| EP1 | POST /v1/payments | Internet | Card numbers | API gateway |",
    )
    .replace(
        "| M5 | accepted |\n",
        "| M5 | accepted |\n| T6 | Ledger rows altered | Tampering | C4, F4 | M2 | mitigated |\n",
    )
)


def test_shapes_boundaries_threats_and_entry_points() -> None:
    chart = read(diagram.mermaid(parse(NESTED, "x.md")))
    kinds = {
        label.split("<br/>")[0]: (kind, around) for kind, label, around in chart.nodes.values()
    }
    assert kinds["Mobile app"] == ("actor", ())
    assert kinds["API gateway"] == ("process", ("b_tb1",))
    assert kinds["Card processor"] == ("external", ())
    # TB3 is drawn inside TB2, and the DB in TB3 only (a node sits in one subgraph)
    assert chart.subgraphs["b_tb3"] == ("TB3: Ledger subnet", ("b_tb2",))
    assert kinds["Payments DB"] == ("store", ("b_tb2", "b_tb3"))
    assert kinds["Payments worker"] == ("process", ("b_tb2",))
    # threats on the edges they target, and on the components
    edges = {(a, b): label for a, _, label, b in chart.edges}
    worker, db = by_label(chart, "Payments worker"), by_label(chart, "Payments DB")
    assert edges[(worker, db)] == "F4: Payment status (PostgreSQL)<br/>T6"
    assert chart.nodes[db][1] == "Payments DB<br/>T6"
    # entry points: a flag node in the entry class, a dotted edge to the component it names,
    # its threats on that edge
    entry = [k for k, (kind, _, _) in chart.nodes.items() if kind == "entry"]
    assert [chart.nodes[k][1] for k in entry] == [
        "EP1: POST /v1/payments",
        "EP2: GET /v1/payments/{id}<br/>T5",
    ]
    dotted = [(a, label, b) for a, arrow, label, b in chart.edges if arrow == "-.->"]
    assert dotted == [(entry[0], "T4", by_label(chart, "API gateway"))]
    assert f"class {','.join(entry)} entry" in chart.styles


def test_red_edges_are_the_weak_crossings() -> None:
    text = EXAMPLE.replace("API key in a secret manager, rotated", "none")
    chart = read(diagram.mermaid(parse(text, "x.md")))
    assert [s for s in chart.styles if s.startswith("linkStyle")] == [
        "linkStyle 2 stroke:#d32f2f,stroke-width:3px"
    ]
    assert chart.edges[2][2].startswith("F3: ")


NASTY = [
    "end",
    "End",
    "graph",
    "subgraph",
    "style",
    "click",
    "class",
    "classDef",
    "linkStyle",
    "TB1",  # a component named like the boundary's id
    "tb 1",
    "a b",
    "a-b",
    "A_B",
    "a__b",
    "n_a_b",
    "x" * 60,
    "x" * 60 + "y",
    "支付",
    "決済",
    "o",
    "x",
    'Say "hi"',
    "pipe \\| here",
    "<script>alert(1)</script>",
    "[bracketed] (parens) {braces}",
    "#quot; and #35;",
    "semi; colon",
    "ticks ``` fence",
    "%%{init: {'theme': 'dark'}}%%",
]


def nasty_model(names: list[str]) -> str:
    components = "".join(f"| C{i} | {name} | process | TB1 |\n" for i, name in enumerate(names))
    flows = "".join(
        f"| F{i} | {a} | {b} | Order | none | HTTPS | mTLS | TLS |\n"
        for i, (a, b) in enumerate(zip(names, names[1:], strict=False))
    )
    inside = ", ".join(n for n in names if "," not in n)
    return (
        "# M\n\n## Trust boundaries\n\n| ID | Boundary | Inside | Outside |\n"
        "| --- | --- | --- | --- |\n"
        f"| TB1 | end | {inside} | none |\n\n## Components\n\n| ID | Name | Kind | Boundary |\n"
        f"| --- | --- | --- | --- |\n{components}\n## Data flows\n\n"
        "| ID | From | To | Data | Crosses boundary | Protocol | Authentication | Encryption |\n"
        f"| --- | --- | --- | --- | --- | --- | --- | --- |\n{flows}"
    )


def test_nasty_names_neither_collide_nor_escape_their_labels() -> None:
    model = parse(nasty_model(NASTY), "x.md")
    chart = read(diagram.mermaid(model))
    labels = sorted(label for _, label, _ in chart.nodes.values())
    # every component its own node (names are compared without case: `end` is `End`)
    assert len(chart.nodes) == len({name.lower() for name in NASTY})
    assert "Say #quot;hi#quot;" in labels
    assert "pipe #124; here" in labels
    assert "#60;script#62;alert(1)#60;/script#62;" in labels
    assert "#37;#37;{init: {'theme': 'dark'}}#37;#37;" in labels
    assert "#35;quot; and #35;35;" in labels
    assert any(label.startswith("ticks #96;#96;#96;") for label in labels)
    assert len(chart.edges) == len(NASTY) - 1


@pytest.mark.parametrize("seed", range(20))
def test_random_names_get_distinct_safe_ids(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " _-.#\"'|<>[](){}`;:/\\" + "%éü支"
    names = list(
        {
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
            for _ in range(rng.randint(1, 200))
        }
    )
    names += [n.upper() for n in names[:5]] + ["end", "subgraph", "x" * 45, "x" * 46]
    ids = diagram.node_ids("n_", names)
    assert len(set(ids.values())) == len(set(names))
    for identifier in ids.values():
        assert re.fullmatch(r"n_[a-z0-9_]+", identifier) and identifier not in KEYWORDS
    boundaries = diagram.node_ids("b_", names)
    assert not set(ids.values()) & set(boundaries.values())
    for name in names:
        escaped = diagram.label(name)
        assert not set(escaped) & set('"|<>`%\n')
        # the only `#` left open an entity
        assert re.fullmatch(r"(?:[^#]|#(?:quot|lt|gt|\d+);)*", escaped)


def test_write_puts_the_diagram_between_markers_idempotently() -> None:
    chart = diagram.mermaid(parse(EXAMPLE, "x.md"))
    once = diagram.with_diagram(EXAMPLE, chart)
    assert once.count(diagram.START) == 1 and once.endswith(f"{diagram.END}\n")
    assert diagram.with_diagram(once, chart) == once


@pytest.mark.parametrize("seed", range(30))
def test_mangled_documents_still_give_a_well_formed_chart_and_rows(seed: int) -> None:
    """Rows dropped, duplicated or cut short, cells swapped: stride, suggest and the diagram
    never raise, and the chart still reads back."""
    from ztgate.threat_model import stride, suggest

    rng = random.Random(seed)
    lines = NESTED.split("\n")
    for _ in range(rng.randint(1, 15)):
        index = rng.randrange(len(lines))
        action = rng.choice(("drop", "twice", "cut", "swap", "within"))
        if action == "drop":
            del lines[index]
        elif action == "twice":
            lines.insert(index, lines[index])
        elif action == "cut":
            lines[index] = lines[index][: rng.randrange(len(lines[index]) + 1)]
        elif action == "swap":
            cells = lines[index].split("|")
            rng.shuffle(cells)
            lines[index] = "|".join(cells)
        elif lines[index].startswith("| TB"):
            lines[index] = lines[index].rstrip("| ") + f" | TB{rng.randint(1, 3)} |"
    model = parse("\n".join(lines), "x.md")
    list(stride.element_checks(model))
    suggest.render(suggest.suggestions(model), "json")
    read(diagram.mermaid(model))


def test_a_component_in_two_boundaries_draws_the_smaller_inside_the_larger() -> None:
    """Without Within cells, a Components row naming `TB2, TB3` (and TB2 holding more) says
    TB3 sits inside TB2, as a converted Threagile model writes nested trust boundaries."""
    text = EXAMPLE.replace(
        "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |",
        "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |\n"
        "| TB3 | Ledger subnet | Payments DB | Payments worker |",
    ).replace("| C4 | Payments DB | store | TB2 |", "| C4 | Payments DB | store | TB2, TB3 |")
    chart = read(diagram.mermaid(parse(text, "x.md")))
    assert chart.subgraphs["b_tb3"] == ("TB3: Ledger subnet", ("b_tb2",))
    assert chart.nodes[by_label(chart, "Payments DB")][2] == ("b_tb2", "b_tb3")
    assert chart.nodes[by_label(chart, "Payments worker")][2] == ("b_tb2",)
    # the same members: neither is drawn inside the other
    same = text.replace(
        "| C3 | Payments worker | process | TB2 |", "| C3 | Payments worker | process | TB2, TB3 |"
    )
    chart = read(diagram.mermaid(parse(same, "x.md")))
    assert chart.subgraphs["b_tb3"] == ("TB3: Ledger subnet", ())
