"""Near-identical visit notes ("千篇一律"), found with MinHash and LSH buckets — pure Python.

Seed document 5, 存在问题 三: "台账资料……有的千篇一律，没有及时发现和解决……实际困难和问题".
A note copied from another visit (or from one template for a whole village) is a finding in itself.

How: the note is normalised (whitespace and punctuation dropped, digits folded so that changed
dates do not hide a copy), cut into overlapping character 3-grams (Chinese has no spaces, so
characters, not words, are the unit), and summarised by a MinHash signature of NUM_PERM values.
Two notes' signatures agree in a fraction of positions that estimates the Jaccard similarity of
their 3-gram sets. The signature is cut into BANDS bands of ROWS values; notes that share any
band land in the same bucket and become candidates. With 16 bands of 4 rows a pair at
Jaccard 0.8 is a candidate with probability 1 − (1 − 0.8⁴)¹⁶ ≈ 0.9996, a pair at 0.3 with ≈ 0.12,
so finding copies costs a bucket lookup per note instead of a comparison with every other note.
Candidates are confirmed with the signature estimate (THRESHOLD).

No Django imports: the services store the band keys in an indexed table (so a new visit finds its
candidates with one query) and the tests run this module alone.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
from collections import defaultdict
from collections.abc import Iterable

NGRAM = 3
BANDS = 16
ROWS = 4
NUM_PERM = BANDS * ROWS
THRESHOLD = 0.8
# Notes shorter than this many characters (after normalising) are too short to call a copy —
# "正常" twice is not plagiarism; too-short notes are flagged separately as 草草了事.
MIN_CHARS = 12

_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
# Fixed permutation parameters (a deterministic generator, so signatures stored in the database
# stay comparable across processes and releases).
_PERMS: list[tuple[int, int]] = []
_seed = 0x5EED
for _i in range(NUM_PERM):
    _seed = (_seed * 6364136223846793005 + 1442695040888963407) & ((1 << 64) - 1)
    _a = (_seed >> 3) % _MERSENNE or 1
    _seed = (_seed * 6364136223846793005 + 1442695040888963407) & ((1 << 64) - 1)
    _b = (_seed >> 3) % _MERSENNE
    _PERMS.append((_a, _b))

_DROP = re.compile(r"[\s\u3000，。、；：！？,.;:!?\"'“”‘’（）()【】\[\]《》<>—\-…·~～/\\]+")
_DIGITS = re.compile(r"[0-9０-９一二三四五六七八九十百零〇两]+")


def normalise(text: str) -> str:
    """Drop whitespace and punctuation; fold every run of digits (Arabic or Chinese) to "#"."""
    text = _DROP.sub("", text or "")
    return _DIGITS.sub("#", text)


def shingles(text: str, n: int = NGRAM) -> set[str]:
    s = normalise(text)
    if len(s) < n:
        return {s} if s else set()
    return {s[i : i + n] for i in range(len(s) - n + 1)}


def _h(shingle: str) -> int:
    return struct.unpack("<I", hashlib.blake2b(shingle.encode(), digest_size=4).digest())[0]


def signature(text: str) -> list[int]:
    """The MinHash signature (NUM_PERM ints); empty for a note too short to compare."""
    return list(_signature(normalise(text)))


@functools.lru_cache(maxsize=4096)
def _signature(norm: str) -> tuple[int, ...]:
    if len(norm) < MIN_CHARS:
        return ()
    grams = {norm[i : i + NGRAM] for i in range(len(norm) - NGRAM + 1)}
    hashes = [_h(s) for s in grams]
    return tuple(min(((a * x + b) % _MERSENNE) & _MAX_HASH for x in hashes) for a, b in _PERMS)


def bands(sig: list[int]) -> list[str]:
    """The LSH bucket keys of a signature: one short hex key per band, prefixed by its number."""
    if not sig:
        return []
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<{ROWS}I", *chunk), digest_size=6).hexdigest()
        out.append(f"{band:02d}{digest}")
    return out


def estimate(sig_a: list[int], sig_b: list[int]) -> float:
    """The estimated Jaccard similarity of two notes (share of equal signature positions)."""
    if not sig_a or not sig_b:
        return 0.0
    return sum(1 for x, y in zip(sig_a, sig_b, strict=True) if x == y) / len(sig_a)


def jaccard(text_a: str, text_b: str) -> float:
    """The exact Jaccard similarity of two notes' 3-gram sets (for tests and explanations)."""
    a, b = shingles(text_a), shingles(text_b)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicates(items: Iterable[tuple[object, str]], threshold: float = THRESHOLD) -> list[tuple]:
    """Pairs (id_a, id_b, similarity) of near-identical notes among `items` ((id, text) pairs).

    Buckets by band key, then confirms each candidate pair once with the signature estimate:
    the work grows with the number of notes and of true candidates, not with all pairs."""
    sigs: dict[object, list[int]] = {}
    order: dict[object, int] = {}  # pairs name the earlier item first
    buckets: dict[str, list[object]] = defaultdict(list)
    for key, text in items:
        sig = signature(text)
        if not sig:
            continue
        sigs[key] = sig
        order[key] = len(order)
        for band_key in bands(sig):
            buckets[band_key].append(key)
    seen: set[tuple] = set()
    out = []
    for members in buckets.values():
        if len(members) < 2:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a, b) if order[a] <= order[b] else (b, a)
                if pair in seen:
                    continue
                seen.add(pair)
                sim = estimate(sigs[a], sigs[b])
                if sim >= threshold:
                    out.append((*pair, sim))
    return out


def is_perfunctory(text: str) -> bool:
    """A note too short to say anything (seed: 记录草草了事)."""
    return len(normalise(text)) < MIN_CHARS
