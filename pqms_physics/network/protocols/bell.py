"""Bell-diagonal pairs in time: memory dephasing (T2) through the Pauli-channel algebra, nested scheme.

Bell-diagonal weights compose under swaps by XOR convolution, so their Walsh-Hadamard *characters*
``chi_s`` (:func:`pqms_physics.core.bell_algebra.characters`) multiply: ``chi_s(out) = chi_s(1) chi_s(2)``. A
stored qubit under a Pauli channel multiplies each character by that channel's character, once per round.
Each character therefore follows exactly the law the Werner parameter follows in the exact engine
(:mod:`~pqms_physics.network.protocols.units`), with its own per-round decay factor
``r_s = exp(-1/T_coh) * lambda_s^2`` (``lambda_s``: character of one round of pure dephasing
:func:`pqms_physics.core.noise.dephasing` on one memory qubit; squared for the two memories of a link). The
waiting-time law is unchanged; the engine runs the weighted part once per character.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice
from pqms_physics.network.protocols import units as U
from pqms_physics.network.protocols.exact import _nested, finish, geometric_support, nested_units, unit_sequence
from pqms_physics.network.protocols.result import ProtocolResult
from pqms_physics.network.protocols.spec import ProtocolSpec


def dephasing_round_characters(dephasing_time: float) -> np.ndarray:
    """Characters ``(1, l1, l2, l3)`` of one round of pure dephasing on one qubit (``T2`` in rounds).

    Built from :func:`pqms_physics.core.noise.dephasing` (``gamma = 1/(2 T2)``, one round) and its Pauli
    weights; for pure dephasing ``l1 = l2 = exp(-1/T2)`` and ``l3 = 1``.

    Examples
    --------
    >>> print(np.round(dephasing_round_characters(10.0), 6).tolist())
    [1.0, 0.904837, 0.904837, 1.0]
    """
    from pqms_physics.core import bell_algebra as ba
    from pqms_physics.core.noise import dephasing

    if math.isinf(dephasing_time):
        return np.ones(4)
    channel = dephasing(1.0 / (2.0 * dephasing_time), 1.0)
    weights = ba.pauli_weights_of_superop(channel.superop_matrix)
    return ba.characters(weights)


@dataclass(frozen=True, eq=False)
class BellProtocolResult:
    """Waiting time and Bell-diagonal weights of the delivered pair.

    Attributes
    ----------
    protocol : ProtocolResult
        Waiting-time law; its ``werner`` is the mean of the three non-trivial characters.
    dephasing_time : float
        ``T2`` of each memory qubit, rounds.
    bell_weights : ndarray, shape (4,)
        Mean Bell weights over delivered pairs, order ``phi+, psi+, psi-, phi-`` (Pauli I, X, Y, Z).
    """

    protocol: ProtocolResult
    dephasing_time: float
    bell_weights: np.ndarray

    @property
    def qber(self) -> tuple[float, float]:
        """Error rates ``(e_z, e_x)`` of Z-basis and X-basis measurements: ``w_X + w_Y`` and ``w_Y + w_Z``."""
        w = self.bell_weights
        return float(w[1] + w[2]), float(w[2] + w[3])

    def secret_key_rate(self, protocol: str = "bb84") -> float:
        """Bits per round: BB84 ``max(0, 1 - h(e_z) - h(e_x)) / E[T]`` (Shor–Preskill, asymmetric errors);
        ``"six-state"``: ``max(0, 1 - H(Bell weights)) / E[T]`` (hashing, Lo 2001).

        Examples
        --------
        >>> res = nested_bell_weights(ProtocolSpec(2, 1.0), dephasing_time=math.inf)
        >>> print(f"{res.secret_key_rate():.3f}")
        1.000
        """
        check_choice("protocol", protocol, ("bb84", "six-state"))
        from pqms_physics.core.bell_algebra import hashing_yield
        from pqms_physics.network.bounds import binary_entropy

        if protocol == "six-state":
            return float(hashing_yield(np.clip(self.bell_weights, 0.0, 1.0))) / self.protocol.mean_time
        e_z, e_x = (min(max(e, 0.0), 1.0) for e in self.qber)
        return max(0.0, 1.0 - float(binary_entropy(e_z)) - float(binary_entropy(e_x))) / self.protocol.mean_time


def nested_bell_weights(spec: ProtocolSpec, dephasing_time: float, *, t_trunc: int | None = None) -> BellProtocolResult:
    """Nested scheme with Werner links, depolarising memories (``coherence_time``) and pure dephasing (T2).

    Parameters
    ----------
    spec : ProtocolSpec
        A ``"nested"`` protocol without ``werner_cutoff`` or ``distillation``.
    dephasing_time : float
        ``T2`` of every memory qubit in rounds, ``> 0`` (``math.inf``: no dephasing).
    t_trunc : int or None, optional
        As in :func:`~pqms_physics.network.protocols.api.repeater_protocol`.

    Returns
    -------
    BellProtocolResult

    Notes
    -----
    ``E[chi_s 1{T = t}]`` per character by the exact engine with per-round factor
    ``r_s = exp(-1/T_coh) lambda_s^2``; Bell weights ``= HADAMARD4 chi / 4``. With ``T2 = inf`` the three
    characters equal the Werner parameter of the Werner model.

    Examples
    --------
    >>> res = nested_bell_weights(ProtocolSpec(2, 0.5, link_werner=0.98), dephasing_time=20.0)
    >>> e_z, e_x = res.qber
    >>> print(f"{e_z:.4f} {e_x:.4f}")   # dephasing raises only the X-basis errors
    0.0198 0.0754
    """
    if spec.scheme != "nested" or spec.werner_cutoff is not None or spec.distillation:
        raise PQMSValueError(
            f"spec must be a 'nested' protocol without werner_cutoff or distillation (distillation maps Bell "
            f"weights non-linearly), got scheme={spec.scheme!r}, werner_cutoff={spec.werner_cutoff}, "
            f"distillation={spec.distillation}"
        )
    if not (isinstance(dephasing_time, (int, float)) and dephasing_time > 0):
        raise PQMSValueError(f"dephasing_time must be > 0 rounds (math.inf for none), got {dephasing_time}")
    from pqms_physics.core.bell_algebra import from_characters

    lam = dephasing_round_characters(float(dephasing_time))
    cap = (1 << 22) if t_trunc is None else int(t_trunc) + 1
    pmf, _ = _nested(spec, cap)
    chars = []
    for s in (1, 2, 3):
        rate = 1.0 / spec.coherence_time - 2.0 * math.log(lam[s]) if lam[s] > 0 else math.inf
        n0 = min(cap, geometric_support(spec.p_eff))
        a, b = U.geometric_link(spec.p_eff, spec.link_werner, n0)
        p_s, w_s, _, _ = unit_sequence(
            a, b, nested_units(spec), coherence_time=1.0 / rate if rate > 0 else math.inf, cap=pmf.size
        )
        chars.append(np.pad(w_s[: pmf.size], (0, max(0, pmf.size - w_s.size))))
    protocol = finish(spec, pmf, (chars[0] + chars[1] + chars[2]) / 3.0, t_trunc)
    kept = math.fsum(protocol.pmf)
    n = protocol.t_trunc + 1
    mean_chars = np.array([1.0] + [math.fsum(c[:n]) / kept for c in chars])
    return BellProtocolResult(protocol, float(dephasing_time), from_characters(mean_chars))


__all__ = ["BellProtocolResult", "dephasing_round_characters", "nested_bell_weights"]
