"""The player's settings (colour theme, key bindings, the dashboard shown or folded away): a small TOML file
in the user's config folder, read when the game starts and written when the player changes a setting in the game."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import tomli

from game.safetext import shown

HEADER = (
    "# Red Line's settings. The game writes this file when you change a setting in it; you may edit it too.\n"
    '# theme = "crisis-room" or "situation-day" (or any theme of the command palette\'s "Change theme")\n'
    "# analyst = false turns the analyst's odds off, for a pure game\n"
    "# leanings = false hides which way each choice is expected to push the meters (l in the game)\n"
    '# dashboard = "folded" (the brief takes the whole width; d in the game folds and unfolds it), "shown", or\n'
    '# "auto" (folded in a terminal narrower than 96 columns, where the brief needs the room)\n'
    "# [keys]: binding id = the keys for it, comma-separated, e.g. quit = \"ctrl+x\", choose_1 = \"1,a\"\n"
    "# (the in-game Keys screen lists every binding id).\n\n"
)
#: a binding id as Textual writes them (letters, digits, underscores, dots)
_BINDING_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
DASHBOARD_STATES = ("auto", "shown", "folded")
#: below this many columns an "auto" dashboard starts folded: the brief needs the width more
AUTO_FOLD_BELOW = 96


@dataclass(frozen=True)
class Settings:
    """What the player chose; None and an empty mapping mean the game's defaults."""

    theme: str | None = None
    #: binding id -> the keys that trigger it, comma-separated ("f1", "1,a")
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: False: a pure game, the analyst's odds are not offered
    analyst: bool = True
    #: whether the choices show their leanings (None: the default, shown)
    leanings: bool | None = None
    #: "folded" when the player has folded the situation room's dashboard away, "shown" when they brought
    #: it back, "auto" until they do either (folded only in a narrow terminal)
    dashboard: str = "auto"

    def dashboard_folded(self, width: int) -> bool:
        """Whether the dashboard starts folded in a terminal `width` columns wide."""
        return self.dashboard == "folded" or (self.dashboard == "auto" and width < AUTO_FOLD_BELOW)

    def with_dashboard(self, folded: bool) -> Settings:
        return replace(self, dashboard="folded" if folded else "shown")

    def with_theme(self, theme: str) -> Settings:
        return replace(self, theme=theme)

    def with_leanings(self, shown: bool) -> Settings:
        return replace(self, leanings=shown)

    def with_keys(self, binding: str, keys: str | None) -> Settings:
        """These settings with the keys of one binding set, or back to its default with None."""
        changed = {ident: value for ident, value in self.keys.items() if ident != binding}
        if keys is not None:
            changed[binding] = keys
        return replace(self, keys=MappingProxyType(dict(sorted(changed.items()))))


class SettingsError(Exception):
    """The settings file cannot be used; the message says where and what, in one line."""


def parse_settings(text: str, themes: Collection[str] | None = None) -> Settings:
    """Settings from the text of a settings file; SettingsError on the first problem.

    With `themes`, a theme that is not one of them is a problem too.
    """
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise SettingsError(f"not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"theme", "keys", "analyst", "leanings", "dashboard"})
    if unknown:
        raise SettingsError(f"unknown setting '{unknown[0]}' (the settings are: theme, keys, analyst, leanings, "
                            "dashboard)")
    analyst = data.get("analyst", True)
    if not isinstance(analyst, bool):
        raise SettingsError(f"analyst must be true or false, not {analyst!r}")
    leanings = data.get("leanings")
    if leanings is not None and not isinstance(leanings, bool):
        raise SettingsError(f"leanings must be true or false, not {leanings!r}")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise SettingsError(f"theme must be a name in quotes, not {theme!r}")
    if theme is not None and themes is not None and theme not in themes:
        raise SettingsError(f"unknown theme '{theme}' (the themes are: {', '.join(sorted(themes))})")
    dashboard = data.get("dashboard", "auto")
    if dashboard not in DASHBOARD_STATES:
        raise SettingsError(f"dashboard must be \"auto\", \"shown\" or \"folded\", not {dashboard!r}")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise SettingsError("keys must be a table: [keys] with lines like quit = \"ctrl+x\"")
    for ident, value in keys.items():
        if not _BINDING_ID.fullmatch(ident):
            raise SettingsError(f"keys: '{ident}' is not a binding id")
        if not isinstance(value, str) or not [key for key in value.split(",") if key.strip()]:
            raise SettingsError(f"keys.{ident} must be keys in quotes, comma-separated, e.g. \"ctrl+x\" or \"1,a\"")
    return Settings(theme, MappingProxyType({ident: str(value) for ident, value in sorted(keys.items())}),
                    analyst=analyst, leanings=leanings, dashboard=dashboard)


def read_settings(path: Path, themes: Collection[str] | None = None) -> tuple[Settings, str | None]:
    """The settings in the file (the defaults when there is none yet), and None; or, when the file cannot be
    used, the defaults and one line saying where and what is wrong."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
    else:
        try:
            return parse_settings(raw.decode("utf-8"), themes), None
        except UnicodeDecodeError:
            problem = "not UTF-8 text"
        except SettingsError as error:
            problem = str(error)
    # the problem may quote the file: shown safely, on one line
    return Settings(), shown(f"{path}: {problem}; using the default settings")


def settings_text(settings: Settings) -> str:
    """The settings file for these settings."""
    import tomli_w  # only when the player changes a setting, not at every start

    data: dict[str, object] = {}
    if settings.theme is not None:
        data["theme"] = settings.theme
    if not settings.analyst:
        data["analyst"] = False
    if settings.leanings is not None:
        data["leanings"] = settings.leanings
    if settings.dashboard != "auto":
        data["dashboard"] = settings.dashboard
    if settings.keys:
        data["keys"] = dict(settings.keys)
    return HEADER + tomli_w.dumps(data)


def write_settings(path: Path, settings: Settings) -> None:
    """Write the settings file whole or not at all, making its folder if need be; WriteError or OSError when
    it cannot be."""
    from game.files import write_file

    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, settings_text(settings).encode("utf-8"))
