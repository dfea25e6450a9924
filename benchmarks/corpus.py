"""A realistic synthetic raw corpus of N documents, deterministic by seed.

Each document is built from the sentences of one seed document (so the scripts and languages are
real: Chinese, Arabic, Vietnamese, French), with a share of its words shuffled so that documents
differ as much as real articles do, between 1 and 10 KB of UTF-8, wrapped in boilerplate (site
name, menu, share and "read also" lines, copyright footer) and a date line in one of the formats
seen in the seeds. About 5% of the documents are byte-for-byte copies of an earlier one and about
5% near copies (a few words changed, another date format, a footer dropped).

Document ``i`` depends only on ``(seed, i)``, so corpora can be generated in parallel and a corpus
of N + k documents starts with the same N documents.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dataset.paths import SEED_DIR

# 2: no paragraph starts with the one sentence of the line before it (the headline, or a
# headline-like one-sentence paragraph): the title would open the body.
GENERATOR_VERSION = "2"
EXACT_SHARE = 0.05
NEAR_SHARE = 0.05
WORD_SHUFFLE_SHARE = 0.35
_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟])\s*")
_TOKEN = re.compile(r"\w+|\W")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

DATE_FORMATS = {
    "cjk": ["{d} {m} 月, {y}", "{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}"],
    "arabic": ["{d} سبتمبر {y} الساعة {H:02d}:{M:02d}", "{y}/{m:02d}/{d:02d}", "{d}-{m}-{y}"],
    "latin": [
        "Publié le {d:02d}/{m:02d}/{y} à {H}h{M:02d}",
        "{d:02d}.{m:02d}.{y}",
        "Thứ Tư, {d}/{m}/{y} {H:02d}:{M:02d}",
        "{y}-{m:02d}-{d:02d}",
        "Mis à jour le {d} septembre {y}",
    ],
}
BOILERPLATE = {
    "cjk": (
        ["首页 | 国际 | 军事 | 视频", "分享到微信", "分享到微博"],
        ["相关新闻", "版权所有 © {y}"],
    ),
    "arabic": (
        ["الرئيسية | أخبار | عالم", "شارك", "تابعونا على تلغرام"],
        ["اقرأ أيضا", "جميع الحقوق محفوظة {y}"],
    ),
    "latin": (
        ["Accueil | Monde | Europe | Vidéos", "Partager sur Facebook", "Chia sẻ"],
        ["Lire aussi : la chronologie du conflit", "Đọc thêm", "© {y} Tous droits réservés"],
    ),
}
SITES = ["Eddiba News", "Báo Quốc Tế", "Le Quotidien", "الوطن اليوم", "环球时报", "Vietnam.vn"]


@dataclass(frozen=True)
class SeedPool:
    """Sentences and words of one seed document, and its script family."""

    sentences: tuple[str, ...]
    words: tuple[str, ...]
    family: str


@cache
def seed_pools() -> tuple[SeedPool, ...]:
    pools = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences = tuple(
            s.strip()
            for line in text.splitlines()
            for s in _SENTENCE_END.split(line)
            if len(s) > 20
        )
        words = tuple(sorted({w for s in sentences for w in re.findall(r"\w{3,}", s)}))
        family = "cjk" if _CJK.search(text) else "arabic" if _ARABIC.search(text) else "latin"
        pools.append(SeedPool(sentences, words, family))
    return tuple(pools)


def document_kind(seed: int, index: int) -> tuple[str, int]:
    """``("original" | "exact" | "near", source index)`` of document ``index``."""
    rng = random.Random(f"kind-{seed}-{index}")
    roll = rng.random()
    if index < 20 or roll >= EXACT_SHARE + NEAR_SHARE:
        return "original", index
    source = rng.randrange(index)
    while document_kind(seed, source)[0] != "original":
        source = rng.randrange(source) if source else 0
    return ("exact" if roll < EXACT_SHARE else "near"), source


def make_document(seed: int, index: int) -> str:
    """The text of document ``index`` of the corpus ``seed``."""
    kind, source = document_kind(seed, index)
    if kind == "exact":
        return make_original(seed, source)
    if kind == "near":
        return make_near_copy(seed, source, index)
    return make_original(seed, index)


def make_original(seed: int, index: int) -> str:
    rng = random.Random(f"doc-{seed}-{index}")
    pool = rng.choice(seed_pools())
    target = int(1000 * 10 ** rng.uniform(0, 1))  # 1-10 KB, log-uniform
    header, footer = BOILERPLATE[pool.family]
    year = rng.choice([2020, 2022, 2023, 2024])
    site = rng.choice(SITES)
    headline = rng.choice(pool.sentences)
    lines = [site, header[0], shuffle_words(headline, pool, rng)]
    lines.append(date_line(pool.family, rng, year))
    size = sum(len(line.encode()) for line in lines)
    previous = headline
    while size < target:
        count = rng.randint(1, 4)
        sources, words = [], []
        for _ in range(count):  # same draws, in the same order, as before version 2
            sources.append(rng.choice(pool.sentences))
            words.append(shuffle_words(sources[-1], pool, rng))
        if sources[0] == previous:
            # A paragraph opening with the line before it repeats a headline-like sentence at the
            # start of the body, which no article does (and the domain rules reject): draw again.
            continue
        paragraph = " ".join(words)
        lines.append(paragraph)
        previous = sources[0] if count == 1 else None  # only a one-sentence line looks like a title
        size += len(paragraph.encode()) + 2
    lines.extend([rng.choice(header[1:]), *(f.format(y=year) for f in footer)])
    return "\n\n".join(lines) + "\n"


def make_near_copy(seed: int, source: int, index: int) -> str:
    rng = random.Random(f"near-{seed}-{index}")
    lines = make_original(seed, source).split("\n\n")
    pool = seed_pools()[0]
    for _ in range(max(1, len(lines) // 12)):
        at = rng.randrange(4, max(5, len(lines) - 2))
        words = lines[at].split(" ")
        if len(words) > 3:
            words[rng.randrange(len(words))] = rng.choice(pool.words)
        lines[at] = " ".join(words)
    lines[3] = f"{lines[3]} (mis à jour)"
    return "\n\n".join(lines[:-1]) + "\n"


def shuffle_words(sentence: str, pool: SeedPool, rng: random.Random) -> str:
    """The sentence with a share of its words replaced by shuffled-letter words of the pool."""
    out = []
    for token in _TOKEN.findall(sentence):
        if token[0].isalnum() and rng.random() < WORD_SHUFFLE_SHARE:
            letters = list(rng.choice(pool.words))
            rng.shuffle(letters)
            token = "".join(letters)
        out.append(token)
    return "".join(out)


def date_line(family: str, rng: random.Random, year: int) -> str:
    return rng.choice(DATE_FORMATS[family]).format(
        d=rng.randint(1, 28),
        m=rng.randint(1, 12),
        y=year,
        H=rng.randint(0, 23),
        M=rng.randint(0, 59),
    )


def document_path(raw_dir: Path, index: int) -> Path:
    return raw_dir / f"{index // 1000:04d}" / f"doc-{index:07d}.txt"


def write_documents(job: tuple[Path, int, int, int]) -> int:
    """Write documents ``[start, stop)`` of corpus ``seed`` into ``raw_dir``; returns bytes."""
    raw_dir, seed, start, stop = job
    written = 0
    for index in range(start, stop):
        path = document_path(raw_dir, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = make_document(seed, index).encode("utf-8")
        path.write_bytes(data)
        written += len(data)
    return written


def generate_corpus(
    raw_dir: Path, documents: int, seed: int, start: int = 0, workers: int = 2
) -> int:
    """Write documents ``[start, documents)`` into ``raw_dir`` in parallel; returns bytes."""
    import multiprocessing

    step = 2000
    jobs = [(raw_dir, seed, i, min(i + step, documents)) for i in range(start, documents, step)]
    if workers <= 1 or len(jobs) <= 1:
        return sum(write_documents(job) for job in jobs)
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return sum(pool.imap_unordered(write_documents, jobs))
