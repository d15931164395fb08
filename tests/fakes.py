"""Fake credentials built at run time from their vendors' documented formats.

Nothing here is a real key, and no test file holds a credential-shaped literal: ztgate's own
secrets gate runs on this repository.
"""

from __future__ import annotations

import random
import re
import string

_rng = random.Random()


def seed(value: str) -> None:
    _rng.seed(value)


_CLASSES = {
    "a": string.ascii_letters + string.digits,  # base62
    "h": "0123456789abcdef",  # lowercase hex
    "H": "0123456789ABCDEF",
    "l": string.ascii_letters,
    "L": string.ascii_lowercase + string.digits,
    "U": string.ascii_uppercase + string.digits,
    "d": string.digits,
    "w": string.ascii_letters + string.digits + "_",
    "b": string.ascii_letters + string.digits + "+/",
    "u": string.ascii_letters + string.digits + "_-",
    "z": string.ascii_lowercase + "234567",  # base32, lowercase
    "Z": string.ascii_uppercase + "234567",
    # bech32, the alphabet of age keys
    "B": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",  # pragma: allowlist secret
}


def random_body(kind: str, length: int) -> str:
    """`length` random characters of a class; every run differs, digits and letters mixed."""
    alphabet = _CLASSES[kind]
    mixed = any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)
    while True:
        body = "".join(_rng.choice(alphabet) for _ in range(length))
        # Real random bodies of this length hold letters and digits; draw until this one does.
        if (
            mixed
            and length >= 12
            and not (any(c.isdigit() for c in body) and any(c.isalpha() for c in body))
        ):
            continue
        if not re.search(r"(.)\1\1", body):
            return body


def uuid() -> str:
    h = lambda n: random_body("h", n)  # noqa: E731
    return f"{h(8)}-{h(4)}-4{h(3)}-a{h(3)}-{h(12)}"


def fill(template: str) -> str:
    """Expand `{a36}` (36 base62), `{h32}` (hex), `{uuid}` ... into random characters."""

    def expand(match: re.Match[str]) -> str:
        token = match.group(1)
        if token == "uuid":
            return uuid()
        return random_body(token[0], int(token[1:]))

    return re.sub(r"\{(uuid|[a-zA-Z]\d+)\}", expand, template)


def aws_key_id() -> str:
    return "AKIA" + random_body("U", 16)
