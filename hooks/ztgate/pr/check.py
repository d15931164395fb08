"""Check a pull request's description against the repo's template and threat model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ztgate.finding import Rule

RULES = {
    rule.id: rule
    for rule in (
        Rule("ZT401", "Required section missing", "add the section from the PR template"),
        Rule(
            "ZT402",
            "Required section not filled",
            "write the section; HTML comments and the template's own text do not count",
        ),
        Rule(
            "ZT403",
            "Required checkbox not ticked",
            "tick it, or strike it through (~~...~~) when it does not apply",
        ),
        Rule(
            "ZT404", "Unknown trust boundary", "name a boundary (id or name) from the threat model"
        ),
        Rule("ZT405", "Unknown data class", "name a class from the policy's data_classes"),
        Rule(
            "ZT406",
            "Threat-model answer missing",
            "link the threat-model change, or write `No threat-model impact: <reason>`",
        ),
        Rule(
            "ZT407",
            "No-impact reason too short for the paths changed",
            "explain why the change to these components does not affect the threat model",
        ),
        Rule("ZT408", "Empty description", "fill the PR template"),
    )
}
REQUIRED_MARK = re.compile(r"<!--\s*ztgate:\s*required\s*-->", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CHECKBOX = re.compile(r"^\[( |x|X)\]\s*(.*)$", re.S)
_LABEL = re.compile(
    r"^\s*(trust boundar(?:y|ies)|data class(?:es)?|threat[ -]model|no threat[ -]model impact)"
    r"\s*:\s*(.*)$",
    re.I,
)
_NONE = re.compile(r"^(?:-|—|none|n/?a|no)\.?$", re.I)


@dataclass(frozen=True)
class Problem:
    rule: str
    line: int
    message: str


@dataclass
class Section:
    title: str
    line: int
    text: list[str] = field(default_factory=list)
    labels: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class Document:
    sections: dict[str, Section]
    checkboxes: list[tuple[str, bool, bool, int]]  # (text, ticked, struck, line)
    required_sections: list[str]
    required_boxes: list[str]


def _key(title: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w ]+", " ", title)).strip().lower()


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"])


def read(text: str) -> Document:
    """Sections, labelled lines and checkboxes; HTML comments count as nothing."""
    required_sections: list[str] = []
    required_boxes: list[str] = []
    lines = text.split("\n")
    for number, raw_line in enumerate(lines):
        if REQUIRED_MARK.search(raw_line):
            cleaned = _COMMENT.sub("", raw_line).strip()
            box = _CHECKBOX.match(re.sub(r"^[-*+]\s+", "", cleaned))
            if box:
                required_boxes.append(_key(box.group(2)))
            else:
                heading = next(
                    (lines[i] for i in range(number, -1, -1) if lines[i].lstrip().startswith("#")),
                    None,
                )
                if heading:
                    required_sections.append(_key(heading.lstrip("# ")))
    # Comments become blank lines of the same count, so every line number still holds.
    visible = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    tokens = _markdown().parse(visible)
    sections: dict[str, Section] = {}
    checkboxes: list[tuple[str, bool, bool, int]] = []
    current: Section | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[index + 1].content.strip()
            current = Section(title, int(token.map[0]) + 1 if token.map else 1)
            sections.setdefault(_key(title), current)
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            line = int(token.map[0]) + 1 if token.map else 1
            content = token.content.strip()
            box = _CHECKBOX.match(content)
            if box:
                checkboxes.append(
                    (
                        _key(box.group(2).replace("~~", "")),
                        box.group(1) != " ",
                        "~~" in box.group(2),
                        line,
                    )
                )
                continue
            if current is None:
                continue
            for offset, raw in enumerate(content.split("\n")):
                label = _LABEL.match(raw)
                if label:
                    current.labels[_key(label.group(1))] = (label.group(2).strip(), line + offset)
            current.text.append(content)
    return Document(sections, checkboxes, required_sections, required_boxes)


def _filled(section: Section, template: Section | None) -> bool:
    """A section with labels (`Trust boundaries:`) is filled when a label has a value; any
    other section when its text is not empty and not the template's own text."""
    if template is not None and template.labels:
        return any(value and not _NONE.match(value) for value, _ in section.labels.values())
    words = _key(" ".join(section.text))
    return bool(words) and words != _key(" ".join(template.text) if template else "")


def check(
    body: str,
    template_text: str,
    boundaries: set[str],
    data_classes: set[str],
    sensitive_paths_changed: list[str],
    threat_model_changed: bool,
    min_reason_length: int,
    required_sections: Sequence[str] = (),
    required_checkboxes: Sequence[str] = (),
) -> list[Problem]:
    if not _COMMENT.sub("", body).strip():
        return [Problem("ZT408", 1, "the description is empty")]
    template, document = read(template_text), read(body)
    problems = []
    wanted = dict.fromkeys([*template.required_sections, *map(_key, required_sections)])
    for key in wanted:
        section = document.sections.get(key)
        if section is None:
            title = template.sections[key].title if key in template.sections else key
            problems.append(Problem("ZT401", 1, f"section `{title}` is missing"))
        elif not _filled(section, template.sections.get(key)):
            problems.append(
                Problem("ZT402", section.line, f"section `{section.title}` is not filled")
            )
    for text in dict.fromkeys([*template.required_boxes, *map(_key, required_checkboxes)]):
        # The item may carry a note after the template's words ("~~...~~ (docs only)").
        done, struck, line = next(
            ((d, s, n) for body_text, d, s, n in document.checkboxes if body_text.startswith(text)),
            (False, False, 1),
        )
        if not done and not struck:
            problems.append(Problem("ZT403", line, f"`{text}` is not ticked"))
    security = next((s for k, s in document.sections.items() if "security" in k), None)
    if security is not None:
        problems.extend(
            _security(
                security,
                boundaries,
                data_classes,
                sensitive_paths_changed,
                threat_model_changed,
                min_reason_length,
            )
        )
    return problems


def _security(
    section: Section,
    boundaries: set[str],
    data_classes: set[str],
    sensitive_paths: list[str],
    threat_model_changed: bool,
    min_reason_length: int,
) -> list[Problem]:
    problems = []
    labels = section.labels
    value, line = (
        labels.get("trust boundaries") or labels.get("trust boundary") or ("", section.line)
    )
    for name in (n.strip() for n in re.split(r"[,;]", value) if n.strip()):
        if not _NONE.match(name) and name.lower() not in boundaries:
            problems.append(
                Problem("ZT404", line, f"trust boundary `{name}` is not in the threat model")
            )
    value, line = labels.get("data classes") or labels.get("data class") or ("", section.line)
    for name in (n.strip() for n in re.split(r"[,;]", value) if n.strip()):
        if not _NONE.match(name) and name.lower() not in data_classes:
            problems.append(
                Problem(
                    "ZT405",
                    line,
                    f"data class `{name}` is not one of " + ", ".join(sorted(data_classes)),
                )
            )
    no_impact = labels.get("no threat model impact")
    model, model_line = labels.get("threat model") or ("", section.line)
    if no_impact is None and model.lower().startswith("no threat"):
        no_impact = (model.split(":", 1)[1].strip() if ":" in model else "", model_line)
    if no_impact is None and (not model or _NONE.match(model)) and not threat_model_changed:
        problems.append(
            Problem(
                "ZT406",
                model_line,
                "state the threat-model change or `No threat-model impact: <reason>`",
            )
        )
    elif no_impact is not None:
        reason, reason_line = no_impact
        if not reason:
            problems.append(
                Problem("ZT406", reason_line, "`No threat-model impact` needs a reason")
            )
        elif sensitive_paths and not threat_model_changed and len(reason) < min_reason_length:
            shown = ", ".join(sensitive_paths[:3])
            problems.append(
                Problem(
                    "ZT407",
                    reason_line,
                    f"the change touches {shown} but the reason has "
                    f"{len(reason)} characters (policy: {min_reason_length})",
                )
            )
    return problems
