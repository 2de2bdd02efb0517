"""`redline serve`: the game played in a real headless browser, by keys, as a player would; and the
server's guard rails (local by default, a warning beyond, one line when it cannot start)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from game.engine import Engine
from game.loader import load_scenario
from game.paths import scenario_folder
from game.serve import exposure_warning, is_local

ROOT = Path(__file__).resolve().parent.parent
SEED = 7

# xterm.js keeps what the page shows in its Terminal object, drawn on a canvas; the page does not hand that
# object out, so this script, run before the page's own, keeps each Terminal as it is made (its constructor
# sets `_core`) for the test to read the rows from.
KEEP_TERMINALS = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "_core", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "_core", {value, writable: true, configurable: true, enumerable: true});
    if (typeof this.loadAddon === "function") window.__terminals.push(this);
  },
});
"""
READ_SCREEN = """
const term = window.__terminals[0];
if (!term) return "";
const rows = [];
for (let y = 0; y < term.rows; y++) {
  const line = term.buffer.active.getLine(y);
  rows.push(line ? line.translateToString(true) : "");
}
return rows.join("\\n");
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def browser() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why the browser test cannot run here."""
    try:
        import selenium  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError as error:
        return f"needs the test and web extras ({error.name} is not installed)"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        return "no headless browser: install chromium and chromedriver (Debian: chromium chromium-driver)"
    return chromium, driver


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`redline serve` on a free local port, with its own save and config folders; (URL, save folder)."""
    port = free_port()
    saves = tmp_path / "saves"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-m", "game", "serve", "--port", str(port), "--saves", str(saves)],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the server stopped: {process.communicate()[0]}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start listening in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/", saves
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(read: Callable[[], str], wanted: Callable[[str], bool], what: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    text = read()
    while not wanted(text):
        assert time.monotonic() < deadline, f"the page never showed {what}; it shows:\n{text}"
        time.sleep(0.25)
        text = read()
    return text


def test_a_game_in_a_headless_browser_reaches_the_first_decision_by_keys(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    found = browser()
    if isinstance(found, str):
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {found}")
        pytest.skip(found)
    chromium, chromedriver = found
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, saves = server
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic", "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'browser'}",
                 # the page asks for a web font; nothing may leave the machine, so no name resolves but this one
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINALS})
        driver.get(url)

        def screen() -> str:
            text: str = driver.execute_script(READ_SCREEN)
            return text

        title = wait_for(screen, lambda text: "R E D   L I N E" in text and "New game" in text, "the title screen")
        assert "Continue" in title and "Load a saved game" in title
        driver.find_element(By.ID, "terminal").click()
        keys = ActionChains(driver)
        keys.send_keys("n").perform()
        wait_for(screen, lambda text: "Seed (blank for a random one)" in text, "the new game dialog")
        keys.send_keys(str(SEED), Keys.ENTER).perform()
        wait_for(screen, lambda text: f"seed {SEED}" in text.lower(), "the intro")
        keys.send_keys(Keys.ENTER).perform()

        engine = Engine(load_scenario(scenario_folder(None)))
        decision = engine.decision(engine.new_game(SEED))
        assert decision is not None
        title_shown = decision.event.title
        shown = wait_for(screen, lambda text: title_shown in text, f"the first decision ({title_shown})")
        first_choice = decision.choices[0].label
        assert first_choice[:30] in shown, shown
        driver.save_screenshot(str(tmp_path / "first-decision.png"))

        keys.send_keys("1").perform()
        deadline = time.monotonic() + 30
        while not list(saves.glob("autosave-*.json")):
            assert time.monotonic() < deadline, "taking a choice in the browser wrote no autosave"
            time.sleep(0.25)
    finally:
        driver.quit()


@pytest.mark.parametrize(("host", "local"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                             ("[::1]", True), ("127.0.0.2", True), ("0.0.0.0", False),
                                             ("192.168.1.20", False), ("::", False), ("example.org", False)])
def test_only_loopback_counts_as_local(host: str, local: bool) -> None:
    assert is_local(host) is local
    warning = exposure_warning(host, 8000)
    assert (warning is None) is local
    if warning is not None:
        assert warning.startswith("redline: warning: ") and "no login" in warning and "\n" not in warning


def test_the_server_listens_on_this_machine_only_unless_told() -> None:
    from game.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path, host: str) -> None:
    """(Beyond this machine, the warning comes first; the port taken here keeps the server from listening.)"""
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "game", "serve", "--host", host, "--port", str(port)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1].startswith(f"redline: error: cannot listen on {host}:{port}: ") and "Traceback" not in done.stderr
    assert lines[:-1] == ([] if host == "127.0.0.1" else [exposure_warning(host, port)])


def test_without_textual_serve_the_command_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main

    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "web extra" in err and "pipx inject redline textual-serve" in err
