"""Attached files (an integrity report's evidence, a progress report's photos, a ledger row's
document): limits, type checks, images re-encoded without EXIF/GPS, storage under MEDIA_ROOT
(outside the web root; every download goes through a scoped view of the app that owns the file).
Shared by the integrity and programmes apps, so it sits in core."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
_IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}


@dataclass
class Clean:
    name: str
    content_type: str
    data: bytes


# Office documents (a 工作总结 in Word, a table in Excel): a zip package with its main part
_OFFICE = {
    ".docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _office(name: str, data: bytes) -> Clean | None:
    part = _OFFICE.get(Path(name).suffix.lower())
    if part is None or not data.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names or part[0] not in names:
        return None
    return Clean(name, part[1], data)


def clean(upload, *, documents: bool = False) -> Clean:
    """Check one upload and return what will be stored (an image re-encoded without its metadata).
    `documents`: Word and Excel files (.docx, .xlsx) are accepted too."""
    name = Path(upload.name or "file").name[:200]
    if upload.size > MAX_BYTES:
        raise ValidationError(f"附件“{name}”超过 10 MB，请压缩后再上传。")
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(f"附件“{name}”超过 10 MB，请压缩后再上传。")
    if data.startswith(b"%PDF-"):
        return Clean(name, "application/pdf", data)
    if documents:
        office = _office(name, data)
        if office is not None:
            return office
    try:
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in _IMAGE_FORMATS:
            raise UnidentifiedImageError
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        allowed = (
            "JPEG、PNG 图片，PDF、Word（.docx）或 Excel（.xlsx）文件"
            if documents
            else "JPEG、PNG 图片或 PDF 文件"
        )
        raise ValidationError(f"附件“{name}”的类型不支持：只能上传{allowed}。") from exc
    # Re-encoding from the pixels keeps nothing of the original's metadata (EXIF, GPS, comments);
    # the orientation the EXIF asked for is applied to the pixels first.
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90)
    else:
        clean_image = Image.new(image.mode, image.size)
        clean_image.putdata(list(image.getdata()))
        clean_image.save(out, "PNG")
    content_type, _ext = _IMAGE_FORMATS[fmt]
    return Clean(name, content_type, out.getvalue())


def store(data: bytes, folder: str = "integrity") -> str:
    """Write the bytes under MEDIA_ROOT/<folder>/; returns the path relative to MEDIA_ROOT."""
    rel = f"{folder}/{uuid.uuid4().hex}"
    path = Path(settings.MEDIA_ROOT) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel


def open_path(rel: str) -> Path:
    return Path(settings.MEDIA_ROOT) / rel
