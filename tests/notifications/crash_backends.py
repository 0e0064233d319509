"""SMS backends for the crash test: each delivery is a line appended (and fsynced) to the
file named by ``ADUAN_TEST_DELIVERY_LOG``, so deliveries survive the process being killed."""

from __future__ import annotations

import os
import signal


def _deliver(to: str, segments: list[str]) -> None:
    with open(os.environ["ADUAN_TEST_DELIVERY_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{to}\t{''.join(segments)}\n")
        log.flush()
        os.fsync(log.fileno())


class FileBackend:
    def send(self, to: str, segments: list[str]) -> None:
        _deliver(to, segments)


class DieAfterSend:
    """The gateway accepted the message, then the worker is killed (SIGKILL: no cleanup)."""

    def send(self, to: str, segments: list[str]) -> None:
        _deliver(to, segments)
        os.kill(os.getpid(), signal.SIGKILL)


class DieBeforeSend:
    def send(self, to: str, segments: list[str]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)
