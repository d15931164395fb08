"""A Mermaid flowchart of the threat model: boundaries as subgraphs, flows as labelled edges."""

from __future__ import annotations

import re

from ztgate.threat_model import vocabulary
from ztgate.threat_model.components import places as where_components_live
from ztgate.threat_model.model import BOUNDARIES, FLOWS, ThreatModel
from ztgate.threat_model.rules import declared_crossings, derived_crossings

START = "<!-- ztgate:diagram:start -->"
END = "<!-- ztgate:diagram:end -->"


def _node_id(name: str) -> str:
    return "n_" + (re.sub(r"\W+", "_", name.strip().lower()).strip("_") or "unnamed")


def _label(text: str) -> str:
    return text.replace('"', "'").replace("|", "/")


def mermaid(model: ThreatModel) -> str:
    """The flowchart; edges that cross a boundary (declared or by where their ends live)
    without authentication or encryption, or authenticated by network location, are red."""
    flows = model.rows(FLOWS)
    components: list[str] = []
    for row in flows:
        for name in (row.get("from"), row.get("to")):
            if name and name not in components:
                components.append(name)
    placed: set[str] = set()
    lines = ["```mermaid", "flowchart LR"]
    for boundary in model.rows(BOUNDARIES):
        inside = {n.strip().lower() for n in re.split(r"[,;]", boundary.get("inside"))}
        members = [c for c in components if c.lower() in inside and c not in placed]
        title = f"{boundary.get('id')}: {boundary.get('boundary')}"
        lines.append(f'  subgraph {_node_id(boundary.get("id"))}["{_label(title)}"]')
        for member in members:
            lines.append(f'    {_node_id(member)}["{_label(member)}"]')
            placed.add(member)
        lines.append("  end")
    for component in components:
        if component not in placed:
            lines.append(f'  {_node_id(component)}["{_label(component)}"]')
    red = []
    places = where_components_live(model)
    for index, row in enumerate(flows):
        label = f"{row.get('id')}: {row.get('data')}"
        if row.get("protocol"):
            label += f" ({row.get('protocol')})"
        lines.append(
            f'  {_node_id(row.get("from"))} -->|"{_label(label)}"| {_node_id(row.get("to"))}'
        )
        crosses = declared_crossings(row) or derived_crossings(row, places)
        weak = vocabulary.authentication(row.get("authentication")).meaning in (
            vocabulary.NONE,
            vocabulary.NETWORK,
        ) or (vocabulary.encryption(row.get("encryption")).meaning == vocabulary.NONE)
        if crosses and weak:
            red.append(index)
    for index in red:
        lines.append(f"  linkStyle {index} stroke:#d32f2f,stroke-width:3px")
    lines.append("```")
    return "\n".join(lines) + "\n"


def with_diagram(document: str, diagram: str) -> str:
    """The document with the diagram between the markers (added at the end if absent)."""
    block = f"{START}\n{diagram}{END}"
    if START in document and END in document.split(START, 1)[1]:
        before, rest = document.split(START, 1)
        after = rest.split(END, 1)[1]
        return before + block + after
    return document.rstrip("\n") + f"\n\n## Diagram\n\n{block}\n"
