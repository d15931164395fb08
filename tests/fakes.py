"""Fake credentials built at run time from their vendors' documented formats.

Nothing here is a real key, and no test file holds a credential-shaped literal: ztgate's own
secrets gate runs on this repository.
"""

from __future__ import annotations

import base64
import random
import re
import string
import zlib

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


def fill(template: str, structured: bool = True) -> str:
    """Expand `{a36}` (36 base62), `{h32}` (hex), `{uuid}` ... into random characters; with
    ``structured``, vendor tokens get the checksum or encoding the vendor would issue them with
    (a near miss keeps its flaw: pass False)."""

    def expand(match: re.Match[str]) -> str:
        token = match.group(1)
        if token == "uuid":
            return uuid()
        return random_body(token[0], int(token[1:]))

    filled = re.sub(r"\{(uuid|[a-zA-Z]\d+)\}", expand, template)
    return with_valid_structure(filled) if structured else filled


# Vendors whose tokens carry their own structure: a fake of the right shape is given the right
# checksum or encoding too, as the vendor would issue it (ztgate drops the ones never issued).
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_CHECKSUMMED = re.compile(
    r"(?<![A-Za-z0-9])((?:gh[pousr]|npm)_)([A-Za-z0-9]{30})[A-Za-z0-9]{6}(?![A-Za-z0-9])"
)
_PYPI = re.compile(r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]*")


def crc32_base62(body: str) -> str:
    """GitHub's and npm's checksum: CRC32 of the random part, base62, six characters."""
    value = zlib.crc32(body.encode("ascii"))
    digits = ""
    while value:
        value, rest = divmod(value, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(6, "0")


def github_style(prefix: str, *, valid: bool = True) -> str:
    """`ghp_`/`npm_`... + 30 random + checksum (a wrong one when not ``valid``)."""
    body = random_body("a", 30)
    checksum = crc32_base62(body)
    if not valid:
        checksum = checksum[:-1] + ("A" if checksum[-1] != "A" else "B")
    return prefix + body + checksum


def _field(kind: int, data: bytes) -> bytes:
    assert len(data) < 128
    return bytes([kind, len(data)]) + data


def pypi_token(length: int = 0) -> str:
    """A PyPI API token: `pypi-` + base64url of a v2 macaroon from pypi.org (location,
    identifier, a caveat, a 32-byte signature), padded with caveats to about ``length``."""
    caveat = _field(2, b'{"version": 1, "permissions": "user"}') + b"\x00"
    body = (
        b"\x02" + _field(1, b"pypi.org") + _field(2, bytes(_rng.getrandbits(8) for _ in range(32)))
    )
    body += b"\x00" + caveat
    while len(base64.urlsafe_b64encode(body)) + 50 < length:
        body += caveat
    body += b"\x00" + _field(6, bytes(_rng.getrandbits(8) for _ in range(32)))
    return "pypi-" + base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")


def with_valid_structure(text: str) -> str:
    text = _CHECKSUMMED.sub(lambda m: m.group(1) + m.group(2) + crc32_base62(m.group(2)), text)
    return _PYPI.sub(lambda m: pypi_token(len(m.group(0))), text)


def aws_key_id() -> str:
    return "AKIA" + random_body("U", 16)
