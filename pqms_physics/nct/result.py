"""The result of a pool-bias experiment (:class:`PoolBiasResult`): counts, the statistic and their provenance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pqms_physics.errors import PQMSValueError, check_real
from pqms_physics.stats import PoolZ, pool_z


@dataclass(frozen=True, eq=False)
class PoolBiasResult:
    """One pool-bias experiment: counts of both pools and the receiver's mean difference.

    Attributes
    ----------
    pairs_per_pool : int
        ``N``: pairs in each pool (``2N`` sampled in all).
    seed, stream : int
        Random stream (see :mod:`pqms_physics.kernels.rng` for the kernel sampler).
    sampler, device, stream_version, setting_choice : str
        How the counts were drawn (``device`` and ``setting_choice`` are ``"numpy"`` /
        ``"per-pool"`` for the multinomial sampler).
    basis, sender_channel : str
        Measurement basis and the label of the sender's channel.
    probabilities : numpy.ndarray, shape (2, 4)
        Exact joint outcome table sampled (row = pool, column = ``2a + b``).
    counts : numpy.ndarray of int64, shape (2, 4)
        Sampled counts, same layout (read-only).
    delta_mu, stderr, z, p_value : float
        Receiver's ``mu_1 - mu_0`` (0/1 outcomes) and its pooled statistic (:func:`~pqms_physics.nct.power.pool_z`).
    expected_delta_mu : float
        Exact ``P_1(b=1) - P_0(b=1)`` from ``probabilities`` (0 for any local operation).
    window_per_pool : int or None
        Pairs of each pool per window, when windows were requested.
    window_counts : numpy.ndarray of int64, shape (n_windows, 2, 4), or None
        Counts per window (read-only).
    """

    pairs_per_pool: int
    seed: int
    stream: int
    sampler: str
    device: str
    stream_version: str
    setting_choice: str
    basis: str
    sender_channel: str
    probabilities: np.ndarray
    counts: np.ndarray
    delta_mu: float
    stderr: float
    z: float
    p_value: float
    expected_delta_mu: float
    window_per_pool: int | None = None
    window_counts: np.ndarray | None = None

    @property
    def receiver_ones(self) -> tuple[int, int]:
        """Number of receiver bits ``b = 1`` in pool 0 and pool 1."""
        ones = self.counts[:, 1] + self.counts[:, 3]
        return int(ones[0]), int(ones[1])

    @property
    def mu(self) -> tuple[float, float]:
        """Receiver's pool means ``(mu_0, mu_1)`` of the 0/1 outcomes."""
        k0, k1 = self.receiver_ones
        return k0 / self.pairs_per_pool, k1 / self.pairs_per_pool

    def detected(self, alpha: float = 0.05) -> bool:
        """True when the two-sided test rejects "no signal" at level ``alpha`` (``p_value < alpha``)."""
        a = check_real("alpha", alpha)
        if not 0.0 < a < 1.0:
            raise PQMSValueError(f"alpha must be in (0, 1), got {alpha}")
        return self.p_value < a

    def window_statistics(self) -> PoolZ:
        """The pool statistic of every window (arrays of length n_windows)."""
        if self.window_counts is None:
            raise PQMSValueError("window_statistics needs a run with window_per_pool set, got window_per_pool=None")
        ones = self.window_counts[:, :, 1] + self.window_counts[:, :, 3]
        return pool_z(ones[:, 0], ones[:, 1], self.window_per_pool, self.window_per_pool)

    def to_dict(self) -> dict:
        """JSON-ready dict of every field (arrays as nested lists)."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["probabilities"] = self.probabilities.tolist()
        out["counts"] = self.counts.tolist()
        out["window_counts"] = None if self.window_counts is None else self.window_counts.tolist()
        out["receiver_ones"] = list(self.receiver_ones)
        out["mu"] = list(self.mu)
        return out


__all__ = ["PoolBiasResult"]
