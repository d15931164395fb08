"""Worst-case inputs for regular expressions, and a linearity measure (test and bench helper).

A backtracking engine goes super-linear when one attempt can scan far and then fail, at many
start positions: a literal prefix repeated (`jdbc:mysql://` x 1000), a prefix followed by a long
run of the body's characters and no terminator, a long run of one class. ``worst_lines`` walks
a pattern's parse tree and builds such lines from its own literals and classes; ``growth_ratio``
times a function at n and k*n characters and returns the ratio (k for linear, k**2 quadratic).
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable, Iterator

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_MAX_VARIANTS = 6


def _class_char(items: list[tuple[object, object]]) -> str | None:
    """A character of a character class (`[...]`), preferring letters and digits."""
    negate = any(op is _c.NEGATE for op, _ in items)
    chars: list[str] = []
    for op, arg in items:
        if op is _c.LITERAL:
            chars.append(chr(arg))  # type: ignore[arg-type]
        elif op is _c.RANGE:
            low, high = arg  # type: ignore[misc]
            chars.extend(chr(c) for c in range(low, min(high, low + 60) + 1))
        elif op is _c.CATEGORY:
            chars.extend(
                {
                    _c.CATEGORY_DIGIT: "1",
                    _c.CATEGORY_WORD: "a1_",
                    _c.CATEGORY_SPACE: " ",
                    _c.CATEGORY_NOT_DIGIT: "a",
                    _c.CATEGORY_NOT_WORD: " -",
                    _c.CATEGORY_NOT_SPACE: "a1",
                }.get(arg, "a")  # type: ignore[call-overload]
            )
    if negate:
        for candidate in "aZ1_-.:/= ":
            if candidate not in chars:
                return candidate
        return None
    chars.sort(key=lambda ch: (not ch.isalnum(), ch))
    return chars[0] if chars else None


def _samples(tree: list[tuple[object, object]]) -> list[str]:
    """A few short strings matching ``tree`` (alternatives each, repeats at their minimum)."""
    results = [""]
    for op, arg in tree:
        options = _node_samples(op, arg)
        results = [a + b for a, b in itertools.product(results, options)][:_MAX_VARIANTS]
    return results


def _node_samples(op: object, arg: object) -> list[str]:
    if op is _c.LITERAL:
        return [chr(arg)]  # type: ignore[arg-type]
    if op is _c.NOT_LITERAL:
        return ["a" if arg != ord("a") else "b"]
    if op is _c.ANY:
        return ["a"]
    if op is _c.IN:
        char = _class_char(arg)  # type: ignore[arg-type]
        return [char] if char is not None else [""]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = arg  # type: ignore[misc]
        return [s * max(low, 1) for s in _samples(list(sub))] if low else [""]
    if op is _c.SUBPATTERN:
        return _samples(list(arg[-1]))  # type: ignore[index]
    if op is _c.BRANCH:
        out: list[str] = []
        for alternative in arg[1]:  # type: ignore[index]
            out.extend(_samples(list(alternative))[:2])
        return out[:_MAX_VARIANTS]
    if op is _c.GROUPREF:
        return ['"']
    return [""]  # anchors, lookarounds


def _runs(op: object, arg: object) -> list[str]:
    """Characters whose long run a node (a class, a repeat of one) would consume."""
    if op is _c.IN:
        char = _class_char(arg)  # type: ignore[arg-type]
        return [char] if char else []
    if op in (_c.NOT_LITERAL, _c.ANY):
        return _node_samples(op, arg)
    if op is _c.LITERAL:
        return [chr(arg)]  # type: ignore[arg-type]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        sub = list(arg[2])  # type: ignore[index]
        return _runs(*sub[0]) if len(sub) == 1 else [s for s in _samples(sub) if s][:2]
    if op is _c.SUBPATTERN:
        sub = list(arg[-1])  # type: ignore[index]
        return _runs(*sub[0]) if sub else []
    if op is _c.BRANCH:
        return [c for alt in arg[1] for c in (_runs(*alt[0]) if alt else [])][:4]  # type: ignore[index]
    return []


def _flatten(tree: list[tuple[object, object]]) -> Iterator[list[tuple[object, object]]]:
    """Sequences of nodes the pattern can start with: groups opened, each alternative."""
    for index, (op, arg) in enumerate(tree):
        if op is _c.SUBPATTERN:
            for inner in _flatten(list(arg[-1])):  # type: ignore[index]
                yield from _flatten(tree[:index] + inner + tree[index + 1 :])
            return
        if op is _c.BRANCH and index == 0:
            for alternative in arg[1]:  # type: ignore[index]
                yield from _flatten(list(alternative) + tree[1:])
            return
    yield tree


def units(pattern: str, flags: int = 0) -> list[str]:
    """Short strings whose repetition, or whose run of the next class, stresses ``pattern``:
    each literal prefix, each prefix plus a partial body, runs of each class."""
    tree = list(_p.parse(pattern, flags))
    found: dict[str, None] = {}
    for sequence in itertools.islice(_flatten(tree), 40):
        for cut in range(1, len(sequence) + 1):
            for prefix in _samples(sequence[:cut])[:3]:
                if prefix:
                    found[prefix] = None
                if cut < len(sequence):
                    for char in _runs(*sequence[cut])[:2]:
                        found[prefix + char * 40] = None
                        found[prefix + char] = None
        for op, arg in sequence:
            for char in _runs(op, arg)[:2]:
                found[char] = None
    return [u for u in found if u.strip() or u == " "]


def worst_lines(pattern: str, flags: int = 0, size: int = 10_000) -> Iterator[tuple[str, str]]:
    """(name, line) pairs of about ``size`` characters that stress ``pattern``."""
    for unit in units(pattern, flags):
        yield f"repeat {unit[:40]!r}", (unit * (size // len(unit) + 1))[:size]
        if len(unit) > 1:
            head, tail = unit[:-1], unit[-1]
            yield f"{head[:40]!r} + run of {tail!r}", head + tail * (size - len(head))


def _per_call(work: Callable[[], object], budget: float) -> float:
    """Seconds per call of ``work``, repeated until ``budget`` seconds have passed."""
    calls = 0
    start = time.perf_counter()
    while True:
        work()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return elapsed / calls


# 8x the input: linear costs ~8x, quadratic ~64x. The bound leaves room for a shared, noisy
# machine (timings under load vary by 2-3x) while a quadratic cost still fails clearly.
FACTOR = 8
LINEAR = 24.0


def growth_ratio(
    work: Callable[[str], object], line_of: Callable[[int], str], size: int, factor: int = FACTOR
) -> float:
    """time(factor * size) / time(size): ~factor when ``work`` is linear, factor**2 quadratic.

    The two sizes are measured in alternation, the best of five each, with the garbage
    collector off, so a burst of load on a shared machine slows both alike. A large run slower
    than quadratic growth would make it ends the measure early, so that a test of old,
    quadratic code fails in seconds rather than minutes."""
    small, large = line_of(size), line_of(size * factor)
    work(small)  # warm up caches and lazy compilation
    work(large)  # and whatever a run loads once it has read enough (the secrets prefilter)
    best_small = best_large = float("inf")
    gc.collect()
    gc.disable()  # a collection landing in one run would skew a ratio of small times
    try:
        for attempt in range(5):
            best_small = min(best_small, _per_call(lambda: work(small), 0.01))
            best_large = min(best_large, _per_call(lambda: work(large), 0.01 * factor))
            # Twice over quadratic (not once: a one-off stall, such as a cache being loaded,
            # must not end the measure on its own).
            if attempt and best_large > best_small * factor**2:
                break
    finally:
        gc.enable()
    return best_large / best_small


def scale(unit: str, size: int, *, run: bool = False) -> str:
    """``unit`` repeated to ``size`` characters, or (``run``) its last character repeated."""
    if run:
        head, tail = unit[:-1], unit[-1]
        return head + tail * max(size - len(head), 0)
    return (unit * (size // len(unit) + 1))[:size]
