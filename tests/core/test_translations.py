"""The English catalogue is complete, compiled, and used: every message has a translation
(none fuzzy), the committed .mo says the same as the .po, and the citizen pages come out in
English when the reader chooses it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def _unquote(lines: list[str]) -> str:
    return "".join(re.match(r'^\s*"(.*)"\s*$', line).group(1) for line in lines).encode().decode("unicode_escape").encode(
        "latin-1").decode("utf-8")


def po_entries() -> list[dict]:
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry: dict = {"fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines), "msgstr": []}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (.*)$", line)
            if m:
                key = m.group(1)
                entry.setdefault(key, []).append(m.group(2))
            else:
                entry[key].append(line)
        entry = {k: (_unquote(v) if isinstance(v, list) else v) for k, v in entry.items()}
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 900
    def translated(e: dict) -> bool:
        forms = [e[k] for k in e if k.startswith("msgstr[")]
        return all(forms) if forms else bool(e["msgstr"])

    missing = [e["msgid"] for e in entries if e["fuzzy"] or not translated(e)]
    assert missing == []


def test_compiled_catalogue_matches_the_source():
    with open(LOCALE / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in po_entries():
        if "msgid_plural" in entry or "msgctxt" in entry:
            continue
        assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.mark.django_db
@pytest.mark.parametrize("url,english", [
    ("/", "Make a report"),
    ("/lapor/", "Report"),
    ("/lacak/", "Track"),
    ("/laporan/", "reports"),
    ("/masuk/", "Sign in"),
])
def test_citizen_pages_speak_english_when_chosen(client, directory, url, english):
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    assert english in html
    assert "Lewati ke isi utama" not in html  # the skip link, translated
