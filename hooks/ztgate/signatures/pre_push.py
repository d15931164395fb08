"""`ztgate pre-push`: the signed-commits gate as a plain git pre-push hook."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ztgate.signatures.gate import pre_push_main


def main(argv: Sequence[str] | None = None) -> int:
    return pre_push_main(argv)


if __name__ == "__main__":
    sys.exit(main())
