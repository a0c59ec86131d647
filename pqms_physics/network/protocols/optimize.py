"""Memory cutoffs that maximise the secret-key rate of a nested repeater chain, locally or on a dask cluster.

The objective is :meth:`ProtocolResult.secret_key_rate` (secret bits per round,
``r(E[w]) / E[T]``) of the nested scheme, as a function of one integer cutoff per nesting level. The search
is a coordinate search over a finite candidate set per level (``None`` = no cutoff is always a candidate):
starting from no cutoffs, each sweep over the levels evaluates every candidate of one level with the other
levels fixed and keeps the best; sweeps repeat until nothing changes (at most :data:`MAX_SWEEPS`). Every
evaluation is a pure function of its cutoffs (the exact engine, or the Monte Carlo engine with the *same* seed
for every candidate: common random numbers), so the batch of a level can run anywhere, in any order: a
dask.distributed cluster gives the same optimum, bit for bit, as the local loop.

References
----------
B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cutoffs in quantum repeater chains",
IEEE Trans. Quantum Eng. 2, 4103015 (2021) (cutoff optimisation of the secret-key rate; they use a
differential-evolution search over the same objective).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_seed
from pqms_physics.network.protocols.result import KEY_PROTOCOLS
from pqms_physics.network.protocols.spec import ProtocolSpec
from pqms_physics.progress import ProgressArg, progress_bar

if TYPE_CHECKING:
    from distributed import Client

#: Engines an optimisation can evaluate with.
OPTIMIZE_METHODS: tuple[str, ...] = ("exact", "monte-carlo")
#: Largest number of coordinate sweeps.
MAX_SWEEPS: int = 6
#: Default Monte Carlo runs per evaluation when ``method="monte-carlo"``.
MC_SAMPLES: int = 20_000
#: Cutoff tuples whose mean waiting time exceeds ``SLOW_FACTOR`` times the no-cutoff one are never chosen (their
#: rate is below ``1 / (SLOW_FACTOR E[T]_0)``) and not simulated; exact evaluations run on at most
#: ``50 * SLOW_FACTOR * E[T]_0`` rounds (at least 4096).
SLOW_FACTOR: int = 20
#: Number of integer candidates per level of the default grid (plus 0 and None).
DEFAULT_GRID_POINTS: int = 20

Cutoffs = tuple  # one entry per level: int or None


@dataclass(frozen=True)
class CutoffOptimum:
    """Result of :func:`optimize_cutoffs`.

    Attributes
    ----------
    spec : ProtocolSpec
        The protocol at the optimum (its ``cutoff`` is the best tuple found; a level without cutoff carries
        ``2**62`` rounds there, which no waiting time reaches).
    cutoffs : tuple of (int or None)
        Best cutoff per nesting level (rounds).
    secret_key_rate : float
        Secret bits per round at the optimum.
    no_cutoff_rate : float
        Secret bits per round without any cutoff (the starting point).
    mean_time, mean_werner : float
        ``E[T]`` (rounds) and ``E[w]`` at the optimum.
    protocol, method : str
        Key protocol and engine.
    evaluations : int
        Distinct cutoff tuples evaluated.
    sweeps : int
        Coordinate sweeps done.
    seed : int or None
        Monte Carlo seed (None for the exact engine).
    """

    spec: ProtocolSpec
    cutoffs: tuple
    secret_key_rate: float
    no_cutoff_rate: float
    mean_time: float
    mean_werner: float
    protocol: str
    method: str
    evaluations: int
    sweeps: int
    seed: int | None

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return {
            "spec": self.spec.to_dict(),
            "cutoffs": list(self.cutoffs),
            "secret_key_rate": self.secret_key_rate,
            "no_cutoff_rate": self.no_cutoff_rate,
            "mean_time": self.mean_time,
            "mean_werner": self.mean_werner,
            "protocol": self.protocol,
            "method": self.method,
            "evaluations": self.evaluations,
            "sweeps": self.sweeps,
            "seed": self.seed,
        }


def default_candidates(spec: ProtocolSpec) -> list:
    """Default candidate cutoffs of every level: None, 0 and ~20 integers spaced geometrically up to a scale.

    The scale is ``3 T_coh`` for finite coherence time (beyond it a waiting link has lost most of its Werner
    parameter), otherwise ``10 / p`` (ten mean link-generation times).
    """
    top = 3.0 * spec.coherence_time if math.isfinite(spec.coherence_time) else 10.0 / spec.p_eff
    top = max(2.0, min(top, 1e6))
    grid = np.unique(np.rint(np.geomspace(1.0, top, DEFAULT_GRID_POINTS)).astype(int))
    return [None, 0, *[int(g) for g in grid]]


def _evaluate(
    spec_dict: dict,
    cutoffs: tuple,
    protocol: str,
    method: str,
    seed: int | None,
    samples: int = MC_SAMPLES,
    t_cap: int = 1 << 20,
    slow: float = math.inf,
) -> tuple:
    """Objective of one cutoff tuple: (rate, E[T], E[w]); a pure function (runs on dask workers).

    The exact engine runs on at most ``t_cap`` rounds (beyond, its geometric tail extrapolation gives
    ``E[T]``); the Monte Carlo engine is used only where that exact ``E[T] <= slow`` (slower tuples are never
    chosen, and their runs would be very long).
    """
    import warnings

    from pqms_physics.network.protocols.exact import exact_protocol

    spec = _with_cutoffs(ProtocolSpec(**spec_dict), cutoffs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = exact_protocol(spec, t_trunc=t_cap)
    if method == "monte-carlo" and res.mean_time <= slow:
        from pqms_physics.network.protocols.montecarlo import simulate

        res = simulate(spec, samples=samples, seed=seed, t_trunc=1, progress=False)
    return res.secret_key_rate(protocol), res.mean_time, res.mean_werner


def _rank(value: tuple, slow: float) -> tuple:
    """Order of evaluations: the key rate, then (where rates tie, e.g. at 0 below the key threshold) E[w];
    tuples slower than ``slow`` rounds on average come last."""
    rate, mean_t, mean_w = value
    if not mean_t <= slow:
        return (-math.inf, -math.inf)
    return (rate, mean_w if math.isfinite(mean_w) else -math.inf)


def _with_cutoffs(spec: ProtocolSpec, cutoffs: tuple) -> ProtocolSpec:
    if all(c is None for c in cutoffs):
        cut = None
    else:  # a level without cutoff: larger than any waiting time that can occur in practice
        cut = tuple(2**62 if c is None else int(c) for c in cutoffs)
    d = spec.to_dict()
    d["coherence_time"] = spec.coherence_time
    d["cutoff"] = cut
    return ProtocolSpec(**d)


def _check_candidates(candidates: Sequence | None, levels: int, spec: ProtocolSpec) -> list[list]:
    if candidates is None:
        base = default_candidates(spec)
        return [list(base) for _ in range(levels)]
    cands = list(candidates)
    per_level = bool(cands) and all(isinstance(c, (list, tuple, np.ndarray)) for c in cands)
    lists = [list(c) for c in cands] if per_level else [cands for _ in range(levels)]
    if len(lists) != levels:
        raise PQMSValueError(f"candidates must give one list per nesting level ({levels}), got {len(lists)} lists")
    out = []
    for j, lst in enumerate(lists):
        vals = [None if c is None else check_int(f"candidates[{j}]", c, 0) for c in lst]
        if not vals:
            raise PQMSValueError(f"candidates must not be empty, got an empty list for level {j + 1}")
        seen = []
        for v in [None, *vals]:
            if v not in seen:
                seen.append(v)
        out.append(seen)
    return out


def optimize_cutoffs(
    segments: int,
    p_link: float,
    *,
    p_swap: float = 1.0,
    link_werner: float = 1.0,
    coherence_time: float = math.inf,
    protocol: str = "bb84",
    method: str = "exact",
    candidates: Sequence | None = None,
    scheduler: str | Client | None = None,
    progress: ProgressArg = None,
    seed: int | None = None,
    modes: int = 1,
    samples: int = MC_SAMPLES,
) -> CutoffOptimum:
    """Per-level memory cutoffs maximising the secret-key rate of the nested scheme.

    Parameters
    ----------
    segments : int
        Number of segments, a power of two ``>= 2`` (nested scheme).
    p_link : float
        Link generation probability per round and mode, in (0, 1].
    p_swap : float, optional
        Swap success probability, in (0, 1]. Default 1.
    link_werner : float, optional
        Werner parameter of fresh links, in [0, 1]. Default 1.
    coherence_time : float, optional
        Memory coherence time in rounds, ``> 0`` (inf: perfect memories). Default inf.
    protocol : {"bb84", "six-state"}, optional
        Key protocol of :meth:`ProtocolResult.secret_key_rate`. Default ``"bb84"``.
    method : {"exact", "monte-carlo"}, optional
        Engine for each evaluation. ``"monte-carlo"`` uses ``samples`` runs per evaluation and the same
        ``seed`` for every candidate (common random numbers). Default ``"exact"``.
    candidates : sequence of int, or one sequence per level, optional
        Candidate cutoffs in rounds (``>= 0``; None = no cutoff, always included). Default
        :func:`default_candidates`.
    scheduler : distributed.Client or str, optional
        Evaluate each level's batch on a dask.distributed cluster: a Client, a scheduler address, or
        ``"local-cluster"``. Same result as the local loop. Default None (local).
    progress : None, bool or callable, optional
        Progress bar over evaluations (:func:`pqms_physics.progress.progress_bar`).
    seed : int, optional
        Monte Carlo seed, required for ``method="monte-carlo"``.
    modes : int, optional
        Multiplexed modes per segment, ``>= 1``. Default 1.
    samples : int, optional
        Monte Carlo runs per evaluation (``method="monte-carlo"``), ``>= 2``. Default 20000.

    Returns
    -------
    CutoffOptimum
        Best cutoffs, their rate, the rate without cutoffs, and the search record.

    Notes
    -----
    Maximises ``R(tau_1..tau_k) = r(E[w]) / E[T]`` (bits per round, ``r`` the key fraction of
    :func:`~pqms_physics.network.protocols.result.secret_key_fraction`) by coordinate search. Equal rates
    (in particular 0, below the key threshold, where the clipped rate is flat) are ranked by ``E[w]``, so the
    search climbs towards the region with a key; tuples whose ``E[T]`` exceeds ``SLOW_FACTOR`` (20) times the
    no-cutoff one are never chosen (cutoffs only lengthen ``E[T]``, so they lose at most rates below
    ``1 / (20 E[T]_0)``); remaining ties keep the current value, then the earlier candidate, so the result
    is deterministic. A coordinate search finds a
    coordinate-wise optimum of the candidate grid, not necessarily the global one.

    References
    ----------
    B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 4103015 (2021).

    Examples
    --------
    >>> opt = optimize_cutoffs(2, 0.1, link_werner=0.99, coherence_time=20.0, candidates=[0, 2, 5, 10, 40])
    >>> opt.cutoffs, opt.secret_key_rate > opt.no_cutoff_rate
    ((2,), True)
    """
    base = ProtocolSpec(
        segments, p_link, p_swap=p_swap, link_werner=link_werner, coherence_time=coherence_time, modes=modes
    )
    if base.segments < 2:
        raise PQMSValueError(f"segments must be >= 2 (a chain with at least one swap), got {base.segments}")
    check_choice("protocol", protocol, KEY_PROTOCOLS)
    check_choice("method", method, OPTIMIZE_METHODS)
    if method == "monte-carlo":
        if seed is None:
            raise PQMSValueError("seed must be an integer in [0, 2**64 - 1] for method='monte-carlo', got None")
        seed = check_seed("seed", seed)
    elif seed is not None:
        seed = check_seed("seed", seed)
    samples = check_int("samples", samples, 2)
    levels = base.levels
    cands = _check_candidates(candidates, levels, base)
    spec_dict = base.to_dict()
    spec_dict["coherence_time"] = base.coherence_time
    cache: dict[tuple, tuple] = {}
    t_cap, slow = 4096, math.inf
    total = 1 + MAX_SWEEPS * sum(len(c) for c in cands)

    def run_batch(keys: list[tuple], client: Client | None) -> None:
        todo = [k for k in dict.fromkeys(keys) if k not in cache]
        if not todo:
            return
        if client is None:
            for k in todo:
                cache[k] = tuple(
                    float(v) for v in _evaluate(spec_dict, k, protocol, method, seed, samples, t_cap, slow)
                )
                bar.update(1)
            return
        futures = client.map(
            _evaluate,
            [spec_dict] * len(todo),
            todo,
            [protocol] * len(todo),
            [method] * len(todo),
            [seed] * len(todo),
            [samples] * len(todo),
            [t_cap] * len(todo),
            [slow] * len(todo),
            pure=False,
        )
        for k, value in zip(todo, client.gather(futures), strict=True):
            cache[k] = tuple(float(v) for v in value)
            bar.update(1)

    def search(client: Client | None) -> tuple[tuple, int]:
        nonlocal t_cap, slow
        current: tuple = (None,) * levels
        mean0 = _evaluate(spec_dict, current, protocol, "exact", seed)[1]  # cutoffs only lengthen E[T]
        t_cap = int(max(4096, min(1 << 22, 50 * SLOW_FACTOR * mean0)))
        slow = SLOW_FACTOR * mean0
        run_batch([current], client)
        sweeps = 0
        for sweep in range(1, MAX_SWEEPS + 1):
            sweeps = sweep
            changed = False
            for j in range(levels):
                keys = [current[:j] + (c,) + current[j + 1 :] for c in cands[j]]
                run_batch(keys, client)
                best = current
                for k in keys:
                    if _rank(cache[k], slow) > _rank(cache[best], slow):
                        best = k
                if best != current:
                    current, changed = best, True
            if not changed:
                break
        return current, sweeps

    with progress_bar(progress, total, desc="cutoff search", unit="eval") as bar:
        if scheduler is None:
            best, sweeps = search(None)
        else:
            from pqms_physics.cluster import dask_client

            with dask_client(scheduler, None) as client:
                best, sweeps = search(client)
    rate, mean_t, mean_w = cache[best]
    return CutoffOptimum(
        spec=_with_cutoffs(base, best) if any(c is not None for c in best) else base,
        cutoffs=best,
        secret_key_rate=float(rate),
        no_cutoff_rate=float(cache[(None,) * levels][0]),
        mean_time=float(mean_t),
        mean_werner=float(mean_w),
        protocol=protocol,
        method=method,
        evaluations=len(cache),
        sweeps=sweeps,
        seed=seed,
    )


__all__ = ["CutoffOptimum", "OPTIMIZE_METHODS", "default_candidates", "optimize_cutoffs"]
