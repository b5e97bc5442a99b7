"""One reader for the ``--config`` files of the stage commands (TOML or JSON)."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from volltrack._errors import InputError

__all__ = ["read_settings_table"]


def read_settings_table(path: str | os.PathLike[str], section: str) -> dict[str, object]:
    """The settings table of a stage from a TOML or JSON file, as a plain dict.

    A TOML file holds the settings at its top level or in a ``[section]`` table (so a
    ``volltrack.toml`` pipeline file serves too). Any other file is read as JSON: an object of
    settings, or one whose ``"settings"`` member is that object (as in the ``params.json`` and
    ``segment.json`` files volltrack writes beside its outputs).

    Raises
    ------
    InputError
        A missing file, text that does not parse, or something other than a table of settings;
        one line naming the file.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such config file")
    try:
        text = p.read_text(encoding="utf-8")
        if p.suffix.lower() == ".toml":
            data: object = tomllib.loads(text)
            data = data.get(section, data)  # type: ignore[union-attr]
        else:
            data = json.loads(text)
            if isinstance(data, dict) and isinstance(data.get("settings"), dict):
                data = data["settings"]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{p}: cannot parse ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: expected a table of settings, got {type(data).__name__}")
    return data
