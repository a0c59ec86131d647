"""The standard qubit noise as :class:`~pqms_physics.core.channels.Channel` factories.

Every factory is an exact solution of a Lindblad equation (or a Pauli mixture)
returned as a single-qubit channel; place it in a register with ``.on(q, n)``
and compose with ``@`` and ``&`` (rules in :mod:`pqms_physics.core.channels`).
Pauli matrices come from :data:`pqms_physics.core.states.PAULI_MATRICES` (order
I, X, Y, Z of :mod:`pqms_physics.conventions`).

References
----------
M. A. Nielsen, I. L. Chuang, *Quantum Computation and Quantum Information* (Cambridge, 2000), sec. 8.3;
H.-P. Breuer, F. Petruccione, *The Theory of Open Quantum Systems* (Oxford, 2002), ch. 3.

Examples
--------
>>> from pqms_physics.core.states import bell_state, fidelity
>>> link = dephasing(gamma_per_s=0.05, t_s=1.0).on(1, n=2)(bell_state("phi+"))
>>> print(f"{fidelity(link, bell_state('phi+')):.6f}")  # (1 + exp(-2 gamma t))/2
0.952419
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import qutip as qt
import scipy.linalg

from pqms_physics.conventions import PROB_SUM_ATOL
from pqms_physics.core._checks import _dims_of
from pqms_physics.core.channels import Channel
from pqms_physics.core.reps import kraus_to_superop
from pqms_physics.core.states import PAULI_MATRICES
from pqms_physics.errors import DimensionError, PQMSValueError, check_nonnegative, check_probability


def _pauli_weights_channel(weights: Sequence[float], label: str) -> Channel:
    """Pauli channel from trusted weights (p_i, p_x, p_y, p_z)."""
    mats = [np.sqrt(w) * PAULI_MATRICES[k] for k, w in enumerate(weights) if w > 0]
    return Channel._from_array(kraus_to_superop(mats), (2,), (2,), label)


def dephasing(gamma_per_s: float, t_s: float) -> Channel:
    """Pure dephasing: exact solution of the Lindblad equation with ``L = sqrt(gamma) sigma_z``.

    Parameters
    ----------
    gamma_per_s : float
        Rate ``gamma`` in 1/s, ``>= 0``. Coherences decay as ``exp(-2 gamma t)``,
        so ``T2 = 1/(2 gamma)``.
    t_s : float
        Duration in s, ``>= 0``.

    Notes
    -----
    ``rho -> (1 - p) rho + p Z rho Z`` with ``p = (1 - exp(-2 gamma t))/2``.

    Examples
    --------
    >>> import qutip as qt
    >>> out = dephasing(gamma_per_s=0.5, t_s=1.0)(qt.ket2dm((qt.basis(2, 0) + qt.basis(2, 1)).unit()))
    >>> print(f"{abs(out.full()[0, 1]):.6f}")  # 0.5 * exp(-1)
    0.183940
    """
    g = check_nonnegative("gamma_per_s", gamma_per_s)
    t = check_nonnegative("t_s", t_s)
    p = -np.expm1(-2.0 * g * t) / 2.0
    return _pauli_weights_channel((1.0 - p, 0.0, 0.0, p), f"dephasing(gamma_per_s={g}, t_s={t})")


def amplitude_damping(gamma_per_s: float, t_s: float) -> Channel:
    """Amplitude damping (energy relaxation to ``|0>``): exact solution with ``L = sqrt(Gamma) sigma_-``.

    Parameters
    ----------
    gamma_per_s : float
        Decay rate ``Gamma`` in 1/s, ``>= 0`` (``T1 = 1/Gamma``).
    t_s : float
        Duration in s, ``>= 0``.

    Notes
    -----
    Here ``|0>`` is the ground state and ``sigma_- = |0><1|`` (``qutip.destroy(2)``;
    beware that ``qutip.sigmam()`` is ``|1><0|`` in QuTiP's spin convention).
    Kraus operators ``K0 = |0><0| + sqrt(1 - lam) |1><1|``, ``K1 = sqrt(lam) |0><1|``,
    ``lam = 1 - exp(-Gamma t)``; populations of ``|1>`` decay as ``exp(-Gamma t)``,
    coherences as ``exp(-Gamma t / 2)``.

    References
    ----------
    M. A. Nielsen, I. L. Chuang (2000), sec. 8.3.5.

    Examples
    --------
    >>> import qutip as qt
    >>> out = amplitude_damping(gamma_per_s=1.0, t_s=1.0)(qt.basis(2, 1))
    >>> print(f"{out.full()[1, 1].real:.6f}")  # exp(-1)
    0.367879
    """
    g = check_nonnegative("gamma_per_s", gamma_per_s)
    t = check_nonnegative("t_s", t_s)
    lam = -np.expm1(-g * t)
    k0 = np.array([[1.0, 0.0], [0.0, np.sqrt(1.0 - lam)]], dtype=complex)
    k1 = np.array([[0.0, np.sqrt(lam)], [0.0, 0.0]], dtype=complex)
    return Channel._from_array(kraus_to_superop([k0, k1]), (2,), (2,), f"amplitude_damping(gamma_per_s={g}, t_s={t})")


def depolarizing(p: float) -> Channel:
    """Depolarizing channel, Nielsen-Chuang convention: ``rho -> (1 - p) rho + p I/2``.

    Parameters
    ----------
    p : float
        Probability in [0, 1] of replacing the qubit by the maximally mixed state.

    Notes
    -----
    In Pauli form this is ``(1 - 3p/4) rho + (p/4)(X rho X + Y rho Y + Z rho Z)``.
    The other common convention, ``(1 - q) rho + (q/3) sum sigma rho sigma``, has
    ``q = 3p/4``; do not mix the two.

    References
    ----------
    M. A. Nielsen, I. L. Chuang (2000), sec. 8.3.4.

    Examples
    --------
    >>> import qutip as qt
    >>> print(f"{depolarizing(0.3)(qt.basis(2, 0)).full()[1, 1].real:.6f}")  # p/2
    0.150000
    """
    p = check_probability("p", p)
    return _pauli_weights_channel((1.0 - 0.75 * p, p / 4, p / 4, p / 4), f"depolarizing(p={p})")


def pauli_channel(p_x: float, p_y: float, p_z: float) -> Channel:
    """Pauli channel ``rho -> p_i rho + p_x X rho X + p_y Y rho Y + p_z Z rho Z``, ``p_i = 1 - p_x - p_y - p_z``.

    Parameters
    ----------
    p_x, p_y, p_z : float
        Probabilities in [0, 1] with ``p_x + p_y + p_z <= 1`` (sums within 1e-12
        above 1 are treated as exactly 1).

    Examples
    --------
    >>> import qutip as qt
    >>> print(f"{pauli_channel(0.1, 0.2, 0.0)(qt.basis(2, 0)).full()[1, 1].real:.6f}")  # X and Y flip |0>
    0.300000
    """
    px, py, pz = (check_probability(n, v) for n, v in (("p_x", p_x), ("p_y", p_y), ("p_z", p_z)))
    total = px + py + pz
    if total > 1.0 + PROB_SUM_ATOL:
        raise PQMSValueError(f"p_x + p_y + p_z must be <= 1, got {total!r}")
    p_i = max(1.0 - total, 0.0)
    return _pauli_weights_channel((p_i, px, py, pz), f"pauli_channel(p_x={px}, p_y={py}, p_z={pz})")


def lindblad_channel(H: qt.Qobj | None, c_ops: Sequence[qt.Qobj], t_s: float) -> Channel:
    """Exact Markovian evolution ``exp(t L)`` of the Lindblad generator, any dims.

    Parameters
    ----------
    H : qutip.Qobj or None
        Hamiltonian in rad/s (``hbar = 1``); ``None`` for no coherent part.
    c_ops : sequence of qutip.Qobj
        Collapse operators ``L_k`` (rates folded in: ``L_k = sqrt(gamma_k) A_k``,
        gamma in 1/s).
    t_s : float
        Duration in s, ``>= 0``.

    Notes
    -----
    ``d rho/dt = -i[H, rho] + sum_k (L_k rho L_k^dagger - {L_k^dagger L_k, rho}/2)``;
    the Liouvillian comes from ``qutip.liouvillian`` and is exponentiated with
    ``scipy.linalg.expm`` (no time stepping).

    References
    ----------
    G. Lindblad, Commun. Math. Phys. 48, 119 (1976); V. Gorini, A. Kossakowski, E. C. G. Sudarshan,
    J. Math. Phys. 17, 821 (1976).

    Examples
    --------
    >>> import numpy as np, qutip as qt
    >>> ch = lindblad_channel(None, [np.sqrt(0.5) * qt.sigmaz()], t_s=1.0)
    >>> ch.allclose(dephasing(gamma_per_s=0.5, t_s=1.0), atol=1e-12)
    True
    """
    t = check_nonnegative("t_s", t_s)
    c_ops = list(c_ops)
    ops = ([H] if H is not None else []) + c_ops
    if not ops:
        raise PQMSValueError("lindblad_channel needs H or at least one operator in c_ops, got neither")
    for name, op in [("H", H)] + [(f"c_ops[{k}]", c) for k, c in enumerate(c_ops)]:
        if op is not None and (not isinstance(op, qt.Qobj) or not op.isoper):
            raise PQMSValueError(f"{name} must be an operator Qobj, got {type(op).__name__}")
    dims = _dims_of(ops[0])
    for k, op in enumerate(ops):
        if _dims_of(op) != dims or dims[0] != dims[1]:
            raise DimensionError(f"H and c_ops must share square dims {dims}, got {_dims_of(op)} at position {k}")
    if H is None:
        H = qt.qzero(list(dims[0]))
    elif not H.isherm:
        raise PQMSValueError("H must be Hermitian")
    liou = qt.liouvillian(H, c_ops).full()
    return Channel._from_array(scipy.linalg.expm(t * liou), dims[1], dims[0], f"lindblad(t_s={t})")


__all__ = ["dephasing", "amplitude_damping", "depolarizing", "pauli_channel", "lindblad_channel"]
