"""Paired statistics for baseline × candidate comparisons, vectorised over rows.

Every function takes numpy arrays (or scalars) of counts and returns arrays, so one call
covers every candidate × task row of a comparison.

* :func:`wilson_ci` — Wilson score interval of a proportion (statsmodels
  ``proportion_confint(method="wilson")``); NaN where ``n == 0``.
* :func:`mcnemar_exact_p` — McNemar's exact test on the discordant pairs (statsmodels
  ``mcnemar(table, exact=True)``): two-sided binomial test of ``b`` successes in ``b + c``
  trials at 1/2; 1.0 when there are no discordant pairs.
* :func:`newcombe_paired_ci` — Newcombe's (1998) square-and-add interval for the difference of
  two paired proportions (his method 10: Wilson intervals of the two marginal proportions,
  combined with the estimated correlation ``phi`` of the paired design, corrected as in the
  paper: ``phi = max(AD - BC - N/2, 0) / sqrt(...)`` when ``AD > BC``). Neither statsmodels
  (``confint_proportions_2indep`` is for independent samples) nor scipy has the paired version.
* :func:`adjust_pvalues` — Holm (default) or Benjamini-Hochberg through statsmodels
  ``multipletests``; NaN p-values are left out and stay NaN.
* :func:`paired_bootstrap_mean_ci` — percentile interval of a mean paired difference from a
  seeded, vectorised bootstrap (resampling the pairs).
* :func:`wilcoxon_p` — Wilcoxon signed-rank p-value of paired differences (scipy); zero
  differences are dropped (``zero_method="wilcox"``); 1.0 when all differences are zero.
"""

from __future__ import annotations

import gc
from typing import Any

import numpy as np

__all__ = [
    "CORRECTIONS",
    "wilson_ci",
    "mcnemar_exact_p",
    "newcombe_paired_ci",
    "adjust_pvalues",
    "paired_bootstrap_mean_ci",
    "wilcoxon_p",
]

#: --correction name -> statsmodels multipletests method
CORRECTIONS = {"holm": "holm", "bh": "fdr_bh", "none": None}


def _arr(x: Any) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=float))


def wilson_ci(count: Any, n: Any, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval ``(low, high)`` of ``count / n``; NaN where ``n == 0``."""
    from statsmodels.stats.proportion import proportion_confint

    c, nn = _arr(count), _arr(n)
    low = np.full(c.shape, np.nan)
    high = np.full(c.shape, np.nan)
    ok = nn > 0
    if ok.any():
        lo, hi = proportion_confint(c[ok], nn[ok], alpha=alpha, method="wilson")
        low[ok], high[ok] = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
    return low, high


def mcnemar_exact_p(b: Any, c: Any) -> np.ndarray:
    """Exact McNemar p-value from the discordant counts ``b`` (1→0) and ``c`` (0→1)."""
    from statsmodels.stats.contingency_tables import mcnemar

    bb, cc = _arr(b), _arr(c)
    out = np.ones(bb.shape)
    for i, (x, y) in enumerate(zip(bb, cc, strict=True)):
        if x + y > 0:
            out[i] = float(mcnemar([[0, x], [y, 0]], exact=True).pvalue)
    return np.minimum(out, 1.0)


def newcombe_paired_ci(
    both: Any, first_only: Any, second_only: Any, neither: Any, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(difference, low, high)`` for ``p_first - p_second`` of paired binary outcomes.

    The 2×2 table is ``[[both, first_only], [second_only, neither]]``: rows are the first
    measurement (success, failure), columns the second. NaN where the table is empty.
    """
    a, b, c, d = _arr(both), _arr(first_only), _arr(second_only), _arr(neither)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = (a + b) / n
        p2 = (a + c) / n
        diff = p1 - p2
        l1, u1 = wilson_ci(a + b, n, alpha)
        l2, u2 = wilson_ci(a + c, n, alpha)
        denom = (a + b) * (c + d) * (a + c) * (b + d)
        num = a * d - b * c
        num = np.where(num > n / 2, num - n / 2, np.where(num >= 0, 0.0, num))
        phi = np.where(denom > 0, num / np.sqrt(np.where(denom > 0, denom, 1.0)), 0.0)
        dl = np.sqrt(np.maximum((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
        du = np.sqrt(np.maximum((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0))
    low = np.clip(diff - dl, -1.0, 1.0)
    high = np.clip(diff + du, -1.0, 1.0)
    return diff, low, high


def adjust_pvalues(p: Any, method: str = "holm", alpha: float = 0.05) -> np.ndarray:
    """Adjusted p-values (``holm``, ``bh`` or ``none``); NaNs are skipped and stay NaN."""
    from statsmodels.stats.multitest import multipletests

    from ..errors import UnknownNameError

    if method not in CORRECTIONS:
        raise UnknownNameError("correction", method, CORRECTIONS)
    pv = _arr(p)
    out = np.full(pv.shape, np.nan)
    ok = ~np.isnan(pv)
    if not ok.any():
        return out
    sm = CORRECTIONS[method]
    if sm is None or ok.sum() == 1:  # one test: nothing to adjust
        out[ok] = pv[ok]
        return out
    # multipletests(method="holm") runs gc.collect(), which costs ~0.1 s in a process holding
    # pandas, scipy and statsmodels; frozen objects are skipped by the collector
    gc.freeze()
    try:
        out[ok] = multipletests(pv[ok], alpha=alpha, method=sm)[1]
    finally:
        gc.unfreeze()
    return out


def paired_bootstrap_mean_ci(
    diffs: Any, n_boot: int = 2000, alpha: float = 0.05, seed: int = 0, chunk_elems: int = 4_000_000
) -> tuple[float, float]:
    """Percentile interval of the mean of paired differences, resampling pairs with
    replacement ``n_boot`` times (numpy ``default_rng(seed)``, vectorised in chunks)."""
    d = np.asarray(diffs, dtype=float)
    d = d[~np.isnan(d)]
    n = d.size
    if n == 0:
        return float("nan"), float("nan")
    if n == 1 or np.all(d == d[0]):
        return float(d[0]), float(d[0])
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    step = max(1, chunk_elems // n)
    for start in range(0, n_boot, step):
        k = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(k, n))
        means[start:start + k] = d[idx].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def wilcoxon_p(diffs: Any) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences (NaN when empty)."""
    from scipy.stats import wilcoxon

    d = np.asarray(diffs, dtype=float)
    d = d[~np.isnan(d)]
    if d.size == 0:
        return float("nan")
    if np.all(d == 0):
        return 1.0
    return float(wilcoxon(d, zero_method="wilcox").pvalue)
