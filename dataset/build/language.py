"""Language and script of a document's paragraphs.

Contract: ``detect_languages(paragraphs)`` takes the kept paragraphs (body and captions, in
order) and returns a ``LanguageResult``. It never raises and is deterministic.

Definitions (quoted by the dataset card)
----------------------------------------
Detector
    fastText ``lid.176.ftz`` (176 languages; CC BY-SA 3.0, vendored as
    ``dataset/resources/lid.176.ftz``, see the README there), run with fasttext-predict-v2 (an
    inference-only build of fastText's own code: the same labels and confidences as the
    reference build, at half the time a sample).
    Each paragraph is detected on its first SAMPLE_CHARS characters; at most MAX_PARAGRAPHS
    paragraphs per document; paragraphs shorter than MIN_DETECT_CHARS are not detected
    (a name or a dateline says nothing about the language) unless nothing else is left.
    Paragraphs written mostly in Han characters without kana or hangul are labelled ``zh``
    with confidence 1.0 without calling the model (it would only hesitate between zh, wuu
    and yue on news prose, at three times the cost per character).
Labels
    lid.176 labels are ISO 639-1 codes where one exists and ISO 639-3 otherwise (``ceb``,
    ``yue``, ``ckb``...). LABEL_FIXES maps the few that are not ISO codes for that language:
    ``als`` (lid.176: Alemannic) -> ``gsw``, ``bh`` (Bhojpuri Wikipedia) -> ``bho``,
    ``sh`` (deprecated Serbo-Croatian, Latin script, trained mostly on Serbian) -> ``sr``
    (Serbian is ``sr`` in either script), ``no`` (Norwegian; lid.176 has Nynorsk apart as
    ``nn``) -> ``nb``, ``eml`` (Emilian-Romagnol, retired from ISO 639-3
    in 2009 and split into ``egl`` Emilian and ``rgn`` Romagnol) -> ``egl``. Every resulting code
    is in the ISO 639 list that validation accepts (a unit test checks it). Arabic-script
    Kazakh (tote jazu) comes out as ``ug`` (Uyghur, the same script): a ``ug`` sample that
    marks front vowels with the standalone hamza ``ء``/``ٴ`` (Kazakh) more often than it
    writes ``ئ`` (Uyghur) is ``kk``.
language
    The language with the most body text, each paragraph weighing ``size * confidence``, where
    size counts characters and each Han, kana or hangul character CJK_WEIGHT (3) times: such a
    character carries about as much text as three alphabetic ones (an English word averages
    about six characters with its space, a Chinese word under two), so one long English quote
    does not outvote a short Chinese article. Captions do not vote.
language_score
    ``sum(size * confidence of body paragraphs labelled language) / sum(size of detected body
    paragraphs)``: the confidence-weighted share of the body in the main language, in [0, 1].
other_languages
    Sorted codes, different from ``language``, of body paragraphs that are long enough
    (>= MIN_OTHER_CHARS characters, or >= MIN_OTHER_CJK CJK characters) and confident
    (>= MIN_OTHER_CONFIDENCE), so a quoted name never adds a language. Captions are left out:
    they are not in the released text, and the column describes the released text.
script
    ISO 15924 code of the dominant script of the body's letters, counted on a sample of at
    most SCRIPT_SAMPLE_CHARS characters by Unicode block (read from UTF-8 lead bytes, which is
    exact for letters of the listed scripts and fast; Hangul is read from the lead bytes of
    U+A000-U+DFFF, which that block dominates). Han text is ``Hant`` when it contains
    more characters from TRADITIONAL_ONLY than from SIMPLIFIED_ONLY (frequent characters whose
    two forms differ), else ``Hans``; Han with kana is ``Jpan``; Hangul is ``Kore``.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:  # the validation's pool workers import this module without the cleaner
    from dataset.build.clean import Paragraph

SAMPLE_CHARS = 100
MAX_PARAGRAPHS = 30
MIN_DETECT_CHARS = 20
MIN_OTHER_CHARS = 40
MIN_OTHER_CJK = 15
MIN_OTHER_CONFIDENCE = 0.8
SCRIPT_SAMPLE_CHARS = 2000
HAN_SHORTCUT_SHARE = 0.5
CJK_WEIGHT = 3
PREDICTION_MEMO = 16_384  # samples per process, ~7 MB; repeated paragraphs are predicted once
LABEL_PREFIX = "__label__"
LABEL_FIXES = {"als": "gsw", "bh": "bho", "sh": "sr", "no": "nb", "eml": "egl"}
KAZAKH_HAMZA, UYGHUR_HAMZA = ("\u0621", "\u0674"), "\u0626"
MODEL_PACKAGE, MODEL_FILE = "dataset", "resources/lid.176.ftz"

# ---- script tables ------------------------------------------------------------------------

# UTF-8 lead bytes whose 64 (2-byte) or 4096 (3-byte) code points belong to one script.
LEAD_BYTE_SCRIPTS: dict[int, str] = {
    **dict.fromkeys(range(0xC3, 0xCA), "Latn"),  # U+00C0-U+027F Latin-1 letters, Extended-A/B
    **dict.fromkeys((0xCE, 0xCF), "Grek"),  # U+0380-U+03FF
    **dict.fromkeys(range(0xD0, 0xD5), "Cyrl"),  # U+0400-U+053F
    **dict.fromkeys((0xD5, 0xD6), "Armn"),  # U+0540-U+05BF
    0xD7: "Hebr",  # U+05C0-U+05FF
    **dict.fromkeys((0xD8, 0xD9, 0xDA, 0xDB, 0xDD), "Arab"),  # U+0600-U+06FF, U+0740-U+077F
    **dict.fromkeys(range(0xE4, 0xEA), "Hani"),  # U+4000-U+9FFF
    **dict.fromkeys((0xEA, 0xEB, 0xEC, 0xED), "Kore"),  # U+A000-U+DFFF, mostly Hangul syllables
}
# Blocks that share a lead byte with other scripts, by their two-byte UTF-8 prefix.
PREFIX_SCRIPTS: dict[bytes, str] = {
    **dict.fromkeys((b"\xe0\xa4", b"\xe0\xa5"), "Deva"),
    **dict.fromkeys((b"\xe0\xa6", b"\xe0\xa7"), "Beng"),
    **dict.fromkeys((b"\xe0\xae", b"\xe0\xaf"), "Taml"),
    **dict.fromkeys((b"\xe0\xb8", b"\xe0\xb9"), "Thai"),
    **dict.fromkeys((b"\xe1\x82", b"\xe1\x83"), "Geor"),
    **dict.fromkeys((b"\xe1\x88", b"\xe1\x89", b"\xe1\x8a", b"\xe1\x8b"), "Ethi"),
    **dict.fromkeys((b"\xe1\xb8", b"\xe1\xb9", b"\xe1\xba", b"\xe1\xbb"), "Latn"),  # Vietnamese
    **dict.fromkeys((b"\xe1\xbc", b"\xe1\xbd", b"\xe1\xbe", b"\xe1\xbf"), "Grek"),
    **dict.fromkeys((b"\xe3\x81", b"\xe3\x82", b"\xe3\x83"), "Kana"),
}
# Not counted (rare in news text): Han Extension A below U+4000, Arabic presentation forms
# (U+FB50-U+FEFF), scripts not listed in the two tables.

# Frequent characters whose simplified and traditional forms differ (pairs, same order).
SIMPLIFIED_ONLY = (
    "这们来为说时会对国个发动战军过还进与关华实报经现员区见应问长门东车马书话听开间"
    "认让样气电总统务义头边则联欧苏亚罗尔达两种议导领论设请该谈产处击袭组织际护卫权"
    "乌诺纳鲁兰称历难无万亿从众优传伤条约级纪线练结给绝续维网胁脑举乐习买乱争亲仅价"
)
TRADITIONAL_ONLY = (
    "這們來為說時會對國個發動戰軍過還進與關華實報經現員區見應問長門東車馬書話聽開間"
    "認讓樣氣電總統務義頭邊則聯歐蘇亞羅爾達兩種議導領論設請該談產處擊襲組織際護衛權"
    "烏諾納魯蘭稱歷難無萬億從眾優傳傷條約級紀線練結給絕續維網脅腦舉樂習買亂爭親僅價"
)
KANA_SHARE_FOR_JAPANESE = 0.1
NOT_HAN_LEAD_BYTES = bytes(b for b in range(256) if LEAD_BYTE_SCRIPTS.get(b) != "Hani")
NOT_HANGUL_LEAD_BYTES = bytes(b for b in range(256) if LEAD_BYTE_SCRIPTS.get(b) != "Kore")
KANA_PREFIXES = tuple(p for p, script in PREFIX_SCRIPTS.items() if script == "Kana")
# Kana, Han (extension A, unified, compatibility) and hangul syllables: every one is 3 bytes long
# in UTF-8 (dataset/validation/rules.py counts them on the bytes).
CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
)
CJK_CHAR = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in CJK_RANGES) + "]")


# One pass over code points instead of a scan per script: the class of every BMP code point
# as the UTF-8 lead bytes above read it (the block of 64 code points, ``cp >> 6``, decides), with
# the two Han variant sets apart so the same count gives ``han_variant``. Class 0 is not
# counted: other scripts, astral code points and lone surrogates (UTF-8 "replace" reads "?").
SIMPLIFIED_HAN, TRADITIONAL_HAN = "Hani-simplified", "Hani-traditional"
POINT_CLASSES = (
    "",
    *sorted({*LEAD_BYTE_SCRIPTS.values(), *PREFIX_SCRIPTS.values()}),
    SIMPLIFIED_HAN,
    TRADITIONAL_HAN,
)
BMP_LIMIT = 0x10000


def _utf8_script(char: str) -> str:
    """The script the UTF-8 lead bytes of a non-ASCII ``char`` give ("" when not counted)."""
    if "\ud800" <= char <= "\udfff":
        return ""
    data = char.encode("utf-8")
    return LEAD_BYTE_SCRIPTS.get(data[0]) or PREFIX_SCRIPTS.get(data[:2], "")


def _point_class_table() -> np.ndarray:
    """``POINT_CLASSES`` index of every BMP code point (uint8, BMP_LIMIT entries)."""
    number = {name: i for i, name in enumerate(POINT_CLASSES)}
    blocks = [number[_utf8_script(chr(block << 6))] for block in range(2, BMP_LIMIT >> 6)]
    table = np.repeat(np.array([0, 0, *blocks], dtype=np.uint8), 64)
    for char in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
        table[ord(char)] = number["Latn"]
    for chars, name in ((SIMPLIFIED_ONLY, SIMPLIFIED_HAN), (TRADITIONAL_ONLY, TRADITIONAL_HAN)):
        table[[ord(char) for char in chars]] = number[name]
    return table


POINT_CLASS_TABLE = _point_class_table()


@dataclass(frozen=True)
class LanguageResult:
    """Language, confidence-weighted share, script and other languages of one document."""

    language: str | None = None
    language_score: float = 0.0
    script: str | None = None
    other_languages: tuple[str, ...] = ()


class ParagraphLanguage(NamedTuple):
    """The label of one paragraph (``language`` None when it was not detected).

    A named tuple, not a dataclass: documents have about ten of these each, and a frozen
    dataclass costs several times more to create.
    """

    length: int
    language: str | None
    confidence: float
    cjk_chars: int
    is_caption: bool


# ---- model --------------------------------------------------------------------------------


@functools.cache
def load_model():
    """Load the vendored lid.176.ftz (once per process, offline)."""
    import fasttext  # provided by fasttext-predict-v2: inference only, no training code

    path = importlib.resources.files(MODEL_PACKAGE) / MODEL_FILE
    with importlib.resources.as_file(path) as model_path:
        return fasttext.load_model(str(model_path))


def to_iso(label: str) -> str:
    """Map a lid.176 label ("__label__fr") to an ISO 639 code ("fr")."""
    code = label.removeprefix(LABEL_PREFIX)
    return LABEL_FIXES.get(code, code)


@functools.lru_cache(maxsize=PREDICTION_MEMO)
def predict_language(sample: str) -> tuple[str, float]:
    """Return (ISO code, confidence) for one single-line sample.

    Memoised per process (bounded LRU): the model is deterministic, and the paragraphs of
    syndicated copies and near duplicates repeat (12% of the calls on the 20,000-document
    benchmark corpus).
    """
    if sample.isupper():
        sample = sample.lower()  # lid.176 mistakes all-caps Latin text for other languages
    predictions = load_model().f.predict(sample + "\n", 1, 0.0, "replace")
    if not predictions:
        return "und", 0.0
    confidence, label = predictions[0]
    code = to_iso(label)
    if code == "ug" and is_arabic_script_kazakh(sample):
        code = "kk"
    return code, min(max(float(confidence), 0.0), 1.0)


def is_arabic_script_kazakh(sample: str) -> bool:
    """Kazakh in Arabic script marks front vowels with a standalone hamza; Uyghur writes ئ."""
    return sum(sample.count(h) for h in KAZAKH_HAMZA) > sample.count(UYGHUR_HAMZA)


# ---- scripts ------------------------------------------------------------------------------


def count_points(text: str) -> dict[str, int]:
    """Code points of ``text`` per ``POINT_CLASSES`` name, the uncounted class left out."""
    # UTF-16 code units: an astral character is two surrogates, which count as nothing.
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    counts = np.bincount(POINT_CLASS_TABLE.take(units), minlength=len(POINT_CLASSES)).tolist()
    return {POINT_CLASSES[i]: n for i, n in enumerate(counts) if n and i}


def count_scripts(text: str) -> dict[str, int]:
    """Count the letters of text per ISO 15924 script (Unicode block, from UTF-8 lead bytes)."""
    return _merge_variants(count_points(text))


def _merge_variants(counts: dict[str, int]) -> dict[str, int]:
    """``count_points`` with the two Han variant sets counted as Hani (modified in place)."""
    variants = counts.pop(SIMPLIFIED_HAN, 0) + counts.pop(TRADITIONAL_HAN, 0)
    if variants:
        counts["Hani"] = counts.get("Hani", 0) + variants
    return counts


def han_variant(text: str) -> str:
    """Hant when traditional-only characters outnumber simplified-only ones, else Hans."""
    return _han_variant_of(count_points(text))


def _han_variant_of(counts: dict[str, int]) -> str:
    """``han_variant`` of the text whose ``count_points`` are ``counts``."""
    traditional = counts.get(TRADITIONAL_HAN, 0)
    return "Hant" if traditional > counts.get(SIMPLIFIED_HAN, 0) else "Hans"


def dominant_script(text: str) -> str | None:
    """Return the ISO 15924 code of the script most of the letters are written in."""
    points = count_points(text[:SCRIPT_SAMPLE_CHARS])
    variant = _han_variant_of(points)
    counts = _merge_variants(points)
    if not counts:
        return None
    han, kana = counts.pop("Hani", 0), counts.pop("Kana", 0)
    if kana and kana >= KANA_SHARE_FOR_JAPANESE * (han + kana):
        counts["Jpan"] = han + kana
    elif han:
        counts[variant] = han + kana
    return max(sorted(counts), key=counts.__getitem__)


def count_cjk(sample: str) -> tuple[int, int]:
    """Return (Han characters, kana + hangul characters) of a sample."""
    if not CJK_CHAR.search(sample):
        return 0, 0
    data = sample.encode("utf-8", "replace")
    han = len(data.translate(None, NOT_HAN_LEAD_BYTES))
    other = sum(data.count(prefix) for prefix in KANA_PREFIXES) + len(
        data.translate(None, NOT_HANGUL_LEAD_BYTES)
    )
    return han, other


# ---- paragraphs ---------------------------------------------------------------------------


def label_paragraph(paragraph: Paragraph, force: bool = False) -> ParagraphLanguage:
    """Detect the language of one paragraph from its first SAMPLE_CHARS characters."""
    sample, label = plan_label(paragraph, force)
    return label if sample is None else with_prediction(label, predict_language(sample))


def plan_label(paragraph: Paragraph, force: bool = False) -> tuple[str | None, ParagraphLanguage]:
    """``(None, label)`` when no model call is needed, else ``(sample, label without language)``.

    Short paragraphs are not detected (unless forced); Han-only ones are ``zh`` outright.
    """
    text = paragraph.text
    sample = text[:SAMPLE_CHARS]
    han, other_cjk = count_cjk(sample)
    cjk = han + other_cjk
    if len(text) < MIN_DETECT_CHARS and not force and cjk < MIN_OTHER_CJK // 2:
        return None, ParagraphLanguage(len(text), None, 0.0, cjk, paragraph.is_caption)
    if not other_cjk and _mostly_han(sample, han):
        return None, ParagraphLanguage(len(text), "zh", 1.0, cjk, paragraph.is_caption)
    return sample, ParagraphLanguage(len(text), None, 0.0, cjk, paragraph.is_caption)


def _mostly_han(sample: str, han: int) -> bool:
    """At least HAN_SHORTCUT_SHARE of the sample's characters other than spaces are Han.

    Without Han only a sample of spaces (or an empty one) is, which needs no copy to tell.
    """
    if not han:
        return not sample.strip(" ")
    return han >= HAN_SHORTCUT_SHARE * len(sample.replace(" ", ""))


def with_prediction(label: ParagraphLanguage, prediction: tuple[str, float]) -> ParagraphLanguage:
    """``label`` with the language and confidence of a model ``prediction``."""
    language, confidence = prediction
    return ParagraphLanguage(label.length, language, confidence, label.cjk_chars, label.is_caption)


def plan_labels(paragraphs: Sequence[Paragraph]) -> list[tuple[str | None, ParagraphLanguage]]:
    """``plan_label`` of up to MAX_PARAGRAPHS paragraphs."""
    return [plan_label(p) for p in paragraphs[:MAX_PARAGRAPHS]]


def finish_labels(
    paragraphs: Sequence[Paragraph],
    plans: Sequence[tuple[str | None, ParagraphLanguage]],
    predictions: dict[str, tuple[str, float]],
) -> list[ParagraphLanguage]:
    """The labels of ``plan_labels``, predictions filled in; force one if all were too short."""
    chosen = paragraphs[:MAX_PARAGRAPHS]
    labelled = [
        label if sample is None else with_prediction(label, predictions[sample])
        for sample, label in plans
    ]
    body = [i for i, p in enumerate(chosen) if not p.is_caption]
    if body and all(labelled[i].language is None for i in body):
        longest = max(body, key=lambda i: len(chosen[i].text))
        labelled[longest] = label_paragraph(chosen[longest], force=True)
    return labelled


def choose_main_language(labels: Sequence[ParagraphLanguage]) -> tuple[str | None, float]:
    """Return the body's main language and its confidence-weighted share of the body."""
    weights: dict[str, float] = {}
    total = 0.0
    for item in labels:
        if item.is_caption or item.language is None:
            continue
        weight = vote_weight(item)
        total += weight
        weights[item.language] = weights.get(item.language, 0.0) + weight * item.confidence
    if not weights or total == 0:
        return None, 0.0
    main = max(sorted(weights), key=weights.__getitem__)
    return main, round(min(weights[main] / total, 1.0), 4)


def vote_weight(item: ParagraphLanguage) -> float:
    """A paragraph's characters, each CJK character counting CJK_WEIGHT times.

    The CJK share is the sample's (exact for paragraphs up to SAMPLE_CHARS characters).
    """
    if not item.cjk_chars:
        return float(item.length)
    share = item.cjk_chars / min(item.length, SAMPLE_CHARS)
    return item.length * (1.0 + (CJK_WEIGHT - 1) * share)


def find_other_languages(
    labels: Sequence[ParagraphLanguage],
    main: str | None,
) -> tuple[str, ...]:
    """Languages of long, confident body paragraphs other than the main one.

    Captions do not count: ``join_body`` leaves them out of the released text.
    """
    others = {
        item.language
        for item in labels
        if not item.is_caption
        and item.language not in (None, main, "und")
        and item.confidence >= MIN_OTHER_CONFIDENCE
        and (item.length >= MIN_OTHER_CHARS or item.cjk_chars >= MIN_OTHER_CJK)
    }
    return tuple(sorted(others))


def detect_languages(paragraphs: Sequence[Paragraph]) -> LanguageResult:
    """Detect main language, score, script and other languages of a document's paragraphs."""
    return detect_languages_many([paragraphs])[0]


def detect_languages_many(documents: Sequence[Sequence[Paragraph]]) -> list[LanguageResult]:
    """``[detect_languages(paragraphs) for paragraphs in documents]``, the model calls first.

    Same results (a prediction depends on its sample alone). The batch's samples are predicted
    back to back, which keeps the model in the CPU caches: 7-11% less CPU for the step than one
    document at a time (measured in benchmarks/README.md); in sorted order, so that samples of
    one script follow one another and reuse the same rows of the model (fastText's time 14-16%
    less again, 2,000 benchmark documents, 16 alternations; simulated L2 read misses -7%).
    """
    has_body = [any(not p.is_caption for p in paragraphs) for paragraphs in documents]
    plans = [
        plan_labels(paragraphs) if body else []
        for paragraphs, body in zip(documents, has_body, strict=True)
    ]
    samples = sorted({s for plan in plans for s, _ in plan if s is not None})
    predictions = {sample: predict_language(sample) for sample in samples}
    return [
        summarize_labels(paragraphs, finish_labels(paragraphs, plan, predictions))
        if body
        else LanguageResult()
        for paragraphs, plan, body in zip(documents, plans, has_body, strict=True)
    ]


def summarize_labels(
    paragraphs: Sequence[Paragraph], labels: Sequence[ParagraphLanguage]
) -> LanguageResult:
    """The document's result from its paragraph labels (at least one body paragraph)."""
    language, score = choose_main_language(labels)
    if language is None:
        return LanguageResult()
    body = [p.text for p in paragraphs if not p.is_caption]
    script = dominant_script(" ".join(_sample_body(body)))
    return LanguageResult(language, score, script, find_other_languages(labels, language))


def _sample_body(body: Sequence[str]) -> list[str]:
    """Up to SCRIPT_SAMPLE_CHARS characters, taken across paragraphs."""
    taken, size = [], 0
    for text in body:
        piece = text[: SCRIPT_SAMPLE_CHARS - size]
        taken.append(piece)
        size += len(piece)
        if size >= SCRIPT_SAMPLE_CHARS:
            break
    return taken
