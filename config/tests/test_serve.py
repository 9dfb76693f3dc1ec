"""bin/serve (what `make run` starts) stops cleanly on Ctrl-C: exit status 0, within seconds, one
"Warm shutdown" from Celery, nothing left running. Driven through a real pseudo-terminal, as a
developer's Ctrl-C is."""

import contextlib
import os
import pty
import select
import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read(fd: int, seconds: float) -> bytes:
    """What the terminal shows within `seconds` (less if the program ends)."""
    out, end = b"", time.monotonic() + seconds
    while time.monotonic() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the program ended and closed the terminal
                break
            if not chunk:
                break
            out += chunk
    return out


def _wait(pid: int, seconds: float) -> int | None:
    """The exit status of `pid` within `seconds`, or None if it is still running then."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.2)
    return None


def _session_pids(session_id: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[3]) == session_id:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return pids


def _session_members(session_id: int) -> list[str]:
    """Command lines of the processes still in the terminal's session."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session_id:
                members.append((stat.parent / "cmdline").read_text().replace("\0", " "))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return members


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_stops_web_worker_and_beat_quietly():
    if connection.vendor != "postgresql":
        pytest.skip("the servers share the test database, which SQLite keeps in memory")
    db = connection.settings_dict
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
        "PORT": str(port),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": "",  # the folder broker of the embedded set-up
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: bin/serve with the pseudo-terminal as its controlling terminal
        # As from a developer's shell: the default signal handling. An ignored signal is
        # inherited through exec, and a shell cannot trap a signal ignored when it starts (some
        # test before this one may leave SIGINT ignored in the test process).
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
            signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.chdir(ROOT)
        os.execve(ROOT / "bin/serve", ["bin/serve"], env)  # noqa: S606
    try:
        output = b""
        for _ in range(60):  # up to a minute on a busy machine; usually a few seconds
            output += _read(fd, 1)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except OSError:
                continue
            if b"ready." in output:
                break
        assert b"ready." in output, output.decode(errors="replace")

        os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT to its foreground group
        started = time.monotonic()
        after = _read(fd, 30).decode(errors="replace")
        status = _wait(pid, 30)
        took = time.monotonic() - started
        left_behind = _session_members(pid)
    finally:
        for member in _session_pids(pid):  # anything left behind, so the suite never hangs here
            with contextlib.suppress(ProcessLookupError):
                os.kill(member, 9)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        os.close(fd)

    assert status is not None, f"still running 60 s after Ctrl-C: {left_behind}\n{after}"

    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, after
    assert took < 20
    assert after.count("Warm shutdown") <= 1, after
    assert "Segmentation fault" not in after and "Traceback" not in after, after
    assert left_behind == []
