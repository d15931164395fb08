"""Every detector we ship, gathered from one module per category."""

from __future__ import annotations

from ztgate.secrets.catalog import (
    ai,
    cloud,
    commands,
    comms,
    configs,
    connections,
    data,
    devtools,
    generic,
    hashes,
    payments,
    saas,
    services,
)
from ztgate.secrets.detectors import Detector

ALL_DETECTORS: tuple[Detector, ...] = (
    *cloud.DETECTORS,
    *devtools.DETECTORS,
    *ai.DETECTORS,
    *comms.DETECTORS,
    *payments.DETECTORS,
    *data.DETECTORS,
    *saas.DETECTORS,
    *generic.DETECTORS,
    *connections.DETECTORS,
    *hashes.DETECTORS,
    *configs.DETECTORS,
    *commands.DETECTORS,
    *services.DETECTORS,
)
