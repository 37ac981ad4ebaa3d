"""Surnames read as surnames (单 shan, 曾 zeng, 解 xie…) and 长 in given names as chang: the
search keys of the persons already registered are recomputed (issue 15). Nothing to undo: the
keys are derived, and the old code recomputes its own on the next save."""

from django.db import migrations


def forwards(apps, schema_editor):
    from doudi.registry.pinyin_reindex import reindex

    reindex(apps)


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_institution")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
