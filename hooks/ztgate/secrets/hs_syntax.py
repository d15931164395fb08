"""A Python pattern in Hyperscan's syntax, matching at least what Python's `re` matches, and
the bytes Hyperscan reads for a text.

Hyperscan reads bytes; Python's `re` reads characters. A text reaches Hyperscan one byte per
character, so every offset stays a character's: an ASCII character as itself, any other as
one stand-in byte, `\\xff` (``text_bytes``). Where a pattern could match a non-ASCII character,
its Hyperscan form matches the stand-in too (``hs_expression``): `\\w`, `\\s` and `\\d` (which
match letters, blanks and digits of every script in Python), a non-ASCII character, a class
that holds them (or, negated, leaves them out). `\\b` and `\\B` are dropped: beside a stand-in
Hyperscan cannot tell a letter from a blank (an assertion less only widens). The one thing a
stand-in cannot carry is case: the four characters Python's caseless matching (or `lower()`)
takes for an ASCII letter (the dotted and dotless i, the long s, the Kelvin sign) send their
text to the pure-Python path, and a pattern naming one is refused (it then always may match).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

STANDIN = "\\xff"  # the byte Hyperscan sees for every non-ASCII character, in pattern syntax

# Python's caseless matching takes these for ASCII letters (`\u0130` and `\u0131` for `i`,
# `\u017f` for `s`, `\u212a` for `k`), and `lower()` turns two of them into ASCII:
# tests/secrets/test_hs_syntax.py checks the list against every code point.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_FOLDS = re.compile(f"[{FOLDS_TO_ASCII}]")

_TO_STANDIN = bytes(range(0x80)) + b"\xff" * 0x80  # a byte: ASCII as itself, above the stand-in
_NONZERO = b"\x00" + b"\xff" * 0xFF
_CHUNK = 1 << 20  # characters converted at a time: memory stays a few times this


def text_bytes(text: str) -> bytes | None:
    """``text`` as Hyperscan reads it: one byte per character, every non-ASCII one `\\xff`;
    None when it holds a character that case folding takes for an ASCII letter."""
    if text.isascii():
        return text.encode("ascii")
    return None if _FOLDS.search(text) else standin_bytes(text)


def standin_bytes(text: str) -> bytes:
    """One byte per character: ASCII as itself, any other character the stand-in."""
    return b"".join(_standin_chunk(text[at : at + _CHUNK]) for at in range(0, len(text), _CHUNK))


def _standin_chunk(text: str) -> bytes:
    """In a few passes of C, whatever the text (no call per character or per run of them): a
    character's four UTF-32 bytes give its low byte (ASCII or the stand-in) and whether any
    higher byte is set (then the stand-in); a lone surrogate is a character like any other."""
    raw = text.encode("utf-32-le", "surrogatepass")
    low = int.from_bytes(raw[0::4].translate(_TO_STANDIN), "little")
    high = int.from_bytes(raw[1::4].translate(_NONZERO), "little")
    high |= int.from_bytes(raw[2::4].translate(_NONZERO), "little")
    return (low | high).to_bytes(len(text), "little")


def keyword_expression(keyword: str) -> str:
    """An exact literal: ASCII letters and digits as they are, other ASCII characters
    escaped, any other character the stand-in (a match is checked again in Python)."""
    return "".join(
        (c if c.isalnum() else f"\\x{ord(c):02x}") if c.isascii() else STANDIN for c in keyword
    )


_REPEAT = re.compile(r"\{(\d*),(\d*)\}")
_WIDEST_KEPT = 16  # bounded repeats wider than this become open-ended: cheaper to compile
_HEX = re.compile(r"[0-9a-fA-F]+")
_OCTAL = re.compile(r"[0-3][0-7]{2}")
# Shorthand classes that match non-ASCII characters in Python, and their complements.
_WIDE_SHORTHANDS = "wsd"
_NARROW_SHORTHANDS = "WSD"


def hs_expression(regex: str, *, exact: bool = False) -> str:
    """``regex`` in a form Hyperscan compiles, matching a superset of what it matches (on
    ASCII text, and on any other text as ``text_bytes`` gives it):

    - a non-ASCII character (written or escaped) becomes the stand-in byte; `\\w`, `\\s`,
      `\\d`, and a class that holds them or a non-ASCII member (negated: that leaves them
      out), also match the stand-in; `\\b` and `\\B` are dropped (``exact`` too: the value
      shapes' ends only pick the lines to search again);
    - `{,n}` and `{,}` (Python's `{0,n}` and `*`, literals to Hyperscan) are spelled `{0,n}`
      and `{0,}`; a `[` inside a class (a member to Python, a POSIX class to Hyperscan) is
      escaped; `\\v` (the vertical tab to Python, every line end to Hyperscan) becomes `\\x0b`;
      a comment (`(?#...)`, which to Python a `\\)` does not end) is dropped, and a control
      character written as it is (a NUL would end the C string Hyperscan reads) escaped;
    - unless ``exact`` (a pattern whose every match is reported as written), a `^` after the
      start and a `$` before the end are dropped (Hyperscan refuses them there), and a bounded
      repeat wider than 16 (`{0,400}`) becomes open-ended (much cheaper to compile).

    A character that case folding takes for an ASCII letter is left as a `\\u` escape, which
    Hyperscan refuses: the pattern then always may match."""
    return _Rewriter(regex, exact).run()


@dataclass
class _Class:
    """A class being copied: where it starts in the output, and whether it must also match
    the stand-in (Hyperscan's `[...]` would not where Python's matches a non-ASCII one)."""

    start: int
    negated: bool
    wide: bool = False


@dataclass
class _Rewriter:
    regex: str
    exact: bool
    out: list[str] = field(default_factory=list)
    at: int = 0
    klass: _Class | None = None
    low: int | None = None  # in a class: the code of the last member, when it is one a `-`
    # after it would make the start of a range
    range_low: int | None = None  # in a class, after a range's `-`: the code of its start

    def run(self) -> str:
        while self.at < len(self.regex):
            if self.klass is not None:
                self._in_class(self.klass)
            else:
                self._outside()
        return "".join(self.out)

    def _outside(self) -> None:
        regex, at = self.regex, self.at
        c = regex[at]
        if c == "\\":
            self._escape_outside()
        elif regex.startswith("(?#", at):
            self._comment()
        elif c == "[":
            self._class_start()
        elif not self.exact and ((c == "^" and at > 0) or (c == "$" and at < len(regex) - 1)):
            self.at += 1
        elif c == "{" and (repeat := _REPEAT.match(regex, at)):
            low, high = int(repeat.group(1) or 0), repeat.group(2)
            open_ended = not high or (not self.exact and int(high) - low > _WIDEST_KEPT)
            self.out.append(f"{{{low},}}" if open_ended else f"{{{low},{high}}}")
            self.at = repeat.end()
        elif not c.isprintable() or not c.isascii():
            self._character(ord(c), 1, None)
        else:
            self.out.append(c)
            self.at += 1

    def _escape_outside(self) -> None:
        escaped = self.regex[self.at + 1 : self.at + 2]
        coded = _coded_escape(self.regex, self.at)
        if coded is not None:
            self._character(*coded, None)
        elif escaped in _WIDE_SHORTHANDS and escaped:
            self.out.append(f"[\\{escaped}{STANDIN}]")
            self.at += 2
        elif escaped in ("b", "B") and escaped:
            self.at += 2
        else:
            self.out.append(self.regex[self.at : self.at + 2])
            self.at += 2

    def _comment(self) -> None:
        """Drop a comment: to Python it ends at the first `)` not escaped (Hyperscan would end
        it at the first `)`, and the rewrite must not take a `[` in it for a class)."""
        end = self.at + 3
        while end < len(self.regex) and self.regex[end] != ")":
            end += 2 if self.regex[end] == "\\" else 1
        self.at = end + 1

    def _class_start(self) -> None:
        """Copy a class's opening (`[`, `[^`, and a `]` right after them, which is a member)."""
        regex, end = self.regex, self.at + 1
        negated = regex[end : end + 1] == "^"
        end += negated
        if regex[end : end + 1] == "]":
            end += 1
        self.klass = _Class(len(self.out), negated)
        self.out.append(regex[self.at : end])
        self.low = ord("]") if regex[end - 1] == "]" and end - self.at > 1 + negated else None
        self.range_low = None
        self.at = end

    def _in_class(self, klass: _Class) -> None:
        c = self.regex[self.at]
        if c == "]":
            self._class_end(klass)
            return
        if c == "\\":
            self._escape_in_class(klass)
            return
        if not c.isprintable() or not c.isascii():
            self._character(ord(c), 1, self._range_low(1))
            return
        self.out.append("\\[" if c == "[" else c)
        self.at += 1
        if c == "-" and self.low is not None and self.regex[self.at : self.at + 1] != "]":
            self.range_low, self.low = self.low, None  # a range's `-`, as Python reads it
        else:
            self._member(ord(c))

    def _escape_in_class(self, klass: _Class) -> None:
        escaped = self.regex[self.at + 1 : self.at + 2]
        coded = _coded_escape(self.regex, self.at)
        if coded is not None:
            self._character(*coded, self._range_low(coded[1]))
            return
        if escaped and escaped in (_NARROW_SHORTHANDS if klass.negated else _WIDE_SHORTHANDS):
            klass.wide = True
        self.out.append(self.regex[self.at : self.at + 2])
        self.at += 2
        # A shorthand, or a letter or digit escape (codes below `A`): no range to look into.
        self._member(None if escaped.isalnum() or not escaped else ord(escaped))

    def _member(self, code: int | None) -> None:
        """Note a class member just copied (``code`` None: a shorthand, or one whose code does
        not matter): a range's end starts no other range, a single member may."""
        if self.range_low is not None or code is None:
            self.low = self.range_low = None
        else:
            self.low = code

    def _class_end(self, klass: _Class) -> None:
        if klass.wide:
            self.out.insert(klass.start, "(?:")
            self.out.append(f"]|{STANDIN})")
        else:
            self.out.append("]")
        self.klass = None
        self.low = self.range_low = None
        self.at += 1

    def _range_low(self, width: int) -> int | None:
        """In a class: the low end of the range the member at ``at`` (``width`` long) ends;
        -1 when it starts one; None when it stands alone."""
        if self.range_low is not None:
            return self.range_low
        following = self.regex[self.at + width : self.at + width + 2]
        return -1 if following[:1] == "-" and following != "-]" else None

    def _character(self, code: int, width: int, range_low: int | None) -> None:
        """One character (``width`` long in the pattern): ASCII as an escape, another the
        stand-in, one case folding takes for an ASCII letter left for Hyperscan to refuse."""
        if code >= 0x80 and self.klass is not None and self.klass.negated:
            self.klass.wide = True
        if code < 0x80:
            self.out.append(f"\\x{code:02x}")
        elif not _folds(code, range_low, self.regex, self.at + width):
            self.out.append(STANDIN)
        else:
            self.out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        self.at += width
        if self.klass is not None:
            self._member(code)


def _coded_escape(regex: str, at: int) -> tuple[int, int] | None:
    """(code, width) of the escape at ``at`` when it names one character by its code (`\\x41`,
    `\\u00e9`, `\\U0001f600`, octal `\\101`), is `\\v` (Hyperscan's differs) or escapes a
    non-ASCII one; else None."""
    kind = regex[at + 1 : at + 2]
    if kind == "v":
        return 0x0B, 2
    for letter, digits in (("x", 2), ("u", 4), ("U", 8)):
        if kind == letter and _HEX.fullmatch(regex, at + 2, at + 2 + digits):
            return int(regex[at + 2 : at + 2 + digits], 16), 2 + digits
    if _OCTAL.match(regex, at + 1):
        return int(regex[at + 1 : at + 4], 8), 4
    if kind and not kind.isascii():
        return ord(kind), 2
    return None


def _folds(code: int, range_low: int | None, regex: str, after: int) -> bool:
    """Whether Python's caseless matching could take ``code`` (or, as a range's end, a
    character of its range) for an ASCII letter the stand-in would not stand for."""
    if code < 0x80:
        return False
    folds = _ascii_folds()
    if range_low is None:
        return code in folds
    if range_low < 0:  # starts a range: up to its high end
        high = _range_high(regex, after + 1)
        return high is None or any(code <= f <= high for f in folds)
    return any(
        max(range_low, 0x80) <= f <= code and range_low > ord(target) for f, target in folds.items()
    )


def _range_high(regex: str, at: int) -> int | None:
    """The code of the class member at ``at`` (a range's high end); None when unknown."""
    if regex[at : at + 1] == "\\":
        coded = _coded_escape(regex, at)
        if coded is not None:
            return coded[0]
        escaped = regex[at + 1 : at + 2]
        return ord(escaped) if escaped and not escaped.isalnum() else None
    return ord(regex[at]) if at < len(regex) else None


@lru_cache(maxsize=1)
def _ascii_folds() -> dict[int, str]:
    """The characters Python's caseless matching takes for an ASCII letter, each with that
    letter in lowercase."""
    return {
        ord(c): next(a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, c, re.I))
        for c in FOLDS_TO_ASCII
        if re.fullmatch("[a-z]", c, re.I)
    }
