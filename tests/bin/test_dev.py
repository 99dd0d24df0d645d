"""bin/dev, the one entry point: its command line, and `serve --port`, which stops at once when
the port is taken, before minutes of set-up (a virtualenv, npm, PostgreSQL, migrations, the seed)."""

import importlib.machinery
import importlib.util
import shutil
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from tests.dates import TEST_DAY

ROOT = Path(__file__).resolve().parents[2]
BIN_DEV = ROOT / "bin" / "dev"


def load_bin_dev() -> types.ModuleType:
    """bin/dev as a module (it has no .py suffix), without running its main()."""
    loader = importlib.machinery.SourceFileLoader("bin_dev", str(BIN_DEV))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("bin_dev", loader))
    loader.exec_module(module)
    return module


dev = load_bin_dev()


@pytest.fixture
def taken_port():
    """A loopback port something is listening on, as a server already running there would be."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def bare_checkout(tmp_path) -> Path:
    """bin/dev alone in an otherwise empty folder: no .venv, no lock files, no front end. Any
    set-up step it tried would fail (or leave .venv or .local behind)."""
    (tmp_path / "bin").mkdir()
    shutil.copy(BIN_DEV, tmp_path / "bin" / "dev")
    return tmp_path


@pytest.mark.parametrize(
    "options",
    [
        ["--port", "{port}"],
        ["--port={port}"],
        ["--today", "{today}", "--port", "{port}"],
        ["--port", "{port}", "--today={today}"],
    ],
)
def test_serve_on_a_taken_port_stops_at_once_before_any_set_up_saying_how_to_choose_another(
    bare_checkout, taken_port, options
):
    args = [option.format(port=taken_port, today=TEST_DAY.isoformat()) for option in options]
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, str(bare_checkout / "bin" / "dev"), "serve", *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=bare_checkout,
    )
    took = time.monotonic() - started

    assert finished.returncode == 1
    message = finished.stderr
    assert f"Port {taken_port} on 127.0.0.1 is already in use" in message
    assert "Serve on another port with --port, for example `bin/dev serve --port " in message
    assert took < 5
    # Nothing was set up: no virtualenv made, no embedded database started.
    assert sorted(path.name for path in bare_checkout.iterdir()) == ["bin"]


def test_the_port_it_suggests_is_free(taken_port):
    with pytest.raises(SystemExit) as stopped:
        dev.stop_unless_port_free(taken_port)
    suggested = int(str(stopped.value.code).split("bin/dev serve --port ")[1].split("`")[0])
    assert suggested > taken_port
    assert dev.port_refusal(suggested) is None


def test_a_free_port_lets_serve_carry_on():
    port = dev.free_port()
    assert dev.port_refusal(port) is None
    dev.stop_unless_port_free(port)  # does not exit


@pytest.mark.parametrize(
    ("argv", "command", "today", "port", "args"),
    [
        (["serve"], "serve", None, 8000, ()),
        (["serve", "--port", "8011"], "serve", None, 8011, ()),
        (["serve", "--port=8011", "--today", "2027-08-31"], "serve", "2027-08-31", 8011, ()),
        (["serve", "--today=2027-08-31", "--port", "8011"], "serve", "2027-08-31", 8011, ()),
        (["test"], "test", None, 8000, ()),
        (["test", "-x", "tests/seed"], "test", None, 8000, ("-x", "tests/seed")),
        (
            ["test", "--today", "2027-09-01", "tests/schools", "-k", "today"],
            "test",
            "2027-09-01",
            8000,
            ("tests/schools", "-k", "today"),
        ),
        (
            ["manage", "--today=2028-03-15", "seed_demo", "--reset"],
            "manage",
            "2028-03-15",
            8000,
            ("seed_demo", "--reset"),
        ),
        # What follows the first argument passed on is the command's own, even a --today.
        (["manage", "shell", "--today", "x"], "manage", None, 8000, ("shell", "--today", "x")),
    ],
)
def test_the_command_line(argv, command, today, port, args):
    line = dev.parse_command_line(argv)
    assert line.command == command
    assert line.today == (None if today is None else dev.datetime.date.fromisoformat(today))
    assert line.port == port
    assert line.args == args


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "eighty"], "--port needs a port number from 1 to 65535, not 'eighty'"),
        (["serve", "--port", "70000"], "--port needs a port number from 1 to 65535, not '70000'"),
        (["serve", "--port"], "--port needs a value: --port N"),
        (["serve", "--today", "31/08/2027"], "--today needs a date as YYYY-MM-DD, not '31/08/2027'"),
        (["serve", "--port", "8011", "--port", "8012"], "--port is given twice"),
        (["serve", "8011"], "serve takes --port N and --today YYYY-MM-DD, not '8011'"),
        (["serve", "--verbose"], "serve takes --port N and --today YYYY-MM-DD, not '--verbose'"),
        (["test", "--port", "8011"], "--port is for bin/dev serve; test serves nothing"),
        (["deploy"], "No command 'deploy': use serve, test or manage."),
    ],
)
def test_a_command_line_that_makes_no_sense_is_refused_plainly(argv, message):
    with pytest.raises(SystemExit) as stopped:
        dev.parse_command_line(argv)
    assert message in str(stopped.value.code)


def test_links_in_emails_follow_the_port_unless_service_url_is_set(monkeypatch):
    monkeypatch.delenv("SERVICE_URL", raising=False)
    assert dev.service_url(8011) == "http://127.0.0.1:8011"
    monkeypatch.setenv("SERVICE_URL", "https://ecf.example.com")
    assert dev.service_url(8011) == "https://ecf.example.com"


def test_helpers_never_take_the_web_servers_port(monkeypatch):
    """The fake TRS and embedded Redis take a free port before the web server starts; the one kept
    for the web server is not free for them, even when the operating system offers it."""
    offered = iter([8011, 8011, 41234])

    class FakeSocket:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def bind(self, address):
            self.port = next(offered)

        def getsockname(self):
            return ("127.0.0.1", self.port)

    monkeypatch.setattr(dev, "socket", types.SimpleNamespace(socket=FakeSocket))
    monkeypatch.setattr(dev, "RESERVED_PORTS", {8011})
    assert dev.free_port() == 41234
