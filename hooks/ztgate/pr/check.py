"""Check a pull request's description against the repo's template and threat model."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ztgate.finding import Problem, Rule
from ztgate.masking import mask_secrets

if TYPE_CHECKING:
    from ztgate.policy import Policy

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
        Rule(
            "ZT409",
            "Changed component's trust boundary not named",
            "name in `Trust boundaries:` every boundary the changed components live in "
            "(the threat model at the base)",
        ),
        Rule(
            "ZT410",
            "Threat-model link is not a change in this pull request",
            "link the threat-model document this pull request changes, or write "
            "`No threat-model impact: <reason>`",
        ),
        Rule(
            "ZT411",
            "Threat-model change not linked",
            "the pull request changes the threat model: link the document in `Threat model:`",
        ),
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
# Words that fill a line without answering it, once the punctuation around them is cut.
_PLACEHOLDER_WORDS = re.compile(
    r"todo|tbd|tbc|wip|later|pending|will do|to do|see above|see below|same|"
    r"same as above|idk|unknown|yes|x|none|n/?a|no",
    re.I,
)
_FILLER = re.compile(r"[\W_]*")
_ANGLE = re.compile(r"\s*<[^<>]*>\s*")  # `<reason>`: the template's hole, not an answer


def _filler(text: str) -> int:
    """How many characters of punctuation and blanks ``text`` opens with."""
    found = _FILLER.match(text)
    return found.end() if found else 0


def _placeholder(value: str) -> bool:
    """`TODO`, `?`, `-`, `(n/a)`, `<reason>`: nothing, or a word that answers nothing.

    Punctuation is cut from both ends by two anchored scans: one pattern with filler on both
    sides of an optional word backtracks quadratically on a long run of punctuation."""
    if _ANGLE.fullmatch(value):
        return True
    start, end = _filler(value), _filler(value[::-1])
    core = value[start : len(value) - end]
    return not core or _PLACEHOLDER_WORDS.fullmatch(core) is not None


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
class Touched:
    """A component the diff changes (through `pr.components`) and where the model at the base
    puts it."""

    component: str  # as the threat model writes it
    boundaries: tuple[str, ...]  # ids, as written, of the boundaries it lives in
    paths: tuple[str, ...]  # the changed paths mapped to it


@dataclass(frozen=True)
class ModelView:
    """What the description is checked against: the threat model (at the base) and the diff."""

    # A boundary's id or name, lowercased -> its id as written. The base's boundaries, plus
    # the head's when the pull request changes the model (it may name what it adds).
    boundaries: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)  # id as written -> boundary name
    touched: tuple[Touched, ...] = ()
    documents: tuple[str, ...] = ()  # threat-model documents, at the base or the head
    changed: tuple[str, ...] | None = None  # those the diff changes; None: no diff known


@dataclass
class Section:
    title: str
    line: int
    text: list[str] = field(default_factory=list)
    labels: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, content: str, line: int) -> None:
        """A paragraph of the section, starting at ``line``: its text, and each `Label: value`
        line in it (the last of a label wins)."""
        for offset, raw in enumerate(content.split("\n")):
            label = _LABEL.match(raw)
            if label:
                key = _key(label.group(1))
                self.labels[_LABEL_KEYS.get(key, key)] = (label.group(2).strip(), line + offset)
        self.text.append(content)


@dataclass(frozen=True)
class Checkbox:
    text: str  # its words, as a key (`_key`)
    ticked: bool
    struck: bool  # the words struck through as a whole: "does not apply"
    line: int

    def answers(self, required: str) -> bool:
        """A ticked item may carry a note after the required words ("... (unit tests)"); a
        struck one is the required words struck whole ("~~...~~ (docs only)")."""
        if self.ticked and (self.text == required or self.text.startswith(required + " ")):
            return True
        return self.struck and self.text == required


@dataclass
class Document:
    sections: dict[str, Section]
    checkboxes: list[Checkbox]
    required_sections: list[str]
    required_boxes: list[str]


def _key(title: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w ]+", " ", title)).strip().lower()


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"])


def _required(text: str) -> tuple[list[str], list[str]]:
    """The template's sections and checkboxes marked `<!-- ztgate: required -->`, as keys: a
    mark on a checkbox's line requires the checkbox, any other the heading above it."""
    sections: list[str] = []
    boxes: list[str] = []
    heading: str | None = None
    for raw_line in text.split("\n"):
        if raw_line.lstrip().startswith("#"):
            heading = raw_line
        if "<!--" in raw_line and REQUIRED_MARK.search(raw_line):
            cleaned = strip_comments(raw_line).strip()
            box = _CHECKBOX.match(re.sub(r"^[-*+]\s+", "", cleaned))
            if box:
                boxes.append(_key(box.group(2)))
            elif heading:
                sections.append(_key(heading.lstrip("# ")))
    return sections, boxes


def _checkbox(content: str, line: int) -> Checkbox | None:
    """A paragraph that is a task-list item (`[x] ...`), its words struck through or not."""
    box = _CHECKBOX.match(content)
    if box is None:
        return None
    struck = _STRUCK.fullmatch(box.group(2).strip())
    item = struck.group(1) if struck else box.group(2)
    return Checkbox(_key(item), box.group(1) != " ", struck is not None, line)


def read(text: str) -> Document:
    """Sections, labelled lines and checkboxes; HTML comments count as nothing."""
    required_sections, required_boxes = _required(text)
    tokens = _markdown().parse(strip_comments(text))
    sections: dict[str, Section] = {}
    checkboxes: list[Checkbox] = []
    current: Section | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[index + 1].content.strip()
            current = Section(title, int(token.map[0]) + 1 if token.map else 1)
            sections.setdefault(_key(title), current)
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            line = int(token.map[0]) + 1 if token.map else 1
            content = token.content.strip()
            box = _checkbox(content, line)
            if box is not None:
                checkboxes.append(box)
            elif current is not None:
                current.add(content, line)
    return Document(sections, checkboxes, required_sections, required_boxes)


def _unanswered(section: Section, template: Section) -> list[str]:
    """The template's labels this section leaves out or leaves empty (`TODO`, `?`, `-`)."""
    missing = []
    for key in template.labels:
        value, _ = section.labels.get(key) or ("", 0)
        if key == "threat model" and not value:
            value, _ = section.labels.get("no threat model impact") or ("", 0)
        if not value or (_placeholder(value) and not _NONE.match(value)):
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


@dataclass(frozen=True)
class Expectations:
    """What the policy in force asks of a description, read from it in one place."""

    data_classes: frozenset[str]  # lowercased
    min_reason_length: int  # of a no-impact reason, when the change touches a component
    required_sections: tuple[str, ...] = ()  # besides the template's `ztgate: required`
    required_checkboxes: tuple[str, ...] = ()

    @classmethod
    def from_policy(cls, policy: Policy) -> Expectations:
        return cls(
            data_classes=frozenset(c.lower() for c in policy.threat_model.data_classes),
            min_reason_length=policy.pr.min_reason_length,
            required_sections=policy.pr.required_sections,
            required_checkboxes=policy.pr.required_checkboxes,
        )


def check(body: str, template_text: str, model: ModelView, expected: Expectations) -> list[Problem]:
    """The description against the template (its sections and checkboxes, and the policy's),
    then its security section against the threat model."""
    if not strip_comments(body).strip():
        return [Problem("ZT408", 1, "the description is empty")]
    template, document = read(template_text), read(body)
    problems = _sections(document, template, expected.required_sections)
    problems += _checkboxes(document, template, expected.required_checkboxes)
    security = _security_section(document, template)
    if security is not None:
        problems += _security(security, model, expected)
    return problems


def _sections(document: Document, template: Document, required: Sequence[str]) -> list[Problem]:
    """ZT401 and ZT402: the template's required sections, then the policy's, each present and
    filled."""
    wanted = dict.fromkeys([*template.required_sections, *map(_key, required)])
    found = (_section_problem(key, document, template) for key in wanted)
    return [problem for problem in found if problem is not None]


def _section_problem(key: str, document: Document, template: Document) -> Problem | None:
    section = document.sections.get(key)
    if section is None:
        title = template.sections[key].title if key in template.sections else key
        return Problem("ZT401", 1, f"section `{title}` is missing")
    filled, why = _filled(section, template.sections.get(key))
    if filled:
        return None
    message = f"section `{section.title}` is not filled" + (f": {why}" if why else "")
    return Problem("ZT402", section.line, message)


def _checkboxes(document: Document, template: Document, required: Sequence[str]) -> list[Problem]:
    """ZT403: each required checkbox (the template's, then the policy's) ticked or struck."""
    problems = []
    for text in dict.fromkeys([*template.required_boxes, *map(_key, required)]):
        candidates = [box for box in document.checkboxes if box.text.startswith(text)]
        if not any(box.answers(text) for box in candidates):
            line = candidates[0].line if candidates else 1
            problems.append(Problem("ZT403", line, f"`{text}` is not ticked"))
    return problems


def _security_section(document: Document, template: Document) -> Section | None:
    """The template's own security section, by its exact key: a decoy heading earlier in the
    body ("Security notes") must not stand in for it. Any security section when it is missing."""
    wanted_key = next((k for k in template.sections if "security" in k), "security")
    return document.sections.get(wanted_key) or next(
        (s for k, s in document.sections.items() if "security" in k), None
    )


def _security(section: Section, model: ModelView, expected: Expectations) -> list[Problem]:
    labels = section.labels
    value, line = labels.get("trust boundaries") or ("", section.line)
    problems = _boundaries(value, line, model)
    value, line = labels.get("data classes") or ("", section.line)
    for name in _names(value):
        if name.lower() not in expected.data_classes:
            problems.append(
                Problem(
                    "ZT405",
                    line,
                    f"data class `{mask_secrets(name)}` is not one of "
                    + ", ".join(sorted(expected.data_classes)),
                )
            )
    problems.extend(_threat_model(labels, section.line, model, expected.min_reason_length))
    return problems


def _names(value: str) -> list[str]:
    """`TB1, Payments VPC; none` -> the names, `none` and `n/a` left out."""
    return [n for n in (n.strip() for n in re.split(r"[,;]", value)) if n and not _NONE.match(n)]


def _boundaries(value: str, line: int, model: ModelView) -> list[Problem]:
    problems = []
    named: set[str] = set()
    for name in _names(value):
        identifier = model.boundaries.get(name.lower())
        if identifier is None:
            problems.append(
                Problem(
                    "ZT404",
                    line,
                    f"trust boundary `{mask_secrets(name)}` is not in the threat model",
                )
            )
        else:
            named.add(identifier.lower())
    for touched in model.touched:
        missing = [b for b in touched.boundaries if b.lower() not in named]
        if missing:
            shown = ", ".join(
                f"{b} ({model.names[b]})" if model.names.get(b, b) != b else b for b in missing
            )
            paths = ", ".join(touched.paths[:3]) + (" ..." if len(touched.paths) > 3 else "")
            lives = (
                f" (it lives in {', '.join(touched.boundaries)})"
                if len(missing) < len(touched.boundaries)
                else ""
            )
            problems.append(
                Problem(
                    "ZT409",
                    line,
                    f"the change touches {touched.component} ({paths}); `Trust boundaries:` "
                    f"leaves out {shown}{lives}",
                )
            )
    return problems


def _threat_model(
    labels: Mapping[str, tuple[str, int]],
    section_line: int,
    model: ModelView,
    min_reason_length: int,
) -> list[Problem]:
    """`Threat model:` links the model document the diff changes, or gives a no-impact reason
    (and none while the diff changes the model)."""
    answer, line = labels.get("threat model") or ("", section_line)
    no_impact = _no_impact(labels.get("no threat model impact"), answer, line)
    if no_impact is not None:
        reason, reason_line = no_impact
        return _judge_reason(reason, reason_line, model, min_reason_length)
    return _judge_link(answer, line, model)


def _no_impact(separate: tuple[str, int] | None, answer: str, line: int) -> tuple[str, int] | None:
    """The no-impact reason and its line: a `No threat model impact:` line of its own (unless
    left empty beside a real answer), else one written as the `Threat model:` answer."""
    if separate is not None and not (_placeholder(separate[0]) and answer):
        return separate
    said = _NO_IMPACT.match(answer)
    return (said.group(1).strip(), line) if said else None


def _judge_reason(
    reason: str, line: int, model: ModelView, min_reason_length: int
) -> list[Problem]:
    """ZT406 (no reason), ZT411 (the diff changes the model) or ZT407 (too short a reason for
    the components the diff touches)."""
    if _placeholder(reason):
        return [Problem("ZT406", line, "`No threat-model impact` needs a reason")]
    changed = model.changed or ()
    if changed:
        return [
            Problem(
                "ZT411",
                line,
                f"the pull request changes {', '.join(changed[:3])} but says it has no "
                "threat-model impact",
            )
        ]
    paths = [path for touched in model.touched for path in touched.paths]
    if paths and len(reason) < min_reason_length:
        return [
            Problem(
                "ZT407",
                line,
                f"the change touches {', '.join(paths[:3])} but the reason has "
                f"{len(reason)} characters (policy: {min_reason_length})",
            )
        ]
    return []


def _judge_link(answer: str, line: int, model: ModelView) -> list[Problem]:
    """ZT406 (no pointer at all) or ZT410 (a pointer, but not at a model change this diff
    makes, or no diff to show it)."""
    if not _LINK.search(answer):
        # `later`, `TODO`, `see above`: only a pointer to the change or a stated reason answers.
        return [
            Problem(
                "ZT406",
                line,
                "link or name the threat-model change, or write "
                "`No threat-model impact: <reason>`"
                + (f" (`{mask_secrets(answer)[:60]}` is neither)" if answer else ""),
            )
        ]
    named = linked_documents(answer, model.documents)
    if named and model.changed is None:
        return [
            Problem(
                "ZT410",
                line,
                f"`Threat model:` names {', '.join(named[:3])}, but the diff is not available "
                "to show this change edits it (pass --base COMMIT; in CI fetch the base)",
            )
        ]
    changed = model.changed or ()
    if named and any(document in changed for document in named):
        return []
    return [Problem("ZT410", line, f"`Threat model:` {_not_the_change(answer, named, model)}")]


def _not_the_change(answer: str, named: Sequence[str], model: ModelView) -> str:
    """Why a pointer is not the model change: the documents it names are not changed here, or
    it names no model document at all."""
    changed = model.changed or ()
    if named:
        return f"names {', '.join(named[:3])}, which this pull request does not change" + (
            f" (it changes {', '.join(changed[:3])})" if changed else ""
        )
    quoted = mask_secrets(answer)[:60]
    model_files = ", ".join(model.documents[:3]) or "none at the base"
    return f"points at `{quoted}`, not a threat-model document (model: {model_files})" + (
        f"; this pull request changes {', '.join(changed[:3])}: link it" if changed else ""
    )


# A token of an answer: a URL, a link target or a path, cut at spaces, brackets and quotes.
_TOKEN = re.compile(r"[^\s()<>\[\]`'\",;]+")


def linked_documents(answer: str, documents: Sequence[str]) -> list[str]:
    """The threat-model documents an answer points at: by path (`THREAT_MODEL.md`,
    `docs/tm/pay.md`) or by a URL or link ending in one (`.../blob/main/THREAT_MODEL.md#f2`)."""
    from urllib.parse import unquote

    by_name: dict[str, list[tuple[str, str]]] = {}  # file name -> (path lowercased, path)
    for document in documents:
        lowered = document.lower()
        by_name.setdefault(lowered.rsplit("/", 1)[-1], []).append((lowered, document))
    found: list[str] = []
    for token in _TOKEN.findall(answer):
        if "://" in token:  # the URL's path: what follows the host
            token = "/" + token.split("://", 1)[1].partition("/")[2]
        path = unquote(token.split("#", 1)[0].split("?", 1)[0]).rstrip(".:!").lower()
        path = path.removeprefix("./")
        for key, document in by_name.get(path.rsplit("/", 1)[-1], ()):
            if (path == key or path.endswith("/" + key)) and document not in found:
                found.append(document)
    return found
