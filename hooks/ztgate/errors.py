"""The one exception type for input the user must fix; the CLI turns it into exit 2."""

from __future__ import annotations

from ztgate.masking import mask_secrets


class UserError(Exception):
    """Bad input or configuration: reported as one line, exit code 2, no traceback.

    ``where`` is ``path`` or ``path:line`` so the message points at what to fix.
    """

    def __init__(self, message: str, where: str | None = None, fix: str | None = None) -> None:
        self.message = message
        self.where = where
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message, the place and the fix, with anything credential-like masked: a policy
        key or a description can quote a pasted token."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        return mask_secrets(f"{text} ({self.fix})" if self.fix else text)
