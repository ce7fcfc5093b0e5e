"""The one error type of a bad configuration, shared by the model, the API and the CLI."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is invalid. The message names the key and the allowed values."""

    def __init__(self, key: str, allowed: str, value: object = None, unknown: bool = False):
        self.key = key
        self.allowed = allowed
        self.value = value
        if unknown:
            msg = f"unknown configuration key '{key}' (allowed: {allowed})"
        else:
            msg = f"invalid value for '{key}': {value!r} (allowed: {allowed})"
        super().__init__(msg)


class ContractError(RuntimeError):
    """A mechanism broke the plug-in contract (``docs/extending.md``): it wrote or rebound
    outcome-bearing state, or moved an issue through its lifecycle. The message names the
    mechanism, the hook and the field."""
