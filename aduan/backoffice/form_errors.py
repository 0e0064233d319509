"""One way for every back-office view to show a service's refusal on the form that was posted."""

from __future__ import annotations

from aduan.core.errors import ValidationFailed


def errors_to_form(form, exc: ValidationFailed) -> None:
    """Each field error beside its field (a field the form does not have: form-wide); a
    refusal without field errors becomes the form's own error."""
    for field, messages in exc.field_errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
    if not exc.field_errors:
        form.add_error(None, str(exc.message))
