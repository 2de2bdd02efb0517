"""`redline serve`: the game in a web browser, through textual-serve (the optional extra `web`).

Each browser tab that opens the page starts its own game process, which draws into the page instead
of a terminal. There is no login: by default only this machine can reach the server.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import subprocess
import sys
from pathlib import Path

from game import paths

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
INSTALL_HINT = ("install Red Line with its web extra ('.[web]' where you installed '.'), or add it to the "
                "installed game: pipx inject redline textual-serve, or pip install textual-serve")


def is_local(host: str) -> bool:
    """Whether only this machine can reach a server listening on `host`."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to an address others can reach


def exposure_warning(host: str, port: int) -> str | None:
    """The warning to give before listening beyond this machine; None for a local address."""
    if is_local(host):
        return None
    return (f"redline: warning: listening on {host}:{port}: anyone who can reach this machine there can play, "
            "and load and overwrite its saves; there is no login")


def game_command(saves: Path | None) -> str:
    """The shell command textual-serve runs for each browser session: this Python, this game, its title screen."""
    argv = [sys.executable, "-m", "game"]
    # the save folder reaches each game through the environment, which textual-serve hands on
    if saves is not None:
        os.environ[paths.SAVES_VARIABLE] = str(saves.resolve())
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def serve(host: str, port: int, saves: Path | None, public_url: str | None) -> int:
    """Serve the game until interrupted; the exit code of `redline serve`."""
    try:
        from textual_serve.server import Server
    except ImportError:
        print(f"redline: error: 'redline serve' needs textual-serve; {INSTALL_HINT}", file=sys.stderr)
        return 2
    if saves is not None:
        try:
            paths.make_folder(saves)
        except paths.FolderError as error:
            print(f"redline: error: save folder: {error}", file=sys.stderr)
            return 2
    warning = exposure_warning(host, port)
    if warning is not None:
        print(warning, file=sys.stderr)
    server = Server(game_command(saves), host=host, port=port, title="Red Line", public_url=public_url)
    try:
        server.serve()
    except OSError as error:
        print(f"redline: error: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 2
    return 0
