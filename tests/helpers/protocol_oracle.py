"""A plain recursive Monte Carlo of the nested repeater scheme with distillation: a test oracle.

Written from the model statement (Brand, Coopmans, Elkouss 2020, Sec. II; BBPSSW on Werner states), not from
the package's engines: a level-``k`` link is the output of a swap of two independent level-``k`` inputs, each
the output of ``d_k`` distillation rounds on two independent level-``(k-1)`` links. A unit waits for both
inputs, the earlier one decays by ``exp(-|t1 - t2| / T_coh)``, and on failure (probability ``1 - p_swap`` for
a swap, ``1 - (1 + w1 w2) / 2`` for BBPSSW) both inputs are regenerated from the failure time on.
"""

from __future__ import annotations

import math

import numpy as np


def _pair(rng, make, t0, t_coh):
    t1, w1 = make(t0)
    t2, w2 = make(t0)
    decay = math.exp(-abs(t1 - t2) / t_coh) if math.isfinite(t_coh) else 1.0
    if t1 < t2:
        w1 *= decay
    else:
        w2 *= decay
    return max(t1, t2), w1, w2


def sample_nested(rng, levels, p_link, p_swap, w0, t_coh, distillation):
    """One run: (delivery round T, Werner parameter w) of a ``2**levels``-segment chain, starting at round 0."""

    def link(t0):
        return t0 + int(rng.geometric(p_link)), w0

    def distilled(level, rounds):
        below = swapped(level - 1) if level > 1 else link
        if rounds == 0:
            return below

        def make(t0):
            inner = distilled(level, rounds - 1)
            while True:
                t, w1, w2 = _pair(rng, inner, t0, t_coh)
                p_ok = (1 + w1 * w2) / 2
                if rng.random() < p_ok:
                    return t, (1 + w1 + w2 + 5 * w1 * w2) / (6 * p_ok) - 1 / 3
                t0 = t

        return make

    def swapped(level):
        def make(t0):
            inner = distilled(level, distillation[level - 1])
            while True:
                t, w1, w2 = _pair(rng, inner, t0, t_coh)
                if rng.random() < p_swap:
                    return t, w1 * w2
                t0 = t

        return make

    return swapped(levels)(0)


def nested_means(seed, samples, levels, p_link, p_swap, w0, t_coh, distillation):
    """Sample means and standard errors of T and w over ``samples`` runs."""
    rng = np.random.default_rng(seed)
    runs = np.array([sample_nested(rng, levels, p_link, p_swap, w0, t_coh, distillation) for _ in range(samples)])
    mean = runs.mean(axis=0)
    err = runs.std(axis=0, ddof=1) / math.sqrt(samples)
    return mean[0], err[0], mean[1], err[1]


def two_segment_cutoff_closed_form(p, a, tau):
    """E[T] of 2 segments with memory cutoff tau and swap probability a (derived here; cf. Inesta et al. 2023).

    One attempt: t1, t2 iid Geometric(p), d = |t1 - t2|. P(d = 0) = p/(2-p), P(d = k) = 2 p q^k/(2-p) (k >= 1),
    P(d >= k) = 2 q^k/(2-p). The attempt ends at min + min(d, tau); E[min] = 1/(p(2-p)),
    E[min(d, tau)] = sum_{k=1..tau} P(d >= k) = 2 q (1 - q^tau)/(p (2-p)). It succeeds with
    a P(d <= tau) = a (p + 2 q (1 - q^tau))/(2-p). Renewal: E[T] = E[attempt] / P(success).
    """
    q = 1 - p
    x = 2 * q * (1 - q**tau)
    return (1 + x) / (a * p * (p + x))
