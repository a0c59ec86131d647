"""Exact swap-asap: a Markov chain over which links exist, with the Werner parameter carried multilinearly.

State after a round: the set of covered segments (a bitmask). Adjacent links are always swapped at once, so
every maximal run of covered segments is one link. In a round every uncovered segment succeeds with ``p``;
each run that now joins ``c >= 2`` links (old links and fresh elementary ones) needs ``c - 1`` swaps made in
that round, all of which succeed with ``p_swap**(c - 1)``; a failed swap destroys every link of its run.

Memory decoherence: a link stored through a round is multiplied by ``r = exp(-1/T_coh)``, and a swap
multiplies the Werner parameters. The delivered ``w`` is a product over the links that built it, and links
destroyed on the way must not count, so the chain carries, for each state and each subset ``A`` of its links,
``E[prod_{l in A} w_l 1{state}]``. A swap merges factors, a failure drops them, a round of storage multiplies
by ``r^|A|``: every update is linear. ``A = {}`` gives probabilities, ``A = {final link}`` gives
``E[w 1{T = t}]``. The dimension is ``sum_states 2^runs`` (81 for 4 segments), so chains up to
``MAX_SEGMENTS`` are exact; larger ones go to the Monte Carlo engine.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import sparse

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols.spec import ProtocolSpec

#: Largest chain the exact swap-asap Markov chain handles.
MAX_SEGMENTS: int = 8


def _runs(mask: int, n: int) -> list[tuple[int, int]]:
    """Maximal runs ``[start, end)`` of set bits of ``mask`` (segment ``i`` is bit ``i``)."""
    runs, i = [], 0
    while i < n:
        if mask >> i & 1:
            j = i
            while j < n and mask >> j & 1:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


@lru_cache(maxsize=32)
def _chain(n: int, p: float, p_swap: float, w0: float, r: float):
    """Sparse transition matrix on transient (state, subset) entries and the two absorbing rows."""
    full = (1 << n) - 1
    index: dict[tuple[int, int], int] = {}
    for mask in range(full):
        for sub in range(1 << len(_runs(mask, n))):
            index[(mask, sub)] = len(index)
    rows, cols, vals = [], [], []
    done_p = np.zeros(len(index))
    done_w = np.zeros(len(index))
    q = 1.0 - p
    for mask in range(full):
        old_runs = _runs(mask, n)
        free = [i for i in range(n) if not mask >> i & 1]
        for pick in range(1 << len(free)):
            new = sum(1 << free[i] for i in range(len(free)) if pick >> i & 1)
            k_new = bin(pick).count("1")
            p_gen = p**k_new * q ** (len(free) - k_new)
            if p_gen == 0.0:
                continue
            cover = mask | new
            merged = []  # per run of `cover`: (run, old-run indices inside, fresh links inside)
            for run in _runs(cover, n):
                olds = [j for j, (s, e) in enumerate(old_runs) if run[0] <= s and e <= run[1]]
                fresh = bin(new & (((1 << run[1]) - 1) ^ ((1 << run[0]) - 1))).count("1")
                merged.append((run, olds, fresh))
            risky = [m for m in merged if len(m[1]) + m[2] >= 2]
            for outcome in range(1 << len(risky)):
                prob = p_gen
                survivors = [m for m in merged if len(m[1]) + m[2] < 2]
                for i, m in enumerate(risky):
                    ok = p_swap ** (len(m[1]) + m[2] - 1)
                    if outcome >> i & 1:
                        prob *= ok
                        survivors.append(m)
                    else:
                        prob *= 1.0 - ok
                if prob == 0.0:
                    continue
                survivors.sort(key=lambda m: m[0][0])
                target = sum(((1 << e) - 1) ^ ((1 << s) - 1) for (s, e), _, _ in survivors)
                for sub_new in range(1 << len(survivors)):
                    sub_old, fresh = 0, 0
                    for i, (_, olds, f) in enumerate(survivors):
                        if sub_new >> i & 1:
                            sub_old |= sum(1 << j for j in olds)
                            fresh += f
                    coef = prob * w0**fresh * r ** bin(sub_old).count("1")
                    src = index[(mask, sub_old)]
                    if target == full:
                        (done_w if sub_new else done_p)[src] += coef
                    else:
                        rows.append(index[(target, sub_new)])
                        cols.append(src)
                        vals.append(coef)
    size = len(index)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(size, size))
    is_prob = np.array([sub == 0 for (_, sub) in index], dtype=bool)
    return matrix, done_p, done_w, is_prob, index[(0, 0)]


def swap_asap_distribution(spec: ProtocolSpec, cap: int, tail_eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``(pmf, E[w 1{T = t}])`` of swap-asap, up to ``cap`` rounds or until ``P(T > t) < tail_eps``."""
    if spec.segments > MAX_SEGMENTS:
        raise PQMSValueError(
            f"segments must be <= {MAX_SEGMENTS} for the exact swap-asap chain (use "
            f"method='monte-carlo'), got {spec.segments}"
        )
    if spec.cutoff is not None or spec.werner_cutoff is not None:
        raise PQMSValueError(
            f"cutoff: the exact swap-asap chain has no memory or fidelity cutoff (use "
            f"method='monte-carlo'), got cutoff={spec.cutoff}, werner_cutoff={spec.werner_cutoff}"
        )
    r = 0.0 if spec.coherence_time == 0 else math.exp(-1.0 / spec.coherence_time)
    matrix, done_p, done_w, is_prob, start = _chain(spec.segments, spec.p_eff, spec.p_swap, spec.link_werner, r)
    v = np.zeros(matrix.shape[0])
    v[start] = 1.0
    pmf, w = [0.0], [0.0]
    while len(pmf) < cap:
        pmf.append(float(done_p @ v))
        w.append(float(done_w @ v))
        v = matrix @ v
        if v[is_prob].sum() < tail_eps:
            break
    return np.array(pmf), np.array(w)


__all__ = ["MAX_SEGMENTS", "swap_asap_distribution"]
