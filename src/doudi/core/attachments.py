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


# ---- a .zip of attachments beside a table (the ledger upload) ------------------------------------

MAX_BUNDLE_FILES = 1000
MAX_BUNDLE_BYTES = 512 * 1024 * 1024  # all files unpacked together
MAX_BUNDLE_RATIO = 100  # unpacked ÷ packed size of one file above 1 MB: a zip bomb, not a document
_BUNDLE_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the clerk wrote it. Zips made by Windows' and WPS's tools in Chinese
    name their files in GBK without the UTF-8 flag, which Python reads as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.replace("\\", "/")


class Bundle:
    """The files of a .zip, by their name without folders, each checked by clean() when read.

    Opening refuses (ValidationError, every problem in Chinese) what is not a plain zip of
    documents: not a zip, an encrypted file, a path leaving the folder (“../”, an absolute path or
    a drive), two files of one name, more than MAX_BUNDLE_FILES files, a file above MAX_BYTES, all
    files above MAX_BUNDLE_BYTES, a file packed more than MAX_BUNDLE_RATIO times (a zip bomb).
    Nothing is unpacked to disk: read() reads one file into memory, at most MAX_BYTES of it
    whatever the zip claims. Folders and the junk of Mac and Windows (__MACOSX/, Thumbs.db) are
    ignored."""

    def __init__(self, path: str | Path, filename: str = ""):
        label = Path(filename or str(path)).name
        if not Path(filename or str(path)).suffix.lower() == ".zip" or not zipfile.is_zipfile(path):
            raise ValidationError(f"附件压缩包“{label}”不是 .zip 文件。")
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ValidationError(f"附件压缩包“{label}”无法打开：文件已损坏。") from exc
        self.members: dict[str, zipfile.ZipInfo] = {}
        problems, total = [], 0
        for info in infos:
            name = _member_name(info)
            parts = name.split("/")
            if name.startswith("/") or ".." in parts or (len(name) > 1 and name[1] == ":"):
                problems.append(f"压缩包中的“{name}”的路径指向压缩包以外，已拒绝。")
                continue
            if info.is_dir() or name.startswith(_BUNDLE_JUNK[0]) or parts[-1] in _BUNDLE_JUNK[1:]:
                continue
            base = parts[-1]
            if info.flag_bits & 0x1:
                problems.append(f"压缩包中的“{base}”设置了密码，请不加密码重新压缩。")
            elif info.file_size > MAX_BYTES:
                problems.append(f"附件“{base}”超过 10 MB，请压缩后再上传。")
            elif info.file_size > 1024 * 1024 and info.file_size > MAX_BUNDLE_RATIO * max(
                info.compress_size, 1
            ):
                problems.append(f"压缩包中的“{base}”解压后异常膨胀（疑似压缩炸弹），已拒绝。")
            if base in self.members:
                problems.append(f"压缩包中有两个名为“{base}”的文件，请改名后重新压缩。")
            self.members[base] = info
            total += info.file_size
        if len(self.members) > MAX_BUNDLE_FILES:
            problems.append(f"压缩包中的文件超过 {MAX_BUNDLE_FILES} 个，请分批上传。")
        if total > MAX_BUNDLE_BYTES:
            problems.append(f"压缩包解压后超过 {MAX_BUNDLE_BYTES // (1024 * 1024)} MB，请分批上传。")
        if problems:
            self.close()
            raise ValidationError(problems)

    def names(self) -> list[str]:
        return sorted(self.members)

    def read(self, name: str) -> Clean:
        """The file `name`, checked and cleaned as an upload (documents allowed); ValidationError."""
        info = self.members[name]
        with self._zip.open(info) as f:
            data = f.read(MAX_BYTES + 1)
        return clean(_Member(name, data), documents=True)

    def close(self) -> None:
        self._zip.close()


class _Member(io.BytesIO):
    """A zip member in the shape of an upload, for clean()."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name, self.size = name, len(data)


def remove(rel: str) -> None:
    """Delete a stored file (one of a refused import's, written before the refusal)."""
    open_path(rel).unlink(missing_ok=True)
