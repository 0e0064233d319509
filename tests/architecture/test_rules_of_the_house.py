"""Rules of the house that code review alone would not keep (DESIGN.md §3, §4)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "aduan"

LAYERS = {
    "core": 0, "audit": 0,
    "accounts": 1, "regions": 1, "agencies": 1,
    "standards": 2, "routing": 2, "notifications": 2,
    "reports": 3, "info_requests": 3,
    "intake": 4, "dispatch": 4, "portal": 4, "backoffice": 4, "analytics": 4, "signing": 4, "api": 4,
}
TRANSITION_SERVICE = ROOT / "reports" / "services" / "transition.py"


def python_files():
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def imported_apps(tree: ast.AST):
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "aduan" and len(parts) > 1:
                yield node.lineno, parts[1]


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps <= set(LAYERS), apps - set(LAYERS)


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_upward_imports(path):
    app = path.relative_to(ROOT).parts[0]
    if app not in LAYERS:
        return
    tree = ast.parse(path.read_text(), str(path))
    for lineno, target in imported_apps(tree):
        assert LAYERS[target] <= LAYERS[app], f"{path.relative_to(ROOT)}:{lineno} imports aduan.{target} (layer {LAYERS[target]}) from layer {LAYERS[app]}"


def status_writes(tree: ast.AST):
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                yield node.lineno, "assignment to .status"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "bulk_update"):
            for kw in node.keywords:
                if kw.arg == "status":
                    yield node.lineno, "queryset update of status"
            for arg in node.args:
                if isinstance(arg, (ast.List, ast.Tuple)) and any(isinstance(e, ast.Constant) and e.value == "status" for e in arg.elts):
                    yield node.lineno, "bulk_update of status"
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("update_or_create", "get_or_create"):
            for kw in node.keywords:
                if kw.arg == "defaults" and isinstance(kw.value, ast.Dict):
                    if any(isinstance(k, ast.Constant) and k.value == "status" for k in kw.value.keys):
                        yield node.lineno, "status in defaults"


def test_report_status_is_written_only_by_the_transition_service():
    offenders = []
    for path in python_files():
        if path == TRANSITION_SERVICE:
            continue
        for lineno, what in status_writes(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {what}")
    assert offenders == []


def test_the_scanner_catches_each_kind_of_write():
    sample = ast.parse(
        "r.status = 'closed'\n"
        "Report.objects.filter(pk=1).update(status='closed')\n"
        "Report.objects.bulk_update(rows, ['status'])\n"
        "Report.objects.update_or_create(pk=1, defaults={'status': 'x'})\n"
    )
    assert len(list(status_writes(sample))) == 4


def test_the_transition_service_does_write_the_status():
    assert list(status_writes(ast.parse(TRANSITION_SERVICE.read_text())))


@pytest.mark.django_db
def test_saving_a_changed_status_outside_the_service_fails(directory, national_admin):
    from aduan.reports.models import Report
    from tests.reports.helpers import report_in
    from aduan.reports.workflow import Status

    report, _ = report_in(Status.SUBMITTED, directory, national_admin)
    setattr(report, "status", Status.CLOSED)
    with pytest.raises(RuntimeError):
        report.save()
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
