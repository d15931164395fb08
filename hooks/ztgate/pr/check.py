"""Check a pull request's description against the repo's template and threat model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ztgate.finding import Rule
from ztgate.masking import mask_secrets

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
_CHECKBOX = re.compile(r"^\[( |x|X)\]\s*(.*)$", re.S)
# Struck through as a whole: `~~text~~`, then at most a note in parentheses.
_STRUCK = re.compile(r"~~([^~]+)~~[ \t]*(?:\([^()]*\))?")
_LABEL = re.compile(
    r"^\s*(trust boundar(?:y|ies)|data class(?:es)?|threat[ -]model|no threat[ -]model impact)"
    r"\s*:\s*(.*)$",
    re.I,
)
# One key per label, whichever spelling (singular, plural, hyphen) the text uses.
_LABEL_KEYS = {
    "trust boundary": "trust boundaries",
    "data class": "data classes",
}
_NO_IMPACT = re.compile(r"no threat[ -]model impact\b\s*:?\s*(.*)$", re.I | re.S)
_NONE = re.compile(r"^(?:none|n/?a|no)\.?$", re.I)
# Words that fill a line without answering it.
_PLACEHOLDER = re.compile(
    r"^[\W_]*(?:todo|tbd|tbc|wip|later|pending|will do|to do|see above|see below|same|"
    r"same as above|idk|unknown|yes|x|none|n/?a|no)?[\W_]*$",
    re.I,
)
# A threat-model answer points at the change: a URL, a Markdown link, a file path or `#123`.
# Each branch looks at a few characters only: `](` then a scan to `)` was quadratic.
_LINK = re.compile(
    r"https?://\S|\]\((?=[^)\s])|[\w./-]\.(?:md|markdown|ya?ml|json|txt|rst|adoc)\b|(?:^|\s)#\d+\b",
    re.I,
)
SKIP_LINE = "ztgate-skip:"
_REASON_MAX = 200


def strip_comments(text: str) -> str:
    """HTML comments replaced by the newlines they held, so every line number still holds.

    One left-to-right scan: a comment left open runs to the end, as it does when GitHub renders
    it (nothing after it is shown, so nothing after it may count).
    """
    parts: list[str] = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            parts.append(text[position:])
            return "".join(parts)
        end = text.find("-->", start + 4)
        stop = len(text) if end < 0 else end + 3
        parts.append(text[position:start])
        parts.append("\n" * text.count("\n", start, stop))
        position = stop


def skip_reason(body: str) -> str | None:
    """The reason on a visible `ztgate-skip: <reason>` line, masked and cut to a short line."""
    for line in strip_comments(body).split("\n"):
        stripped = line.strip()
        if stripped[: len(SKIP_LINE)].lower() == SKIP_LINE:
            # Masked before it is cut: a token cut in two is no longer found.
            reason = mask_secrets(stripped[len(SKIP_LINE) :].strip())
            if reason:
                return reason if len(reason) <= _REASON_MAX else reason[:_REASON_MAX] + "…"
    return None


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
    heading: str | None = None
    for raw_line in text.split("\n"):
        if raw_line.lstrip().startswith("#"):
            heading = raw_line
        if "<!--" in raw_line and REQUIRED_MARK.search(raw_line):
            cleaned = strip_comments(raw_line).strip()
            box = _CHECKBOX.match(re.sub(r"^[-*+]\s+", "", cleaned))
            if box:
                required_boxes.append(_key(box.group(2)))
            elif heading:
                required_sections.append(_key(heading.lstrip("# ")))
    visible = strip_comments(text)
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
                struck = _STRUCK.fullmatch(box.group(2).strip())
                item = struck.group(1) if struck else box.group(2)
                checkboxes.append((_key(item), box.group(1) != " ", struck is not None, line))
                continue
            if current is None:
                continue
            for offset, raw in enumerate(content.split("\n")):
                label = _LABEL.match(raw)
                if label:
                    key = _key(label.group(1))
                    current.labels[_LABEL_KEYS.get(key, key)] = (
                        label.group(2).strip(),
                        line + offset,
                    )
            current.text.append(content)
    return Document(sections, checkboxes, required_sections, required_boxes)


def _unanswered(section: Section, template: Section) -> list[str]:
    """The template's labels this section leaves out or leaves empty (`TODO`, `?`, `-`)."""
    missing = []
    for key in template.labels:
        value, _ = section.labels.get(key) or ("", 0)
        if key == "threat model" and not value:
            value, _ = section.labels.get("no threat model impact") or ("", 0)
        if not value or (_PLACEHOLDER.match(value) and not _NONE.match(value)):
            missing.append(f"`{key.capitalize()}:`")
    return missing


def _filled(section: Section, template: Section | None) -> tuple[bool, str]:
    """A section with labels (`Trust boundaries:`) is filled when every label of the template
    has an answer; any other section when its text is not empty and not the template's own."""
    if template is not None and template.labels:
        missing = _unanswered(section, template)
        return not missing, ", ".join(missing) + " missing or empty" if missing else ""
    words = _key(" ".join(section.text))
    return bool(words) and words != _key(" ".join(template.text) if template else ""), ""


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
    if not strip_comments(body).strip():
        return [Problem("ZT408", 1, "the description is empty")]
    template, document = read(template_text), read(body)
    problems = []
    wanted = dict.fromkeys([*template.required_sections, *map(_key, required_sections)])
    for key in wanted:
        section = document.sections.get(key)
        if section is None:
            title = template.sections[key].title if key in template.sections else key
            problems.append(Problem("ZT401", 1, f"section `{title}` is missing"))
        else:
            filled, why = _filled(section, template.sections.get(key))
            if not filled:
                message = f"section `{section.title}` is not filled" + (f": {why}" if why else "")
                problems.append(Problem("ZT402", section.line, message))
    for text in dict.fromkeys([*template.required_boxes, *map(_key, required_checkboxes)]):
        # A ticked item may carry a note after the template's words ("... (unit tests)"); a
        # struck one is the template's words struck whole ("~~...~~ (docs only)").
        boxes = [
            (
                line,
                (ticked and (item == text or item.startswith(text + " ")))
                or (struck and item == text),
            )
            for item, ticked, struck, line in document.checkboxes
            if item.startswith(text)
        ]
        if not any(done for _, done in boxes):
            line = boxes[0][0] if boxes else 1
            problems.append(Problem("ZT403", line, f"`{text}` is not ticked"))
    # The template's own security section, by its exact key: a decoy heading earlier in the
    # body ("Security notes") must not stand in for it.
    wanted_key = next((k for k in template.sections if "security" in k), "security")
    security = document.sections.get(wanted_key) or next(
        (s for k, s in document.sections.items() if "security" in k), None
    )
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
                Problem(
                    "ZT404",
                    line,
                    f"trust boundary `{mask_secrets(name)}` is not in the threat model",
                )
            )
    value, line = labels.get("data classes") or labels.get("data class") or ("", section.line)
    for name in (n.strip() for n in re.split(r"[,;]", value) if n.strip()):
        if not _NONE.match(name) and name.lower() not in data_classes:
            problems.append(
                Problem(
                    "ZT405",
                    line,
                    f"data class `{mask_secrets(name)}` is not one of "
                    + ", ".join(sorted(data_classes)),
                )
            )
    no_impact = labels.get("no threat model impact")
    model, model_line = labels.get("threat model") or ("", section.line)
    said_no_impact = _NO_IMPACT.match(model)
    if no_impact is None and said_no_impact:
        no_impact = (said_no_impact.group(1).strip(), model_line)
    if no_impact is not None:
        reason, reason_line = no_impact
        if _PLACEHOLDER.match(reason):
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
    elif not _LINK.search(model):
        # `later`, `TODO`, `see above`: only a pointer to the change or a stated reason answers.
        problems.append(
            Problem(
                "ZT406",
                model_line,
                "link or name the threat-model change, or write "
                "`No threat-model impact: <reason>`"
                + (f" (`{mask_secrets(model)[:60]}` is neither)" if model else ""),
            )
        )
    return problems
