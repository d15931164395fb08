"""Reading files to scan (binary, size, symlinks, encodings) and files that are secrets by name."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import PurePosixPath

_BINARY_SNIFF = 8192

# Files whose presence in a repo is a leak whatever they hold: name pattern -> what it is.
# `.pem`/`.key` count only when they hold a private key (certificates are public).
SECRET_FILE_NAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), what)
    for pattern, what in (
        (
            r"^\.env$|^\.env\.(?!(?:example|sample|template|dist|defaults?|schema)$)[\w.\-]+$",
            "dotenv file",
        ),
        (r"^id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)$", "SSH private key"),
        (r"\.(?:p12|pfx)$", "PKCS#12 keystore"),
        (r"\.(?:jks|keystore|bks)$", "Java keystore"),
        (r"\.kdbx?$", "KeePass database"),
        (r"\.ppk$", "PuTTY private key"),
        (r"^secring\.(?:gpg|kbx)$", "GnuPG secret keyring"),
        (r"^\.?(?:pgpass|netrc|_netrc|git-credentials)$", "credential store"),
        (r"^\.?htpasswd$", "password file"),
        (r"^credentials$", "cloud credentials file"),
        (
            r"^(?:application_default_credentials|client_secrets?|service[_\-]?account.*)\.json$",
            "cloud credentials file",
        ),
        (r"^terraform\.tfstate(?:\.backup)?$", "Terraform state (holds secrets in clear)"),
        (r"^\.?s3cfg$|^\.boto$|^\.dockercfg$", "cloud credentials file"),
    )
)
_CLOUD_CREDENTIAL_DIRS = {".aws", ".azure", ".config/gcloud", ".docker", ".kube", ".oci"}
_PRIVATE_KEY_MARK = re.compile(rb"-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY")
_KEY_EXTENSIONS = (".pem", ".key", ".der", ".crt")


@dataclass(frozen=True)
class FileText:
    """A file read for scanning; ``skipped`` says why there is no text."""

    text: str | None
    skipped: str | None = None
    decoded_with_replacement: bool = False


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:_BINARY_SNIFF]


def decode(data: bytes) -> tuple[str, bool]:
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def read_for_scan(path: str, max_size: int) -> FileText:
    """Read a working-tree file: symlinks are not followed, binaries and huge files skipped."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return FileText(None, "deleted")
    except OSError as error:
        return FileText(None, f"unreadable ({error.strerror})")
    if stat.S_ISLNK(info.st_mode):
        return FileText(None, "symlink (not followed)")
    if not stat.S_ISREG(info.st_mode):
        return FileText(None, "not a regular file")
    if info.st_size > max_size:
        return FileText(None, f"larger than {max_size} bytes")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError as error:
        return FileText(None, f"unreadable ({error.strerror})")
    return text_of_bytes(data, max_size)


def text_of_bytes(data: bytes, max_size: int) -> FileText:
    if len(data) > max_size:
        return FileText(None, f"larger than {max_size} bytes")
    if is_binary(data):
        return FileText(None, "binary")
    text, replaced = decode(data)
    return FileText(text, None, replaced)


def secret_file_kind(path: str, head: bytes | None) -> str | None:
    """What makes this path a secret file, or None. ``head`` is the start of its content."""
    posix = PurePosixPath(path.replace("\\", "/"))
    name = posix.name
    for pattern, what in SECRET_FILE_NAMES:
        if pattern.search(name):
            if what == "cloud credentials file" and name == "credentials":
                parent = str(posix.parent)
                if not any(parent.endswith(d) for d in _CLOUD_CREDENTIAL_DIRS):
                    continue
            return what
    if (
        name.lower().endswith(_KEY_EXTENSIONS)
        and head is not None
        and _PRIVATE_KEY_MARK.search(head)
    ):
        return "private key file"
    return None
