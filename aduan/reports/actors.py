"""Who is acting. Officials and citizens with accounts are ``User`` objects; a reporter
without an account proves ownership with reference + tracking token (``ReporterToken``);
periodic jobs act as ``SYSTEM``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReporterToken:
    report_id: int
    is_authenticated: bool = False


@dataclass(frozen=True)
class SystemActor:
    is_authenticated: bool = False


SYSTEM = SystemActor()
