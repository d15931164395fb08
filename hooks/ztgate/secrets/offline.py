"""detect-secrets without `requests`: ztgate never verifies a secret online, so the HTTP client
its plugins import for that (a third of a scan's start-up) is never loaded.

detect-secrets' plugin modules `import requests` at the top and touch it only in their
`verify` methods (and in a few return annotations, read when a function is defined). While
they are imported, `requests` resolves to a stand-in whose calls refuse to go online; the
stand-in is then withdrawn from `sys.modules`, so any other code importing `requests` in the
same process gets the real one. Every detect-secrets module keeps the stand-in, even where
the real `requests` was loaded first: a baseline whose filters ask for verification
(`is_ignored_due_to_verification_policies`) must never send a secret to its vendor. A refused
call raises the stand-in's `RequestException`, which detect-secrets reads as "could not
verify" (the secret stays reported), as it would with no network.
"""

from __future__ import annotations

import sys
import types
from typing import Any, NoReturn


class _RequestException(Exception):
    pass


class OfflineError(_RequestException):
    """A detect-secrets plugin tried to reach the network (ztgate never verifies online)."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise OfflineError("ztgate scans offline: detect-secrets' online verification is not used")


class _Offline(types.ModuleType):
    """`requests` as detect-secrets' plugins see it: names resolve, calls refuse."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _refuse


def _stand_in() -> types.ModuleType:
    module = _Offline("requests")
    exceptions = types.ModuleType("requests.exceptions")
    exceptions.RequestException = _RequestException  # type: ignore[attr-defined]
    module.exceptions = exceptions  # type: ignore[attr-defined]
    module.Response = type("Response", (), {})  # type: ignore[attr-defined]
    module.__ztgate_offline__ = True  # type: ignore[attr-defined]
    return module


_STAND_IN = _stand_in()
_swept = [0]  # the size of sys.modules at the last sweep: new modules mean a new sweep


def import_detect_secrets() -> None:
    """Import detect-secrets' plugins and filters, with `requests` left unloaded, and make
    sure none of its modules can reach the network (cheap: call it before every use)."""
    if "detect_secrets.core.plugins.util" not in sys.modules:
        replaced = "requests" not in sys.modules
        if replaced:
            sys.modules["requests"] = _STAND_IN
        try:
            import detect_secrets.core.plugins.util
            import detect_secrets.core.scan
            import detect_secrets.filters.allowlist
            import detect_secrets.filters.heuristic
            import detect_secrets.settings
            import detect_secrets.util.code_snippet

            detect_secrets.core.plugins.util.get_mapping_from_secret_type_to_class()
        finally:
            if replaced and sys.modules.get("requests") is _STAND_IN:
                del sys.modules["requests"]
    if len(sys.modules) == _swept[0]:
        return
    _swept[0] = len(sys.modules)
    for name, module in list(sys.modules.items()):
        if name.startswith("detect_secrets.") and getattr(module, "requests", None) not in (
            None,
            _STAND_IN,
        ):
            module.requests = _STAND_IN  # type: ignore[attr-defined]
