"""compsec_tasks.compare.stats on known tables: McNemar, Wilson, Newcombe, Holm/BH, bootstrap."""

from __future__ import annotations

import math
from math import comb

import numpy as np
import pytest

from compsec_tasks.compare import stats
from compsec_tasks.errors import UnknownNameError

Z = 1.959963984540054


def _binom_two_sided(b: int, c: int) -> float:
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    return min(1.0, 2 * sum(comb(n, i) for i in range(k + 1)) / 2**n)


@pytest.mark.parametrize(
    ("b", "c", "expected"),
    [
        (1, 9, 0.021484375),  # 2 * (1 + 9 + ... ) hand-computed: 2 * 11 / 1024
        (0, 6, 0.03125),  # 2 / 64
        (2, 10, 0.03857421875),  # 2 * (1 + 12 + 66) / 4096
        (11, 2, 0.0224609375),  # 2 * (1 + 13 + 78) / 8192
        (5, 5, 1.0),
        (0, 0, 1.0),  # no discordant pairs
        (0, 1, 1.0),
    ],
)
def test_mcnemar_exact_matches_the_binomial(b: int, c: int, expected: float) -> None:
    assert _binom_two_sided(b, c) == pytest.approx(expected)
    assert stats.mcnemar_exact_p(b, c)[0] == pytest.approx(expected, abs=1e-12)
    assert stats.mcnemar_exact_p(c, b)[0] == pytest.approx(expected, abs=1e-12)  # symmetric


def test_mcnemar_is_vectorised() -> None:
    p = stats.mcnemar_exact_p([1, 0, 11], [9, 0, 2])
    assert p == pytest.approx([0.021484375, 1.0, 0.0224609375])


def _wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (5, 10, 0.2366, 0.7634),  # textbook values
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (0, 6, 0.0, 0.3903),
        (31, 40, 0.6250, 0.8768),  # by hand: centre 0.7509, half-width 0.1259
    ],
)
def test_wilson_bounds(k: int, n: int, low: float, high: float) -> None:
    lo, hi = stats.wilson_ci(k, n)
    assert lo[0] == pytest.approx(low, abs=1e-4)
    assert hi[0] == pytest.approx(high, abs=1e-4)
    hl, hh = _wilson(k, n)
    assert lo[0] == pytest.approx(max(hl, 0.0), abs=1e-9)
    assert hi[0] == pytest.approx(min(hh, 1.0), abs=1e-9)


def test_wilson_is_nan_for_empty() -> None:
    lo, hi = stats.wilson_ci([0, 3], [0, 5])
    assert math.isnan(lo[0]) and math.isnan(hi[0])
    assert not math.isnan(lo[1])


def _newcombe_scalar(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    """Newcombe (1998) method 10, written out as in the paper for one table."""
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = _wilson(a + b, n)
    l2, u2 = _wilson(a + c, n)
    l1, l2 = max(l1, 0.0), max(l2, 0.0)
    u1, u2 = min(u1, 1.0), min(u2, 1.0)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    if denom == 0:
        phi = 0.0
    else:
        x: float = a * d - b * c
        x = x - n / 2 if x > n / 2 else (0.0 if x >= 0 else x)
        phi = x / math.sqrt(denom)
    est = p1 - p2
    low = est - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    high = est + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    return est, low, high


@pytest.mark.parametrize(
    "table",
    [
        (1, 1, 7, 12),  # Bentur et al. 2009 (Fagerland et al., paired 2x2 chapter)
        (59, 6, 16, 80),  # Cavo et al. 2012
        (20, 2, 11, 7),
        (0, 0, 0, 10),
        (10, 0, 0, 0),
        (3, 4, 0, 0),
        (5, 0, 5, 5),
    ],
)
def test_newcombe_paired_interval(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    est, lo, hi = stats.newcombe_paired_ci(a, b, c, d)
    e_est, e_lo, e_hi = _newcombe_scalar(a, b, c, d)
    assert est[0] == pytest.approx(e_est)
    assert lo[0] == pytest.approx(max(e_lo, -1.0), abs=1e-12)
    assert hi[0] == pytest.approx(min(e_hi, 1.0), abs=1e-12)
    assert -1.0 <= lo[0] <= est[0] <= hi[0] <= 1.0
    # swapping the two measurements mirrors the interval
    m_est, m_lo, m_hi = stats.newcombe_paired_ci(a, c, b, d)
    assert m_est[0] == pytest.approx(-est[0])
    assert m_lo[0] == pytest.approx(-hi[0])
    assert m_hi[0] == pytest.approx(-lo[0])


def test_newcombe_matches_the_published_cavo_example() -> None:
    # Cavo et al. 2012 as worked in Fagerland, Lydersen & Laake, "Statistical Analysis of
    # Contingency Tables", chapter 8: estimate -0.0621, 95% CI -0.1186 to -0.0046
    est, lo, hi = stats.newcombe_paired_ci(59, 6, 16, 80)
    assert round(float(est[0]), 4) == -0.0621
    assert round(float(lo[0]), 4) == -0.1186
    assert round(float(hi[0]), 4) == -0.0046


def test_newcombe_empty_table_is_nan() -> None:
    est, lo, hi = stats.newcombe_paired_ci(0, 0, 0, 0)
    assert math.isnan(est[0]) and math.isnan(lo[0]) and math.isnan(hi[0])


@pytest.mark.parametrize(
    ("method", "pvals", "expected"),
    [
        # Holm: sort ascending, multiply by (m - rank + 1), take the running max, cap at 1
        ("holm", [0.01, 0.04, 0.03, 0.005], [0.03, 0.06, 0.06, 0.02]),
        ("holm", [0.5, 0.01], [0.5, 0.02]),
        # Benjamini-Hochberg: p * m / rank, running min from the largest
        ("bh", [0.01, 0.04, 0.03, 0.005], [0.02, 0.04, 0.04, 0.02]),
        ("none", [0.01, 0.04], [0.01, 0.04]),
        ("holm", [0.2], [0.2]),
    ],
)
def test_adjust_pvalues(method: str, pvals: list[float], expected: list[float]) -> None:
    assert stats.adjust_pvalues(pvals, method) == pytest.approx(expected)


def test_adjust_pvalues_keeps_nan_out() -> None:
    out = stats.adjust_pvalues([0.01, float("nan"), 0.04], "holm")
    assert out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.04)
    assert math.isnan(out[1])


def test_adjust_pvalues_unknown_method() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'holm'"):
        stats.adjust_pvalues([0.1], "hlm")


def test_bootstrap_is_seeded_and_brackets_the_mean() -> None:
    rng = np.random.default_rng(1)
    d = rng.normal(0.3, 1.0, size=500)
    a = stats.paired_bootstrap_mean_ci(d, n_boot=1000, seed=7)
    b = stats.paired_bootstrap_mean_ci(d, n_boot=1000, seed=7)
    assert a == b
    assert a[0] < d.mean() < a[1]
    # chunking does not change the draws' distribution much: same seed, small chunks
    c = stats.paired_bootstrap_mean_ci(d, n_boot=1000, seed=7, chunk_elems=600)
    assert c[0] == pytest.approx(a[0], abs=0.05) and c[1] == pytest.approx(a[1], abs=0.05)
    assert stats.paired_bootstrap_mean_ci([0.5, 0.5, 0.5]) == (0.5, 0.5)
    assert all(math.isnan(x) for x in stats.paired_bootstrap_mean_ci([]))


def test_wilcoxon_p() -> None:
    from scipy.stats import wilcoxon

    d = [0.5, 1.5, -0.3, 0.2, 1.0, 0.0, 0.1, -0.1]
    assert stats.wilcoxon_p(d) == pytest.approx(wilcoxon([x for x in d if x != 0]).pvalue)
    assert stats.wilcoxon_p([0.0, 0.0]) == 1.0
    assert math.isnan(stats.wilcoxon_p([]))
