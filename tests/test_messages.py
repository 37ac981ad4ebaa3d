"""One English msgid means one thing: across every app's zh_Hans catalogue, a msgid (in the same
pgettext context, or none) has one Chinese translation. Two translations of one msgid mean the
word is ambiguous ("Category" is 人员类别 in one app and 类别 in another) and each use wants its own
`pgettext` context — otherwise Django's merged catalogue shows whichever app comes first.

Reads the compiled catalogues (.ca/check-messages proves they match the .po files)."""

import gettext
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "doudi"


def translations():
    """{(context or None, msgid): {msgstr: [apps]}} over every app's compiled catalogue."""
    seen = defaultdict(lambda: defaultdict(list))
    for mo in sorted(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.mo")):
        app = mo.parts[-5]
        with mo.open("rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog
        for key, msgstr in catalog.items():
            if isinstance(key, tuple):  # a plural form: (msgid, n)
                key = f"{key[0]}[{key[1]}]"
            if not key:  # the header
                continue
            context, _, msgid = key.rpartition("\x04")
            seen[(context or None, msgid)][msgstr].append(app)
    return seen


def test_every_app_has_a_compiled_catalogue():
    assert len(list(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.mo"))) >= 7


def test_one_msgid_has_one_translation_across_apps():
    conflicts = {key: dict(strs) for key, strs in translations().items() if len(strs) > 1}
    assert not conflicts, "\n".join(
        f"{ctx + ' | ' if ctx else ''}{msgid!r}: "
        + "; ".join(f"{s} ({', '.join(apps)})" for s, apps in strs.items())
        for (ctx, msgid), strs in sorted(conflicts.items(), key=str)
    )
