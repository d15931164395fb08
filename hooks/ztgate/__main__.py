"""Entry point for `python -m ztgate`."""

from __future__ import annotations

from ztgate.cli import main

raise SystemExit(main())
