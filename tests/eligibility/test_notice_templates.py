"""Notice templates per county: a county's own .docx, else the installation's, else the built-in
one (a province-wide installation serves many counties; issue 15)."""

from doudi.eligibility import notices


def _write(path, text):
    from docx import Document

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph(text + " {{ name }}")
    doc.save(str(path))


def test_the_countys_template_comes_first_then_the_installations(settings, tmp_path):
    settings.DATA_DIR = str(tmp_path)
    base = tmp_path / "templates" / "eligibility"
    assert notices.template_path("refusal", "990121100001") is None
    _write(base / "refusal.docx", "本安装")
    assert notices.template_path("refusal", "990121100001") == base / "refusal.docx"
    _write(base / "990121" / "refusal.docx", "安和县")
    assert notices.template_path("refusal", "990121100001") == base / "990121" / "refusal.docx"
    assert notices.template_path("refusal", "990122100001") == base / "refusal.docx"  # another county
    assert notices.template_path("approval", "990121100001") is None


def test_a_countys_template_renders_its_notice(settings, tmp_path):
    settings.DATA_DIR = str(tmp_path)
    _write(tmp_path / "templates" / "eligibility" / "990121" / "approval.docx", "安和县民政局")
    tpl = notices._template("approval", "990121100001")
    tpl.render({"name": "张三"})
    text = "\n".join(p.text for p in tpl.docx.paragraphs)
    assert "安和县民政局 张三" in text
