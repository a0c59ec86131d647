"""Sweep quantities of the repeater protocols in time: mean waiting time and mean Werner parameter.

Both evaluate :func:`pqms_physics.network.protocols.exact.exact_protocol` of the nested scheme point by point
(deterministic: no seed); the physics and the model are in :mod:`pqms_physics.network.protocols`. Registered in
:mod:`pqms_physics.sweep.quantities` as ``protocol_mean_time`` and ``protocol_mean_werner``.

Example TOML::

    [sweep]
    quantity = "protocol_mean_time"
    [parameters]
    p_link = [0.1, 0.2, 0.5]
    p_swap = [0.5, 1.0]
    cutoff = [5, 20, 60]
    [fixed]
    segments = 8
    link_werner = 0.98
    coherence_time = 400.0
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.spec import OutputSpec, ParameterSpec, Quantity


def _parameters() -> tuple[ParameterSpec, ...]:
    return (
        ParameterSpec("segments", "int", "1", "number of elementary links, a power of two (nested scheme)", low=1),
        ParameterSpec(
            "p_link", "float", "1", "link generation probability per round", low=0.0, low_open=True, high=1.0
        ),
        ParameterSpec(
            "p_swap",
            "float",
            "1",
            "swap success probability",
            low=0.0,
            low_open=True,
            high=1.0,
            required=False,
            default=1.0,
        ),
        ParameterSpec(
            "link_werner",
            "float",
            "1",
            "Werner parameter of a fresh link",
            low=0.0,
            high=1.0,
            required=False,
            default=1.0,
        ),
        ParameterSpec(
            "coherence_time",
            "float",
            "rounds",
            "memory coherence time (0: perfect memories, no decay)",
            low=0.0,
            required=False,
            default=0.0,
        ),
        ParameterSpec(
            "cutoff", "int", "rounds", "memory cutoff at every level (-1: none)", low=-1, required=False, default=-1
        ),
        ParameterSpec("modes", "int", "1", "multiplexed modes per segment", low=1, required=False, default=1),
    )


def evaluate_protocol_grid(
    segments: ArrayLike,
    p_link: ArrayLike,
    p_swap: ArrayLike,
    cutoff: ArrayLike,
    *,
    scheme: ArrayLike = "nested",
    link_werner: ArrayLike = 1.0,
    coherence_time: ArrayLike = math.inf,
    modes: ArrayLike = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``E[T]`` (rounds) and ``E[w]`` for arrays of parameters (broadcast together).

    ``cutoff = -1``: no cutoff (other negative values are refused); ``coherence_time`` 0 or inf: perfect
    memories (negative values are refused). ``scheme`` may be any scheme the exact engine handles.

    Examples
    --------
    >>> t, w = evaluate_protocol_grid(2, [0.5, 1.0], 1.0, -1)
    >>> print(f"{t[0]:.6f} {t[1]:.1f} {w[1]:.1f}")   # (3 - 2p)/(p (2 - p)) at p = 1/2; 1 round at p = 1
    2.666667 1.0 1.0
    """
    from pqms_physics.network.protocols.exact import exact_protocol
    from pqms_physics.network.protocols.spec import ProtocolSpec

    arrays = np.broadcast_arrays(
        np.asarray(segments),
        np.asarray(p_link, dtype=float),
        np.asarray(p_swap, dtype=float),
        np.asarray(cutoff),
        np.asarray(scheme),
        np.asarray(link_werner, dtype=float),
        np.asarray(coherence_time, dtype=float),
        np.asarray(modes),
    )
    flat = [a.ravel() for a in arrays]
    mean_t = np.empty(flat[0].size)
    mean_w = np.empty(flat[0].size)
    for k in range(mean_t.size):
        seg, p, a, cut, sch, w0, tc, m = (x[k] for x in flat)
        if int(cut) < -1:
            raise PQMSValueError(f"cutoff must be >= 0 rounds, or -1 for none, got {int(cut)}")
        if not tc >= 0:
            raise PQMSValueError(f"coherence_time must be > 0 rounds, or 0 for perfect memories, got {float(tc)}")
        spec = ProtocolSpec(
            int(seg),
            float(p),
            p_swap=float(a),
            scheme=str(sch),
            link_werner=float(w0),
            coherence_time=float(tc) if tc > 0 else math.inf,
            cutoff=None if int(cut) < 0 else int(cut),
            modes=int(m),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # truncation is reported by the exact engine
            res = exact_protocol(spec)
        mean_t[k], mean_w[k] = res.mean_time, res.mean_werner
    return mean_t.reshape(arrays[0].shape), mean_w.reshape(arrays[0].shape)


def _eval(values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None) -> dict[str, np.ndarray]:
    t, w = evaluate_protocol_grid(
        values["segments"],
        values["p_link"],
        values["p_swap"],
        values["cutoff"],
        link_werner=values["link_werner"],
        coherence_time=values["coherence_time"],
        modes=values["modes"],
    )
    return {"mean_time": t, "mean_werner": w, "mean_fidelity": (1.0 + 3.0 * w) / 4.0}


def _eval_time(values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None) -> dict[str, np.ndarray]:
    out = _eval(values, point_index, seed)
    return {"mean_time": out["mean_time"]}


def _eval_werner(values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None) -> dict[str, np.ndarray]:
    out = _eval(values, point_index, seed)
    return {"mean_werner": out["mean_werner"], "mean_fidelity": out["mean_fidelity"]}


PROTOCOL_MEAN_TIME = Quantity(
    name="protocol_mean_time",
    description="Mean waiting time (rounds) of the first end-to-end pair of a nested repeater chain (exact engine)",
    parameters=_parameters(),
    outputs=(OutputSpec("mean_time", "rounds", "E[T], attempt rounds until the end-to-end pair exists"),),
    evaluate=_eval_time,
    source="pqms_physics.network.protocols",
    cost_per_point_s=3e-3,
)

PROTOCOL_MEAN_WERNER = Quantity(
    name="protocol_mean_werner",
    description="Mean Werner parameter of the delivered end-to-end pair of a nested repeater chain (exact engine)",
    parameters=_parameters(),
    outputs=(
        OutputSpec("mean_werner", "1", "E[w] of the delivered pair (memory decoherence included)"),
        OutputSpec("mean_fidelity", "1", "(1 + 3 E[w]) / 4"),
    ),
    evaluate=_eval_werner,
    source="pqms_physics.network.protocols",
    cost_per_point_s=3e-3,
)

__all__ = ["PROTOCOL_MEAN_TIME", "PROTOCOL_MEAN_WERNER", "evaluate_protocol_grid"]
