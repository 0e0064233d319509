from __future__ import annotations

from typing import Any

from .models import AuditLog


def audit_log(*, actor, action: str, obj: Any = None, object_type: str = "", object_id: str = "", data: dict | None = None) -> AuditLog:
    """Write one audit row. ``obj`` may be a model instance; otherwise give type and id."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )
