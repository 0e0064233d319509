"""``/api/v1/docs/``: the human-readable API reference, rendered on the server from the same
OpenAPI document ``/api/v1/schema/`` serves (drf-spectacular), so the two never disagree.

No CDN, no JavaScript: one page with a table of contents, and for each operation its method,
path, summary, parameters, request body fields and responses. Error responses all share one
body, described once. The page is built once per language per process (the schema only
changes with a deploy).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from drf_spectacular.generators import SchemaGenerator

# The order of the reference: citizens first, then the public, officials, directory, keys.
TAG_ORDER = ["Masuk warga", "Laporan warga", "Laporan publik", "Petugas dan sistem instansi", "Direktori", "Kunci API"]
METHODS = ("get", "post", "put", "patch", "delete")
MAX_DEPTH = 3
_CODE = re.compile(r"`([^`]+)`")


def _inline(text) -> str:
    """The schema's descriptions use Markdown's `code` and line breaks; nothing else."""
    html = _CODE.sub(r"<code>\1</code>", escape(str(text or "")))
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308  (escaped above)


def _deref(schema: dict, components: dict) -> dict:
    """Follow ``$ref`` and single-item ``allOf`` wrappers (how spectacular marks a nullable ref)."""
    seen = 0
    while seen < 10:
        seen += 1
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**components.get(name, {}), **merged}
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            schema = {**schema["allOf"][0], **merged}
        else:
            return schema
    return schema


def _type(schema: dict, components: dict) -> str:
    schema = _deref(schema, components)
    if "oneOf" in schema:
        options = [_type(option, components) for option in schema["oneOf"]]
        return " | ".join(o for o in options if o)
    if "enum" in schema:
        values = [str(v) for v in schema["enum"] if v not in (None, "")]
        text = "salah satu: " + ", ".join(values) if values else ""
        if "" in schema["enum"]:
            text += " (atau kosong)"
        return text
    kind = schema.get("type", "object")
    if kind == "array":
        text = f"array of {_type(schema.get('items', {}), components)}"
    elif schema.get("format"):
        text = f"{kind} ({schema['format']})"
    else:
        text = kind
    if schema.get("nullable"):
        text += ", null"
    return text


def _fields(schema: dict, components: dict, prefix: str = "", depth: int = 0) -> list[dict]:
    schema = _deref(schema, components)
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        resolved = _deref(prop, components)
        rows.append({
            "name": prefix + name,
            "type": _type(prop, components),
            "required": name in required,
            "description": _inline(resolved.get("description", "")),
        })
        if depth + 1 >= MAX_DEPTH:
            continue
        if resolved.get("type") == "array" and "properties" in _deref(resolved.get("items", {}), components):
            rows.extend(_fields(resolved["items"], components, f"{prefix}{name}[].", depth + 1))
        elif "properties" in resolved:
            rows.extend(_fields(resolved, components, f"{prefix}{name}.", depth + 1))
    return rows


def _is_error(content: dict, components: dict) -> bool:
    for media in content.values():
        if media.get("schema", {}).get("$ref", "").endswith("/Error"):
            return True
    return False


def _operation(path: str, method: str, op: dict, components: dict) -> dict:
    parameters = [{
        "name": p["name"], "in": p["in"], "required": p.get("required", False),
        "type": _type(p.get("schema", {}), components), "description": _inline(p.get("description", "")),
    } for p in op.get("parameters", [])]
    bodies = [{"media_type": media_type, "fields": _fields(media.get("schema", {}), components)}
              for media_type, media in op.get("requestBody", {}).get("content", {}).items()]
    responses = []
    for code, response in sorted(op.get("responses", {}).items()):
        content = response.get("content", {})
        error = _is_error(content, components)
        responses.append({
            "status": code,
            "description": _inline(response.get("description", "")),
            "error": error,
            "media_types": list(content),
            "fields": [] if error else next((_fields(m.get("schema", {}), components) for m in content.values()), []),
        })
    security = sorted({name for requirement in op.get("security", []) for name in requirement})
    return {
        "anchor": slugify(op.get("operationId") or f"{method}-{path}"),
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary", ""),
        "description": _inline(op.get("description", "")),
        "security": security,
        "anonymous": any(not requirement for requirement in op.get("security", [])) or not op.get("security"),
        "parameters": parameters,
        "bodies": bodies,
        "responses": responses,
    }


@lru_cache(maxsize=4)
def docs_context(language: str) -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[dict]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["Lain-lain"])[0]
                groups.setdefault(tag, []).append(_operation(path, method, op, components))
    order = TAG_ORDER + sorted(t for t in groups if t not in TAG_ORDER)
    sections = [{"tag": tag, "anchor": slugify(tag), "operations": groups[tag]} for tag in order if tag in groups]
    schemes = [{"name": name, "description": _inline(scheme.get("description", ""))}
               for name, scheme in schema.get("components", {}).get("securitySchemes", {}).items()]
    return {
        "info": schema.get("info", {}),
        "sections": sections,
        "schemes": schemes,
        "error_fields": _fields(components.get("Error", {}), components),
    }


def api_docs(request):
    return render(request, "api/docs.html", docs_context(get_language() or "id"))
