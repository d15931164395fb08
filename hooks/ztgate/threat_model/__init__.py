"""The threat-model gate: a markdown threat model that a linter proves complete and consistent."""
