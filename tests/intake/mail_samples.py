"""RFC 5322 messages for the e-mail channel's tests, written out as they travel (headers,
MIME boundaries, base64 and quoted-printable bodies), with invented people and places.

Fixed shapes live as ``.eml`` files in ``tests/intake/mail/`` (an out-of-office answer, a
delivery status notification); messages that need a reference or real file bytes are
built here from text templates.
"""

from __future__ import annotations

import base64
import io
import itertools
from pathlib import Path

from PIL import Image

MAIL_DIR = Path(__file__).parent / "mail"
CITIZEN = "warga.uji@contoh.id"
CITIZEN_NAME = "Sri Wahyuni Uji"
STRANGER = "orang.lain@contoh.id"
MAILBOX = "lapor@aduan.example.go.id"
_ids = itertools.count(1)


def eml(name: str) -> bytes:
    return (MAIL_DIR / name).read_bytes()


def message_id() -> str:
    return f"<uji-{next(_ids)}.{id(_ids)}@mail.contoh.id>"


def png_bytes(side: int = 24, colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def plain(*, subject="Lampu jalan padam di Jl. Melati", body="Lampu jalan di depan rumah nomor 12 padam sejak tiga hari.\nMohon segera diperbaiki.",
          sender=CITIZEN, name=CITIZEN_NAME, to=MAILBOX, mid=None, extra_headers="") -> bytes:
    mid = mid or message_id()
    return (
        f"Return-Path: <{sender}>\n"
        f"From: {name} <{sender}>\n"
        f"To: {to}\n"
        f"Subject: {subject}\n"
        f"Date: Mon, 30 Nov 2026 09:15:00 +0700\n"
        f"Message-ID: {mid}\n"
        f"{extra_headers}"
        "MIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="UTF-8"\n'
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        f"{body}\n"
    ).encode("utf-8")


def html_only(mid=None) -> bytes:
    """multipart/alternative whose only part is HTML (some webmail clients send this)."""
    mid = mid or message_id()
    return (
        f"From: {CITIZEN_NAME} <{CITIZEN}>\n"
        f"To: {MAILBOX}\n"
        "Subject: Sampah menumpuk di pasar\n"
        "Date: Mon, 30 Nov 2026 10:00:00 +0700\n"
        f"Message-ID: {mid}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="alt-1"\n'
        "\n"
        "--alt-1\n"
        'Content-Type: text/html; charset="UTF-8"\n'
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "<html><head><style>p { color: red; }</style></head><body>\n"
        "<p>Sampah di Pasar Kembang menumpuk &amp; berbau.</p><p>Sudah <b>dua minggu</b> tidak diangkut=\n"
        ".<br>Terima kasih.</p><script>alert('x')</script>\n"
        "</body></html>\n"
        "--alt-1--\n"
    ).encode("ascii")


def with_attachments(*, extra_parts: str = "", mid=None) -> bytes:
    """multipart/mixed: text, a PNG photo, a PDF, plus a signature logo inline in the HTML."""
    mid = mid or message_id()
    return (
        f"From: {CITIZEN_NAME} <{CITIZEN}>\n"
        f"To: {MAILBOX}\n"
        "Subject: Trotoar rusak, foto terlampir\n"
        "Date: Mon, 30 Nov 2026 11:00:00 +0700\n"
        f"Message-ID: {mid}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="mix-1"\n'
        "\n"
        "--mix-1\n"
        'Content-Type: multipart/related; boundary="rel-1"\n'
        "\n"
        "--rel-1\n"
        'Content-Type: multipart/alternative; boundary="alt-1"\n'
        "\n"
        "--alt-1\n"
        'Content-Type: text/plain; charset="UTF-8"\n'
        "\n"
        "Trotoar di Jl. Kenanga ambles. Foto dan surat RT terlampir.\n"
        "--alt-1\n"
        'Content-Type: text/html; charset="UTF-8"\n'
        "\n"
        '<p>Trotoar di Jl. Kenanga ambles. Foto dan surat RT terlampir.</p><img src="cid:logo-1">\n'
        "--alt-1--\n"
        "--rel-1\n"
        "Content-Type: image/png\n"
        "Content-Disposition: inline\n"
        "Content-ID: <logo-1>\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        f"{b64(png_bytes(16, (0, 0, 255)))}\n"
        "--rel-1--\n"
        "--mix-1\n"
        'Content-Type: image/png; name="trotoar.png"\n'
        'Content-Disposition: attachment; filename="trotoar.png"\n'
        "Content-Transfer-Encoding: base64\n"
        "\n"
        f"{b64(png_bytes())}\n"
        "--mix-1\n"
        'Content-Type: application/pdf; name="=?UTF-8?Q?surat_pengantar_RT_=E2=80=93_03.pdf?="\n'
        "Content-Disposition: attachment; filename*=UTF-8''surat%20pengantar%20RT%20%E2%80%93%2003.pdf\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        f"{b64(pdf_bytes())}\n"
        f"{extra_parts}"
        "--mix-1--\n"
    ).encode("ascii")


def reply(*, reference: str, text: str, sender=CITIZEN, to=MAILBOX, subject=None, in_reply_to="<outbox-1@aduan.localhost>",
          attachment: bytes | None = None, mid=None) -> bytes:
    """A citizen's answer to Aduan's message, quoting it below, the way Gmail writes it in Indonesian."""
    mid = mid or message_id()
    subject = subject if subject is not None else f"Re: Laporan Anda diterima: [{reference}]"
    quoted = (
        f"{text}\n"
        "\n"
        "Pada Sen, 30 Nov 2026 pukul 09.16 Aduan <no-reply@aduan.localhost>\n"
        "menulis:\n"
        "\n"
        f"> Terima kasih. Laporan Anda telah kami terima dengan nomor {reference}.\n"
        "> Pantau perkembangannya di: http://127.0.0.1:8000/lacak/\n"
    )
    head = (
        f"From: {CITIZEN_NAME} <{sender}>\n"
        f"To: {to}\n"
        f"Subject: {subject}\n"
        "Date: Mon, 30 Nov 2026 12:00:00 +0700\n"
        f"Message-ID: {mid}\n"
        f"In-Reply-To: {in_reply_to}\n"
        f"References: {in_reply_to}\n"
        "MIME-Version: 1.0\n"
    )
    if attachment is None:
        return (head + 'Content-Type: text/plain; charset="UTF-8"\n\n' + quoted).encode("utf-8")
    return (
        head
        + 'Content-Type: multipart/mixed; boundary="mix-r"\n\n'
        + "--mix-r\n" + 'Content-Type: text/plain; charset="UTF-8"\n\n' + quoted
        + "--mix-r\n" + 'Content-Type: image/png\nContent-Disposition: attachment; filename="susulan.png"\n'
        + "Content-Transfer-Encoding: base64\n\n" + b64(attachment) + "\n--mix-r--\n"
    ).encode("utf-8")
