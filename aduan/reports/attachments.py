"""Attachment checks: the file is what it claims to be, within the size limits, and images
lose their EXIF metadata (GPS position, camera serial) before they are stored.

The type is read from the file's bytes (``filetype``), never trusted from the name or the
browser; the name's extension must agree with it. Pure apart from Pillow; raises nothing,
returns a list of error messages so the caller can report every problem at once.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Detected extension → (MIME type, accepted name extensions).
ALLOWED = {
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "png": ("image/png", {"png"}),
    "webp": ("image/webp", {"webp"}),
    "pdf": ("application/pdf", {"pdf"}),
    "mp4": ("video/mp4", {"mp4", "m4v"}),
    "3gp": ("video/3gpp", {"3gp"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}),
}
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs


@dataclass(frozen=True)
class AttachmentUpload:
    name: str
    content: bytes


@dataclass(frozen=True)
class CleanAttachment:
    original_name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str


IMAGE_MIN_SIDE = 16  # smaller than this is not a photo of anything
GPS_IFD = 0x8825


def image_gps(content: bytes) -> tuple[float, float] | None:
    """The GPS position in an image's EXIF, or None. Read only when the reporter chose to
    share the photo's location; the stored file never keeps it (see ``_strip_image``)."""
    try:
        with Image.open(io.BytesIO(content)) as img:
            gps = img.getexif().get_ifd(GPS_IFD)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    try:
        def degrees(dms, ref) -> float:
            d, m, sec = (float(x) for x in dms)
            value = d + m / 60 + sec / 3600
            return -value if str(ref).upper() in ("S", "W") else value

        lat, lon = degrees(gps[2], gps[1]), degrees(gps[4], gps[3])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lat, 6), round(lon, 6)


def _strip_image(content: bytes, fmt: str) -> bytes:
    """Re-encode the pixels only: EXIF, XMP and text chunks are dropped; orientation is applied first."""
    with Image.open(io.BytesIO(content)) as img:
        img.verify()
    with Image.open(io.BytesIO(content)) as img:
        img.load()
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "RGBA", "L", "LA"):
            img = img.convert("RGBA" if img.mode in ("P", "PA") or "transparency" in img.info else "RGB")
        if fmt == "JPEG" and img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        clean = Image.new(img.mode, img.size)
        clean.paste(img)
        out = io.BytesIO()
        params = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
        clean.save(out, format=fmt, **params)
        return out.getvalue()


def attachments_clean(uploads: list[AttachmentUpload]) -> tuple[list[CleanAttachment], list[str]]:
    errors: list[str] = []
    cleaned: list[CleanAttachment] = []
    max_one = settings.ADUAN_ATTACHMENT_MAX_BYTES
    max_total = settings.ADUAN_ATTACHMENTS_TOTAL_MAX_BYTES
    if len(uploads) > settings.ADUAN_ATTACHMENTS_MAX_COUNT:
        return [], [_("Lampiran paling banyak %(n)s berkas.") % {"n": settings.ADUAN_ATTACHMENTS_MAX_COUNT}]
    total = sum(len(u.content) for u in uploads)
    if total > max_total:
        errors.append(_("Ukuran seluruh lampiran melebihi %(max)s.") % {"max": filesizeformat(max_total)})
    for upload in uploads:
        name = (upload.name or "berkas").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        if not upload.content:
            errors.append(_("Berkas %(name)s kosong.") % {"name": name})
            continue
        if len(upload.content) > max_one:
            errors.append(_("Berkas %(name)s lebih besar dari %(max)s.") % {"name": name, "max": filesizeformat(max_one)})
            continue
        kind = filetype.guess(upload.content)
        name_ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if kind is None or kind.extension not in ALLOWED:
            errors.append(_("Jenis berkas %(name)s tidak diterima. Kirim foto (JPG, PNG, WEBP), PDF, DOCX, atau video MP4/3GP.") % {"name": name})
            continue
        mime, accepted_names = ALLOWED[kind.extension]
        if name_ext not in accepted_names:
            errors.append(_("Isi berkas %(name)s tidak sesuai dengan nama/ekstensinya.") % {"name": name})
            continue
        content = upload.content
        if kind.extension in IMAGE_FORMATS:
            try:
                with Image.open(io.BytesIO(content)) as probe:
                    width, height = probe.size
                if min(width, height) < IMAGE_MIN_SIDE or max(width, height) > settings.ADUAN_IMAGE_MAX_SIDE:
                    errors.append(_("Ukuran gambar %(name)s (%(w)s×%(h)s piksel) tidak diterima; sisi terpanjang paling "
                                    "banyak %(max)s piksel dan sisi terpendek paling sedikit %(min)s piksel.")
                                  % {"name": name, "w": width, "h": height, "max": settings.ADUAN_IMAGE_MAX_SIDE,
                                     "min": IMAGE_MIN_SIDE})
                    continue
                content = _strip_image(content, IMAGE_FORMATS[kind.extension])
            except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
                errors.append(_("Gambar %(name)s rusak atau tidak dapat dibaca.") % {"name": name})
                continue
        cleaned.append(CleanAttachment(name, content, mime, kind.extension, hashlib.sha256(content).hexdigest()))
    return cleaned, errors
