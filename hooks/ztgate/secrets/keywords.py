"""One Aho-Corasick pass finds every keyword of every detector in a text.

Checking 400 keywords with `in` costs 400 scans of the text; the automaton does it in one,
and also yields each keyword's positions for detectors anchored on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick


@lru_cache(maxsize=8)
def automaton(keywords: frozenset[str]) -> ahocorasick.Automaton:
    machine = ahocorasick.Automaton()
    for keyword in keywords:
        machine.add_word(keyword, keyword)
    machine.make_automaton()
    return machine


def occurrences(lowered: str, keywords: Iterable[str]) -> dict[str, list[int]]:
    """Start offsets of each keyword found in ``lowered`` (already lowercased)."""
    found: defaultdict[str, list[int]] = defaultdict(list)
    for end, keyword in automaton(frozenset(keywords)).iter(lowered):
        found[keyword].append(end - len(keyword) + 1)
    return dict(found)
