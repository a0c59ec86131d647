"""The RPU's statistics in float64: the reference the fixed-point golden model is held to (within 1/2 LSB).

:func:`float_reference` computes the same per-window z-score, decision, veto, pruning and CHSH correlators as
:func:`pqms_physics.rpu.model.run_rpu`, without fixed-point rounding, from the same register settings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pqms_physics.rpu.fixed_point import FRAC_BITS, N_OUTCOMES, N_SETTINGS
from pqms_physics.rpu.model import RPUConfig
from pqms_physics.stats import pool_z


@dataclass(frozen=True)
class FloatReference:
    """float64 statistics of every window (NaN where undefined), for comparison with the
    fixed-point model. Arrays have length ``n_windows`` (``e``: shape (n_windows, 4))."""

    z: np.ndarray
    z_valid: np.ndarray
    decision: np.ndarray
    veto: np.ndarray
    forwarded: np.ndarray
    e: np.ndarray
    s: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {k: np.asarray(v).tolist() for k, v in asdict(self).items()}


def float_reference(counts: Any, config: RPUConfig) -> FloatReference:
    """The textbook float64 formulas on per-window counts ``(n_windows, S <= 4, 4)``.

    ``z = (m1/n1 - m0/n0) / sqrt(p(1-p)(1/n0 + 1/n1))`` with pooled ``p``; ``E_s`` and ``S`` as
    in the module Notes; thresholds are the register values (``raw / 2**16``), so the decision,
    veto and forwarding bits must equal the fixed-point ones except on exact ties.
    """
    arr = np.zeros((np.shape(counts)[0], N_SETTINGS, N_OUTCOMES))
    arr[:, : np.shape(counts)[1], :] = np.asarray(counts, dtype=np.float64)
    reg = {k: v / 2**FRAC_BITS for k, v in config.registers().items()}
    n_w = arr.shape[0]
    nan = np.full(n_w, np.nan)
    e = np.full((n_w, N_SETTINGS), np.nan)
    s = nan.copy()
    if config.mode == "nct":
        n0, n1 = arr[:, 0].sum(axis=1), arr[:, 1].sum(axis=1)
        m0, m1 = arr[:, 0, 1] + arr[:, 0, 3], arr[:, 1, 1] + arr[:, 1, 3]
        valid = (n0 > 0) & (n1 > 0) & (m0 + m1 > 0) & (m0 + m1 < n0 + n1)  # pooled p strictly inside (0, 1)
        z = nan.copy()
        if valid.any():
            z[valid] = pool_z(m0[valid], m1[valid], n0[valid], n1[valid]).z
    else:
        z, valid = nan.copy(), np.zeros(n_w, dtype=bool)
        n_s = arr.sum(axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            e = (arr[:, :, 0] + arr[:, :, 3] - arr[:, :, 1] - arr[:, :, 2]) / n_s
        e = np.where(n_s > 0, e, np.nan)
        s = e[:, 0] + e[:, 1] + e[:, 2] - e[:, 3]
    absz = np.abs(np.where(valid, z, 0.0))
    veto = ~valid | (absz < reg["veto_z"])
    decision = valid & (absz >= reg["k_thresh"]) & ~veto
    if config.mode == "chsh" or not config.registers()["prune_en"]:
        forwarded = np.ones(n_w, dtype=bool)
    else:
        forwarded = valid & (absz > reg["prune_z"])
    return FloatReference(z=z, z_valid=valid, decision=decision, veto=veto, forwarded=forwarded, e=e, s=s)


__all__ = ["FloatReference", "float_reference"]
