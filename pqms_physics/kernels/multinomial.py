"""The one exact multinomial sampler: counts drawn from their law in O(1) time in the number of pairs.

Where the counter-based kernels (:mod:`.sample`) walk every pair, this sampler draws the counts of a
run directly from their exact distribution with NumPy's ``Generator.multinomial``. The CHSH
estimator (:mod:`pqms_physics.chsh.estimate`) and the pool-bias experiments
(:mod:`pqms_physics.nct.pools`) both use it, with one seeding scheme and one stream name:

- generator: ``numpy.random.Generator(PCG64(SeedSequence(seed, spawn_key=(stream,))))``;
- setting rules as in the kernels: ``"random"`` draws ``Multinomial(n, probs / S)`` over the
  ``S*K`` (setting, outcome) cells flattened setting-major; ``"cyclic"`` and ``"blocks"`` give
  setting ``s`` exactly the pairs the kernels give it (``i mod S`` or block ``i // (N / S)`` of
  global pair ``i``) and draw ``Multinomial(n_s, probs[s])`` per setting;
- with ``window``: one such draw per window (windows in pair order), then the counts are the sums;
- draws happen in one call, for all (window, setting) at once, so the order is fixed.

The stream is named :data:`MULTINOMIAL_STREAM_VERSION`; results record it together with the NumPy
version, because NumPy does not promise that ``Generator.multinomial`` maps a stream to the same
counts across versions (NEP 19). The same seed, stream, table, rule, window and NumPy version give
the same counts. Unlike the kernels, shards of a run cannot be drawn separately and added: the
counts of the whole run come from one call.

References
----------
NumPy Enhancement Proposal 19, "Random number generator policy" (stream compatibility).
M. E. O'Neill, "PCG: A family of simple fast space-efficient statistically good algorithms for
random number generation", HMC-CS-2014-0905 (2014).

Examples
--------
>>> res = sample_multinomial([[0.5, 0.5], [0.9, 0.1]], 1000, seed=1, setting_choice="cyclic")
>>> res.counts.sum(axis=1).tolist(), res.stream_version.startswith(MULTINOMIAL_STREAM_VERSION)
([500, 500], True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_seed
from pqms_physics.kernels._plan import MAX_TOTAL_PAIRS, MAX_WINDOW_ENTRIES
from pqms_physics.kernels.rng import SETTING_CHOICES, validate_probs

#: Name of the multinomial stream defined above (the NumPy version is appended in results).
MULTINOMIAL_STREAM_VERSION: str = "pcg64-seedsequence-spawnkey-stream-multinomial-v1"


@dataclass(frozen=True, eq=False)
class MultinomialCounts:
    """Counts of an exact multinomial draw per (setting, outcome), optionally per window.

    Attributes
    ----------
    counts : numpy.ndarray of int64, shape (S, K)
        Pairs with setting ``s`` and outcome ``o`` (read-only).
    window_counts : numpy.ndarray of int64, shape (n_windows, S, K), or None
        The same per window of ``window`` consecutive pairs (read-only).
    pairs, seed, stream : int
        Number of pairs and the stream ``(seed, stream)``.
    setting_choice : str
        "random", "cyclic" or "blocks".
    window : int or None
        Window size in pairs.
    stream_version : str
        :data:`MULTINOMIAL_STREAM_VERSION` plus ``+numpy-<version>``.
    device : str
        Always ``"numpy"``.
    """

    counts: np.ndarray
    window_counts: np.ndarray | None
    pairs: int
    seed: int
    stream: int
    setting_choice: str
    window: int | None
    stream_version: str
    device: str = "numpy"

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-ready) dictionary of every field."""
        return {
            "counts": self.counts.tolist(),
            "window_counts": None if self.window_counts is None else self.window_counts.tolist(),
            "pairs": self.pairs,
            "seed": self.seed,
            "stream": self.stream,
            "setting_choice": self.setting_choice,
            "window": self.window,
            "stream_version": self.stream_version,
            "device": self.device,
        }


def multinomial_generator(seed: int, stream: int = 0) -> np.random.Generator:
    """The generator of the stream ``(seed, stream)``: ``PCG64(SeedSequence(seed, spawn_key=(stream,)))``.

    Examples
    --------
    >>> int(multinomial_generator(3).integers(10**6)) == int(multinomial_generator(3).integers(10**6))
    True
    """
    seed = check_seed("seed", seed)
    stream = check_seed("stream", stream)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stream,))))


def setting_pairs(n_settings: int, lo: int, hi: int, setting_choice: str, total_pairs: int) -> np.ndarray:
    """Pairs of each setting among global pairs ``[lo, hi)`` under a fixed rule (as in the kernels).

    Examples
    --------
    >>> setting_pairs(4, 0, 10, "cyclic", 10).tolist(), setting_pairs(2, 3, 7, "blocks", 8).tolist()
    ([3, 3, 2, 2], [1, 3])
    """
    s = np.arange(n_settings, dtype=np.int64)
    if setting_choice == "cyclic":
        # number of i in [lo, hi) with i = s (mod S)
        return (hi - 1 - s) // n_settings - (lo - 1 - s) // n_settings
    block = total_pairs // n_settings
    return np.maximum(0, np.minimum(hi, (s + 1) * block) - np.maximum(lo, s * block))


def sample_multinomial(
    probs: Any, pairs: Any, seed: Any, *, setting_choice: str = "random", window: Any = None, stream: Any = 0
) -> MultinomialCounts:
    """Counts of ``pairs`` pairs drawn from their exact multinomial law (module docstring).

    Parameters
    ----------
    probs : array_like, shape (S, K)
        ``probs[s, o]`` = probability of outcome ``o`` given setting ``s``; rows sum to 1 within
        1e-12, entries ``>= 0``, ``S >= 1``, ``K >= 2`` (as for the kernels).
    pairs : int
        Number of pairs, ``>= 1``; a multiple of ``S`` for ``"blocks"``.
    seed : int
        Seed in ``[0, 2**64 - 1]``.
    setting_choice : {"random", "cyclic", "blocks"}, optional
        Setting rule, with the kernels' meaning.
    window : int, optional
        Also return counts per window of ``window`` pairs; must divide ``pairs``.
    stream : int, optional
        Sub-stream number in ``[0, 2**64 - 1]``.

    Returns
    -------
    MultinomialCounts

    Notes
    -----
    With random settings the (setting, outcome) counts are ``Multinomial(N, p(s, o) = probs[s, o] / S)``;
    with fixed rules, setting ``s`` gets ``n_s`` pairs by the rule and its outcome counts are
    ``Multinomial(n_s, probs[s])``, independent across settings (and windows).

    Examples
    --------
    >>> res = sample_multinomial([[0.25, 0.75]], 4000, seed=2, window=1000)
    >>> res.window_counts.shape, int(res.counts.sum())
    ((4, 1, 2), 4000)
    """
    p = validate_probs(probs)
    n_settings = p.shape[0]
    pairs = check_int("pairs", pairs, 1, MAX_TOTAL_PAIRS)
    check_choice("setting_choice", setting_choice, SETTING_CHOICES)
    if setting_choice == "blocks" and pairs % n_settings:
        raise PQMSValueError(
            f"pairs must be divisible by the number of settings ({n_settings}) for setting_choice='blocks', got {pairs}"
        )
    if window is not None:
        window = check_int("window", window, 1, pairs)
        if pairs % window:
            raise PQMSValueError(f"window must divide pairs ({pairs}), got {window}")
        if (pairs // window) * p.size > MAX_WINDOW_ENTRIES:
            raise PQMSValueError(f"window must give at most {MAX_WINDOW_ENTRIES} window_counts entries, got {window}")
    rng = multinomial_generator(seed, stream)
    width = pairs if window is None else window
    edges = np.arange(0, pairs + 1, width, dtype=np.int64)
    if setting_choice == "random":
        joint = (p / n_settings).ravel()
        drawn = rng.multinomial(np.full(edges.size - 1, width, dtype=np.int64), joint)
        per_window = drawn.reshape(-1, n_settings, p.shape[1])
    else:
        n_ws = np.stack(
            [
                setting_pairs(n_settings, int(lo), int(hi), setting_choice, pairs)
                for lo, hi in zip(edges[:-1], edges[1:], strict=True)
            ]
        )
        per_window = rng.multinomial(n_ws, p)
    per_window = np.asarray(per_window, dtype=np.int64)
    counts = per_window.sum(axis=0)
    counts.flags.writeable = False
    window_counts = None
    if window is not None:
        window_counts = per_window
        window_counts.flags.writeable = False
    return MultinomialCounts(
        counts=counts,
        window_counts=window_counts,
        pairs=pairs,
        seed=int(seed),
        stream=int(stream),
        setting_choice=setting_choice,
        window=window,
        stream_version=f"{MULTINOMIAL_STREAM_VERSION}+numpy-{np.__version__}",
    )


__all__ = [
    "MULTINOMIAL_STREAM_VERSION",
    "MultinomialCounts",
    "multinomial_generator",
    "sample_multinomial",
    "setting_pairs",
]
