"""Dedupe: fingerprints, MinHash signatures, LSH candidates, clusters and exact duplicates."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataset.build.dedupe import (
    band_hashes,
    candidate_pairs,
    cluster_near_duplicates,
    collapse_whitespace,
    compute_signature,
    dedupe_keys,
    dedupe_keys_many,
    estimate_jaccard,
    fingerprint_text,
    group_exact_duplicates,
    id_to_int,
    int_to_id,
    lsh_bands,
    select_exact_duplicates,
    shingle_hashes,
)
from dataset.paths import SEED_DIR

TEXTS = {
    "zh": "阿塞拜疆军队进攻纳戈尔诺-卡拉巴赫，埃里温谴责对亚美尼亚控制地区的大规模侵略。" * 3,
    "ar": "أعلنت أذربيجان أنها شنت عمليات ضد القوات الأرمينية في إقليم ناغورنو كاراباخ. " * 3,
    "vi": "Azerbaijan mở chiến dịch chống khủng bố nhằm vào quân Armenia ở vùng tranh chấp. " * 3,
    "fr": "Le président azerbaïdjanais pose des conditions pour l'arrêt de la campagne. " * 3,
}


def exact_jaccard(a: str, b: str, size: int = 5) -> float:
    sa, sb = set(shingle_hashes(a, size).tolist()), set(shingle_hashes(b, size).tolist())
    return len(sa & sb) / len(sa | sb)


def edit(text: str, every: int) -> str:
    """Replace one word in ``every`` with another word: a near copy."""
    words = text.split(" ")
    return " ".join("XYZ" if i % every == 0 else w for i, w in enumerate(words))


@pytest.mark.parametrize(
    "text",
    [
        "a \t b\n\n c ",
        "\u00a0x\u2003y\u3000",
        "",
        "   ",
        "闻 \n 讯",
        "Bakou.\n\nErevan.",  # a released body
        "a\n\n\nb",
        "\n\na",
        "a\n\n",
        "a\n\n b",
        "a\u2028\u2028b",
    ],
)
def test_collapse_whitespace_matches_the_regex_it_replaces(text):
    assert collapse_whitespace(text) == re.sub(r"\s+", " ", text).strip()


# Letters of five scripts, the space, the line break, other whitespace and an unprintable joiner.
SPACES_AND_LETTERS = "aé闻بՀ \n\t\u00a0\u3000\u2028\x85\u200d"


@given(st.text(alphabet=st.sampled_from(SPACES_AND_LETTERS)))
def test_collapse_whitespace_fast_path_never_differs(text):
    assert collapse_whitespace(text) == " ".join(text.split())


def test_every_whitespace_but_the_space_is_unprintable():
    # collapse_whitespace takes a printable text for one without tabs, breaks or odd spaces.
    printable_spaces = [
        c for c in map(chr, range(0x110000)) if c.isspace() and c.isprintable() and c != " "
    ]
    assert printable_spaces == []


MULTILINGUAL = [
    *TEXTS.values(),
    "Հայաստանի և Ադրբեջանի բանակցությունները շարունակվում են Երևանում։",
    "Переговоры в Баку\n\nпродолжатся завтра.",
    "Hội nghị ở Hà Nội kéo dài ba ngày.",
    "",
    "   ",
    "\n\n",
    "ab",
    "阿塞拜",
    "abcde",
]


@given(st.lists(st.sampled_from(MULTILINGUAL), max_size=12), st.integers(1, 7))
def test_dedupe_keys_many_equals_one_text_at_a_time(texts, size):
    many = dedupe_keys_many(texts, size, 32)
    single = [dedupe_keys(text, size, 32) for text in texts]
    assert [fp for fp, _ in many] == [fp for fp, _ in single]
    for (_, got), (_, want) in zip(many, single, strict=True):
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_dedupe_keys_many_is_the_same_in_chunks_of_any_size(monkeypatch):
    whole = dedupe_keys_many(MULTILINGUAL, 5, 64)
    for limit in (1, 40, 300):
        monkeypatch.setattr("dataset.build.dedupe._HASH_CHUNK", limit)
        chunked = dedupe_keys_many(MULTILINGUAL, 5, 64)
        assert [(fp, sig.tobytes()) for fp, sig in chunked] == [
            (fp, sig.tobytes()) for fp, sig in whole
        ]


def test_fingerprint_ignores_case_whitespace_and_normalization_form():
    assert fingerprint_text("Bakou  ÉTÉ\n\nla") == fingerprint_text("bakou e\u0301te\u0301 la")
    assert fingerprint_text(TEXTS["zh"]) != fingerprint_text(TEXTS["ar"])


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_signature_is_deterministic_uint32_of_the_requested_length(language):
    a = compute_signature(TEXTS[language], 5, 128)
    b = compute_signature(TEXTS[language], 5, 128)
    assert a.dtype == np.uint32 and a.shape == (128,)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("text", ["", " ", "ab", "阿塞"])
def test_short_and_empty_texts_give_one_shingle(text):
    assert len(shingle_hashes(text, 5)) == 1
    assert compute_signature(text, 5, 64).shape == (64,)


def test_signature_ignores_case_and_whitespace_runs():
    assert np.array_equal(
        compute_signature("Le  Président\n\nde", 5, 128),
        compute_signature("le président de", 5, 128),
    )


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_estimate_tracks_exact_jaccard(language):
    base = TEXTS[language] + " ".join(str(i) for i in range(60))
    for every in (7, 3):
        other = edit(base, every)
        estimate = estimate_jaccard(
            compute_signature(base, 5, 256), compute_signature(other, 5, 256)
        )
        assert abs(estimate - exact_jaccard(base, other)) < 0.12


def test_candidate_pairs_are_rows_sharing_a_band():
    bands = np.array([[1, 2], [1, 3], [4, 3], [5, 6]], dtype=np.uint64)
    assert candidate_pairs(bands).tolist() == [[0, 1], [1, 2]]
    assert candidate_pairs(bands[:1]).shape == (0, 2)


def test_lsh_bands_fit_in_the_signature():
    bands, rows = lsh_bands(0.8, 128)
    assert bands * rows <= 128
    signatures = np.stack([compute_signature(t, 5, 128) for t in TEXTS.values()])
    assert band_hashes(signatures, bands, rows).shape == (len(TEXTS), bands)


@pytest.mark.parametrize("permutations", [16, 64, 128, 256])
def test_lsh_bands_equal_datasketchs_optimum(permutations):
    from datasketch.lsh import _optimal_param

    for threshold in (0.1, 0.25, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        expected = _optimal_param(threshold, permutations, 0.2, 0.8)
        assert lsh_bands(threshold, permutations) == expected, threshold


def cluster_texts(texts: dict[str, str], threshold: float = 0.8) -> dict[str, str]:
    ids = sorted(texts)
    signatures = np.stack([compute_signature(texts[i], 5, 128) for i in ids])
    clusters = cluster_near_duplicates(
        np.array([id_to_int(i) for i in ids], dtype=np.uint64), signatures, threshold, 128
    )
    return {i: int_to_id(c) for i, c in zip(ids, clusters, strict=True)}


def test_near_copies_share_the_smallest_id_as_cluster_and_others_stay_alone():
    seeds = sorted(SEED_DIR.glob("*.txt"))
    base = seeds[2].read_text(encoding="utf-8")
    near = edit(base, 40)
    assert exact_jaccard(base, near) > 0.85
    texts = {
        "000000000000000b": base,
        "000000000000000a": near,
        "00000000000000c1": seeds[0].read_text(encoding="utf-8"),
        "00000000000000c2": seeds[1].read_text(encoding="utf-8"),
        "00000000000000c3": seeds[3].read_text(encoding="utf-8"),
    }
    clusters = cluster_texts(texts)
    assert clusters["000000000000000b"] == clusters["000000000000000a"] == "000000000000000a"
    for other in ("00000000000000c1", "00000000000000c2", "00000000000000c3"):
        assert clusters[other] == other


def test_clusters_do_not_depend_on_row_order():
    texts = {f"{i:016x}": TEXTS[k] + f" {i}" for i, k in enumerate(sorted(TEXTS) * 2)}
    ids = list(texts)
    signatures = np.stack([compute_signature(texts[i], 5, 128) for i in ids])
    as_int = np.array([id_to_int(i) for i in ids], dtype=np.uint64)
    forward = cluster_near_duplicates(as_int, signatures, 0.8, 128)
    order = np.arange(len(ids))[::-1]
    backward = cluster_near_duplicates(as_int[order], signatures[order], 0.8, 128)
    assert forward[order].tolist() == backward.tolist()


def chain_signatures(length: int, step: int) -> np.ndarray:
    """Signatures where each row differs from the one before it in ``step`` fresh slots."""
    rows = [np.arange(128, dtype=np.uint32)]
    for k in range(1, length):
        row = rows[-1].copy()
        slots = np.arange(k * step, (k + 1) * step) % 128
        row[slots] = 1_000 * k + slots
        rows.append(row)
    return np.stack(rows)


def test_a_chain_of_similar_neighbours_does_not_join_unrelated_ends():
    signatures = chain_signatures(8, 20)  # neighbours share 108/128 = 0.84, every second 0.69
    assert estimate_jaccard(signatures[0], signatures[1]) > 0.8
    assert estimate_jaccard(signatures[0], signatures[2]) < 0.7
    ids = np.arange(1, 9, dtype=np.uint64)
    clusters = cluster_near_duplicates(ids, signatures, 0.8, 128)
    assert clusters.tolist() == [1, 1, 3, 3, 5, 5, 7, 7]
    for a in range(8):  # every member is similar to its cluster's representative
        assert estimate_jaccard(signatures[a], signatures[int(clusters[a]) - 1]) >= 0.8


@pytest.mark.parametrize("seed", range(5))
def test_chain_guard_gives_the_same_clusters_in_any_row_order(seed):
    signatures = chain_signatures(12, 14)
    ids = np.random.default_rng(seed).permutation(np.arange(100, 112, dtype=np.uint64))
    forward = cluster_near_duplicates(ids, signatures, 0.8, 128)
    order = np.random.default_rng(seed + 10).permutation(12)
    shuffled = cluster_near_duplicates(ids[order], signatures[order], 0.8, 128)
    assert forward[order].tolist() == shuffled.tolist()


def test_inactive_rows_are_left_out_of_clusters():
    texts = [TEXTS["fr"] * 4, TEXTS["fr"] * 4]
    signatures = np.stack([compute_signature(t, 5, 128) for t in texts])
    ids = np.array([2, 1], dtype=np.uint64)
    assert cluster_near_duplicates(ids, signatures, 0.8, 128).tolist() == [1, 1]
    active = np.array([True, False])
    assert cluster_near_duplicates(ids, signatures, 0.8, 128, active).tolist() == [2, 1]


def test_exact_duplicates_keep_the_smallest_id_then_the_first_document():
    ids = np.array([5, 3, 9, 3, 7], dtype=np.uint64)
    fps = np.array([[1, 1], [1, 1], [2, 0], [1, 1], [3, 0]], dtype=np.uint64)
    order_keys = np.array([0, 4, 1, 2, 3])
    keeper_of = select_exact_duplicates(ids, fps, order_keys)
    # Group {0, 1, 3}: smallest id 3 at rows 1 and 3; row 3 has the smaller order key.
    assert keeper_of.tolist() == [3, 3, -1, -1, -1]


def test_exact_duplicates_of_nothing():
    empty = np.array([], dtype=np.uint64)
    assert select_exact_duplicates(empty, empty.reshape(0, 2), empty).tolist() == []
    assert group_exact_duplicates([]) == {}


def test_group_exact_duplicates_by_fingerprint():
    fp = fingerprint_text(TEXTS["ar"])
    pairs = [("00000000000000ff", fp), ("0000000000000001", fp), ("0000000000000002", "0" * 64)]
    assert group_exact_duplicates(pairs) == {"00000000000000ff": "0000000000000001"}


def test_benchmark_cluster_score_counts_pairs():
    import polars as pl

    from benchmarks.near_duplicates import score_clusters

    frame = pl.DataFrame(
        {"cluster": ["a", "a", "a", "d", "e"], "family": [1, 1, 2, 4, 4]}
    )  # one wrong pair joined twice, one true pair missed
    scores = score_clusters(frame)
    assert scores["predicted_pairs"] == 3 and scores["true_pairs"] == 2
    assert scores["precision"] == pytest.approx(1 / 3) and scores["recall"] == pytest.approx(1 / 2)
    assert scores["mixed_clusters"] == 1 and scores["most_families_in_a_cluster"] == 2
