"""Recompute every person's pinyin keys with the current `pinyin.name_keys` — for the data
migrations that follow a change of the readings (0008: surnames read as surnames)."""

from .pinyin import name_keys


def reindex(apps) -> int:
    """Update the rows whose keys differ; `apps` is the migration's app registry (or the real
    one), so the historical model is used. Returns the number of rows updated."""
    Person = apps.get_model("registry", "Person")
    batch = []
    for p in Person.objects.only("pk", "name", "name_pinyin", "name_initials").iterator(chunk_size=2000):
        pinyin, initials = name_keys(p.name)
        if (p.name_pinyin, p.name_initials) != (pinyin, initials):
            p.name_pinyin, p.name_initials = pinyin, initials
            batch.append(p)
    Person.objects.bulk_update(batch, ["name_pinyin", "name_initials"], batch_size=1000)
    return len(batch)
