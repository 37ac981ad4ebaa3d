"""Document helpers every app's Word documents share: Chinese dates, the text of a .docx, and PDF.

PDF is produced only where LibreOffice (`soffice`) is installed; otherwise the .docx alone is kept
(DESIGN.md: "PDF via LibreOffice headless when present").
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document

PDF_TIMEOUT_SECONDS = 120


def zh_date(day: dt.date | None) -> str:
    """2026年12月2日; blanks to fill in by hand when there is no date."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　年　　月　　日"


def docx_text(data: bytes) -> list[str]:
    """The paragraphs of a .docx (body, then table cells), for previews and tests."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs if p.text.strip())
    return lines


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data: bytes) -> bytes | None:
    """The PDF of a .docx through LibreOffice headless, or None when LibreOffice is missing or fails."""
    binary = soffice_path()
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="doudi-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(data)
        # A private profile: concurrent conversions must not fight over one user installation.
        profile = Path(tmp) / "profile"
        env = {**os.environ, "HOME": tmp}
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(src),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
                env=env,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        pdf = Path(tmp) / "document.pdf"
        return pdf.read_bytes() if pdf.exists() else None
