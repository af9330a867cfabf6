"""Where the server's address and the token are kept: the user's config folder,
the file readable by its owner only (0600), as ssh and gh keep credentials."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

APP = "numpy-grader"


def config_dir() -> Path:
    """$XDG_CONFIG_HOME/numpy-grader (~/.config/... by default); the platform's own place on macOS and Windows."""
    if os.environ.get("XDG_CONFIG_HOME"):
        return Path(os.environ["XDG_CONFIG_HOME"]) / APP
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path.home() / ".config" / APP


def config_path() -> Path:
    return config_dir() / "config.json"


def load() -> dict:
    """{"url", "token"} from the file, each overridden by NUMPY_GRADER_URL / NUMPY_GRADER_TOKEN."""
    stored: dict = {}
    path = config_path()
    if path.exists():
        try:
            stored = json.loads(path.read_text())
        except (OSError, ValueError):
            stored = {}
    return {
        "url": os.environ.get("NUMPY_GRADER_URL") or stored.get("url", ""),
        "token": os.environ.get("NUMPY_GRADER_TOKEN") or stored.get("token", ""),
    }


def save(*, url: str, token: str) -> Path:
    """Write the file with mode 0600 from its creation (never briefly readable by others)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    if temporary.exists():
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": url, "token": token}, f)
    os.chmod(temporary, 0o600)  # whatever the umask made of it
    os.replace(temporary, path)
    return path
