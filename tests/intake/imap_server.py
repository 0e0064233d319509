"""A private Dovecot IMAP server on loopback for the e-mail intake tests.

Not the system's Dovecot: a foreground ``dovecot -F -c <conf>`` with a temporary
configuration — plain IMAP on 127.0.0.1 and a free port, ``ssl = no``, users from a
passwd-file, maildirs under a temporary directory — stopped when the tests end. The
Debian package is ``dovecot-imapd`` (installed by ``.ci/run``). Without the binary the
tests are skipped, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "rahasia-imap-uji"
MAIL_UID = MAIL_GID = 65534  # nobody/nogroup: Dovecot refuses to give mail processes uid 0
USERS = 100  # one account per test; Dovecot reads the passwd-file lazily, so all are written up front
_users = itertools.count(1)


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the IMAP tests: .ci/run installs dovecot-imapd)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# No failure delay and no per-IP auth penalty: the wrong-password test must not slow the next one.
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    host: str = "127.0.0.1"

    def add_user(self) -> str:
        """A fresh, empty mailbox for one test (the accounts are written before start)."""
        number = next(_users)
        assert number <= USERS, "raise USERS in tests/intake/imap_server.py"
        return f"kotak{number}"

    def connect(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, PASSWORD)
        return conn


def _wait_ready(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {process.returncode}: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening in 15 s")


@pytest.fixture(scope="session")
def dovecot():
    binary = dovecot_binary()
    if binary is None:
        _unavailable("dovecot (Debian package dovecot-imapd) is not installed")
    if os.geteuid() != 0:
        _unavailable("the private dovecot is started as root (as in CI)")
    root = Path(tempfile.mkdtemp(prefix="aduan-dovecot-"))
    root.chmod(0o755)  # the login and mail processes run as unprivileged users
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    os.chown(root / "mail", MAIL_UID, MAIL_GID)
    (root / "passwd").write_text("".join(f"kotak{n}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, USERS + 1)))
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(CONFIG.format(root=root, port=port, uid=MAIL_UID, gid=MAIL_GID))
    process = subprocess.Popen([binary, "-F", "-c", str(conf)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(process, port, root / "dovecot.log")
        yield Dovecot(root=root, port=port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    """A fresh IMAP account, with Aduan's INTAKE_IMAP_* settings pointing at it."""
    user = dovecot.add_user()
    settings.INTAKE_IMAP_HOST = dovecot.host
    settings.INTAKE_IMAP_PORT = dovecot.port
    settings.INTAKE_IMAP_SSL = False
    settings.INTAKE_IMAP_USER = user
    settings.INTAKE_IMAP_PASSWORD = PASSWORD
    settings.INTAKE_IMAP_FOLDER = "INBOX"
    settings.INTAKE_IMAP_DONE_FOLDER = "Diproses"
    conn = dovecot.connect(user)
    try:
        yield conn
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def append(conn: imaplib.IMAP4, raw: bytes, folder: str = "INBOX") -> None:
    typ, data = conn.append(folder, None, None, raw)
    assert typ == "OK", data


def folder_uids(conn: imaplib.IMAP4, folder: str, criteria: str = "ALL") -> list[bytes]:
    typ, _data = conn.select(f'"{folder}"')
    if typ != "OK":
        return []
    typ, data = conn.uid("SEARCH", None, criteria)
    return data[0].split() if data and data[0] else []
