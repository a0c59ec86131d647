"""Exact swap-asap: a Markov chain over the stored links and their ages, Werner parameter carried multilinearly.

State after a round: the set of covered segments (a bitmask) and, with a memory cutoff ``tau``, the age of each
stored link. Adjacent links are always swapped at once, so every maximal run of covered segments is one link.
In a round every uncovered segment succeeds with ``p``; each run that now joins ``c >= 2`` links (old links and
fresh elementary ones) needs ``c - 1`` swaps made in that round, all of which succeed with ``p_swap**(c - 1)``; a
failed swap destroys every link of its run.

Memory cutoff (the semantics of the Monte Carlo engine, :mod:`pqms_physics.kernels.protocol_reference`): the age
of a link is the number of rounds since its creation, by generation *or by the swap that made it* (a swap makes
a new link of age 0). A link stored through a round gets one round older; a link whose age reaches ``tau``
without being swapped is discarded at the end of that round and its segments regenerate from the next round.
So a link created in round ``c`` can still be swapped in round ``c + tau`` (``|t1 - t2| <= tau`` is kept), stored
ages are ``0 .. tau - 1``, and ``tau = 0`` means that every swap of the chain happens in one round. A link
that spans the chain is delivered before any discard.

Memory decoherence: a link stored through a round is multiplied by ``r = exp(-1/T_coh)``, and a swap
multiplies the Werner parameters. The delivered ``w`` is a product over the links that built it, and links
destroyed on the way must not count, so the chain carries, for each state and each subset ``A`` of its links,
``E[prod_{l in A} w_l 1{state}]``. A swap merges factors, a failure or a discard drops them, a round of storage
multiplies by ``r^|A|``: every update is linear. ``A = {}`` gives probabilities, ``A = {final link}`` gives
``E[w 1{T = t}]``.

State-space size: ``sum over masks != full of (2 m)^runs(mask)`` with ``m = tau`` (``m = 1`` without cutoff),
see :func:`chain_size`: ``1 + 18 m + 20 m^2`` for 4 segments (39 without cutoff, 8361 at ``tau = 20``),
``1 + 28 m + 60 m^2 + 8 m^3`` for 5 segments (88561 at ``tau = 20``). Chains up to ``MAX_SEGMENTS`` segments and
``MAX_CHAIN_SIZE`` entries are exact; larger ones go to the Monte Carlo engine. A fidelity cutoff is not
carried (the Werner parameter of a stored link is random): use the Monte Carlo engine.
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
#: Largest dimension (states times subsets) of the exact chain.
MAX_CHAIN_SIZE: int = 400_000


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


def _radix(tau: int | None) -> int:
    """Number of stored ages, ``0 .. tau - 1`` (one, never counted, without a cutoff)."""
    return 1 if tau is None else tau


def chain_size(segments: int, tau: int | None) -> int:
    """Dimension of the exact swap-asap chain: ``sum over masks != full of (2 m)^runs``, ``m = tau`` (1 if None).

    Examples
    --------
    >>> chain_size(4, None), chain_size(4, 0), chain_size(4, 20)
    (39, 1, 8361)
    """
    m = _radix(tau)
    return sum((2 * m) ** len(_runs(mask, segments)) for mask in range((1 << segments) - 1))


def _merge(mask: int, new: int, n: int) -> list[tuple[tuple[int, int], list[int], int]]:
    """Per run of ``mask | new``: (run, indices of the old runs inside, number of fresh links inside)."""
    old_runs = _runs(mask, n)
    merged = []
    for run in _runs(mask | new, n):
        olds = [j for j, (s, e) in enumerate(old_runs) if run[0] <= s and e <= run[1]]
        fresh = bin(new & (((1 << run[1]) - 1) ^ ((1 << run[0]) - 1))).count("1")
        merged.append((run, olds, fresh))
    return merged


@lru_cache(maxsize=16)
def _chain(n: int, p: float, p_swap: float, w0: float, r: float, tau: int | None):
    """Stacked sparse matrix: transient transition rows, then the ``P(T = t)``, ``E[w 1{T = t}]`` and
    ``P(T > t)`` rows, each applied to the entries after round ``t - 1``; and the start index.

    Entry ``(mask, ages, sub)`` lies at ``base[mask] + code(ages) 2^k + sub`` (``k`` runs, ``code`` the ages in
    radix ``m``, ``sub`` the subset bits of the runs, left to right).
    """
    full, m = (1 << n) - 1, _radix(tau)
    base, size = {}, 0
    for mask in range(full):
        base[mask] = size
        size += (2 * m) ** len(_runs(mask, n))
    rows, cols, vals = [], [], []
    done_p, done_w, is_prob = np.zeros(size), np.zeros(size), np.zeros(size)
    q = 1.0 - p
    for mask in range(full):
        k = len(_runs(mask, n))
        codes = np.arange(m**k)
        if codes.size == 0:
            continue
        ages = (codes[:, None] // m ** np.arange(k)) % m  # (m^k, k)
        is_prob[base[mask] + codes * (1 << k)] = 1.0
        free = [i for i in range(n) if not mask >> i & 1]
        for pick in range(1 << len(free)):
            new = sum(1 << free[i] for i in range(len(free)) if pick >> i & 1)
            k_new = bin(pick).count("1")
            p_gen = p**k_new * q ** (len(free) - k_new)
            if p_gen == 0.0:
                continue
            merged = _merge(mask, new, n)
            risky = [x for x in merged if len(x[1]) + x[2] >= 2]
            for outcome in range(1 << len(risky)):
                prob = p_gen
                survivors = [x for x in merged if len(x[1]) + x[2] < 2]
                for i, x in enumerate(risky):
                    ok = p_swap ** (len(x[1]) + x[2] - 1)
                    prob *= ok if outcome >> i & 1 else 1.0 - ok
                    if outcome >> i & 1:
                        survivors.append(x)
                if prob == 0.0:
                    continue
                survivors.sort(key=lambda x: x[0][0])
                if len(survivors) == 1 and survivors[0][0] == (0, n):  # delivered, before any discard
                    olds, fresh = survivors[0][1], survivors[0][2]
                    src = base[mask] + codes * (1 << k)
                    done_p[src] += prob
                    done_w[src + sum(1 << j for j in olds)] += prob * w0**fresh * r ** len(olds)
                    continue
                _add_moves(rows, cols, vals, base, mask, k, codes, ages, survivors, prob, w0, r, tau)
    matrix = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size))
    stacked = sparse.vstack([matrix, sparse.csr_matrix(np.vstack([done_p, done_w, is_prob]))]).tocsr()
    return stacked, base[0]


def _add_moves(rows, cols, vals, base, mask, k, codes, ages, survivors, prob, w0, r, tau) -> None:
    """Append the moves of one (generation, swap outcome) from every age assignment of ``mask``.

    A survivor that is one old link (index ``j``) gets age ``a_j + 1``; a swapped or fresh one age 0. With a
    cutoff, survivors of age ``tau`` are discarded; which ones depends on the ages, so the age assignments
    are grouped by the set of discarded old links.
    """
    m = _radix(tau)
    single = [i for i, x in enumerate(survivors) if len(x[1]) == 1 and x[2] == 0]
    for dropped in range(1 << len(single)) if tau is not None else [0]:
        sel = np.ones(codes.size, dtype=bool)
        gone = set()
        for b, i in enumerate(single):
            j = survivors[i][1][0]
            if dropped >> b & 1:
                sel &= ages[:, j] == tau - 1
                gone.add(i)
            elif tau is not None:
                sel &= ages[:, j] < tau - 1
        if tau == 0:  # swapped and fresh links are discarded in the round they appear
            gone |= set(range(len(survivors)))
        if not sel.any():
            continue
        alive = [x for i, x in enumerate(survivors) if i not in gone]
        target = sum(((1 << e) - 1) ^ ((1 << s) - 1) for (s, e), _, _ in alive)
        k2 = len(alive)
        tcode = np.zeros(int(sel.sum()), dtype=np.int64)
        if tau is not None:
            for pos, (_, olds, fresh) in enumerate(alive):
                if len(olds) == 1 and fresh == 0:
                    tcode += (ages[sel, olds[0]] + 1) * m**pos
        src0 = base[mask] + codes[sel] * (1 << k)
        dst0 = base[target] + tcode * (1 << k2)
        for sub_new in range(1 << k2):
            sub_old, fresh = 0, 0
            for i, (_, olds, f) in enumerate(alive):
                if sub_new >> i & 1:
                    sub_old |= sum(1 << j for j in olds)
                    fresh += f
            rows.append(dst0 + sub_new)
            cols.append(src0 + sub_old)
            vals.append(np.full(src0.size, prob * w0**fresh * r ** bin(sub_old).count("1")))


def swap_asap_distribution(spec: ProtocolSpec, cap: int, tail_eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``(pmf, E[w 1{T = t}])`` of swap-asap, up to ``cap`` rounds or until ``P(T > t) < tail_eps``.

    Parameters
    ----------
    spec : ProtocolSpec
        A ``"swap-asap"`` protocol with at most ``MAX_SEGMENTS`` segments, an int or no memory cutoff (rounds)
        and no fidelity cutoff.
    cap : int
        Length of the arrays at most (rounds ``0 .. cap - 1``).
    tail_eps : float
        Stop once the probability of no delivery yet is below this.

    Returns
    -------
    tuple of numpy.ndarray
        ``pmf[t] = P(T = t)`` and ``E[w 1{T = t}]`` (``t`` in rounds, index 0 is 0).

    Examples
    --------
    >>> pmf, _ = swap_asap_distribution(ProtocolSpec(3, 0.5, scheme="swap-asap", cutoff=0), 10**6, 1e-20)
    >>> print(f"{(np.arange(pmf.size) * pmf).sum():.6f}")   # every link in one round: 1 / p^3
    8.000000
    """
    if spec.segments > MAX_SEGMENTS:
        raise PQMSValueError(
            f"segments must be <= {MAX_SEGMENTS} for the exact swap-asap chain (use "
            f"method='monte-carlo'), got {spec.segments}"
        )
    if spec.werner_cutoff is not None:
        raise PQMSValueError(
            f"werner_cutoff: the exact swap-asap chain has no fidelity cutoff beyond 2 segments (use "
            f"method='monte-carlo'), "
            f"got werner_cutoff={spec.werner_cutoff}"
        )
    tau = spec.cutoff
    if tau is not None and tau >= cap - 2:  # a discard (end of round >= tau + 1) shows from round tau + 2 on
        tau = None
    size = chain_size(spec.segments, tau)
    if size > MAX_CHAIN_SIZE:
        raise PQMSValueError(
            f"cutoff={tau} with segments={spec.segments}: the exact swap-asap chain would have {size} entries "
            f"(more than {MAX_CHAIN_SIZE}); use method='monte-carlo' or a smaller cutoff"
        )
    r = 0.0 if spec.coherence_time == 0 else math.exp(-1.0 / spec.coherence_time)
    stacked, start = _chain(spec.segments, spec.p_eff, spec.p_swap, spec.link_werner, r, tau)
    v = np.zeros(stacked.shape[1])
    v[start] = 1.0
    pmf, w = [0.0], [0.0]
    while len(pmf) < cap:
        out = stacked @ v
        if out[-1] < tail_eps:  # P(T > t) for the entries v after round t
            break
        pmf.append(float(out[-3]))
        w.append(float(out[-2]))
        v = out[:-3]
    return np.array(pmf), np.array(w)


__all__ = ["MAX_CHAIN_SIZE", "MAX_SEGMENTS", "chain_size", "swap_asap_distribution"]
