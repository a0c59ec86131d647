"""Public DEJMPS and BBPSSW steps: Bell weights / Werner fidelities (closed form) or ``qutip.Qobj`` (circuit).

Conventions: the target is ``|Phi+>``; Bell weights are in the order ``phi+, psi+, psi-, phi-`` (last axis);
pair 1 (qubits A1, B1) is kept, pair 2 (A2, B2) is measured, Alice holds A1, A2 and Bob B1, B2; qubit 0 is
the leftmost tensor factor. Noise (Duer et al. 1999): every CNOT is followed by two-qubit depolarising noise of
parameter ``p2 = gate_fidelity`` on its two qubits, every measurement reports the wrong bit with probability
``1 - eta`` (``eta = measurement_fidelity``). The Bell-weight path is the closed form of
:mod:`~pqms_physics.network.purification.bell_diagonal`; ``Qobj`` inputs go through the compiled four-qubit
circuit of :mod:`~pqms_physics.network.purification.general`. The two agree on Bell-diagonal states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError, check_probability
from pqms_physics.network.purification import bell_diagonal as bd
from pqms_physics.network.purification.general import recurrence_arrays
from pqms_physics.network.purification.result import PurificationResult
from pqms_physics.validation import in_range_array, scalar_or_array

if TYPE_CHECKING:
    import qutip as qt


def _is_qobj(x: Any) -> bool:
    return type(x).__name__ == "Qobj" and type(x).__module__.startswith("qutip")


def _as_matrix(name: str, x: Any) -> np.ndarray:
    """A validated two-qubit density matrix (from a Qobj or from Bell weights) as a 4x4 array."""
    from pqms_physics.core.states import BELL_BASIS, as_density_matrix

    if _is_qobj(x):
        return as_density_matrix(name, x, n_qubits=2).full()
    w = bd.check_weights(name, x)
    if w.ndim != 1:
        raise PQMSValueError(
            f"{name} must be a single weight vector when the other input is a qutip.Qobj, got shape {w.shape}"
        )
    return (BELL_BASIS * w) @ BELL_BASIS.T


def _check_success(success: np.ndarray) -> None:
    if (np.asarray(success) <= 0).any():
        raise PQMSValueError("w1 and w2 give success probability 0 (the reported bits never agree): nothing to keep")


def dejmps(
    w1: ArrayLike | qt.Qobj,
    w2: ArrayLike | qt.Qobj | None = None,
    *,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
) -> PurificationResult:
    """One DEJMPS purification step (Deutsch et al. 1996) with the Duer et al. (1999) noise model.

    Alice applies ``R_x(pi/2)``, Bob ``R_x(-pi/2)`` to both pairs; a bilateral CNOT (pair 1 control, pair 2
    target); both measure pair 2 in Z and keep pair 1 when the reported bits agree.

    Parameters
    ----------
    w1 : array_like, shape (..., 4), or qutip.Qobj
        Bell weights (phi+, psi+, psi-, phi-; each >= 0, summing to 1) of pair 1, vectorised over leading axes,
        or a two-qubit state.
    w2 : array_like or qutip.Qobj, optional
        Pair 2 (broadcast against ``w1``); default: a second copy of ``w1``.
    gate_fidelity : float, optional
        ``p2`` in [0, 1]: each CNOT is followed by ``rho -> p2 rho + (1 - p2) tr_ab(rho) (x) I/4`` on its two
        qubits. Default 1.
    measurement_fidelity : float, optional
        ``eta`` in [0, 1]: each measurement reports the right bit with probability ``eta``. Default 1.

    Returns
    -------
    PurificationResult
        ``fidelity`` (to Phi+, given success), ``success_probability`` in (0, 1], and ``weights`` (..., 4) for
        weight inputs or ``state`` (a Qobj) when either input is a Qobj.

    Notes
    -----
    With perfect operations and Deutsch's labels ``A, B, C, D`` for the weights of ``phi+, psi-, psi+, phi-``:
    ``A' = (A^2 + B^2)/N``, ``B' = 2CD/N``, ``C' = (C^2 + D^2)/N``, ``D' = 2AB/N``,
    ``N = (A + B)^2 + (C + D)^2`` (the success probability). The noisy map is derived in
    :mod:`pqms_physics.network.purification.bell_diagonal`.

    References
    ----------
    D. Deutsch, A. Ekert, R. Jozsa, C. Macchiavello, S. Popescu, A. Sanpera, "Quantum privacy amplification
    and the security of quantum cryptography over noisy channels", Phys. Rev. Lett. 77, 2818 (1996).
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> r = dejmps([0.8, 0.1, 0.05, 0.05])
    >>> print(f"{r.fidelity:.6f} {r.success_probability:.6f}")
    0.862416 0.745000
    """
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    inputs = {"w1": w1, "w2": w1 if w2 is None else w2}
    if _is_qobj(w1) or _is_qobj(w2):
        import qutip as qt

        r1 = _as_matrix("w1", w1)
        r2 = r1 if w2 is None else _as_matrix("w2", w2)
        out = recurrence_arrays(r1, r2, p2, eta, rotate=True)
        success = float(np.trace(out).real)
        _check_success(np.asarray(success))
        rho = (out + out.conj().T) / (2.0 * success)  # exact map: Hermitian to rounding
        state = qt.Qobj(rho, dims=[[2, 2], [2, 2]])
        fid = float((rho[0, 0] + rho[3, 3] + rho[0, 3] + rho[3, 0]).real / 2.0)
        return PurificationResult(
            "dejmps", fid, success, state=state, gate_fidelity=p2, measurement_fidelity=eta, inputs=inputs
        )
    a = bd.check_weights("w1", w1, columns=True)
    b = a if (w2 is None or w2 is w1) else bd.check_weights("w2", w2, columns=True)
    weights, success = bd.dejmps_weights(a, b, p2, eta, columns=True)
    _check_success(success)
    return PurificationResult(
        "dejmps",
        scalar_or_array(weights[..., 0]),
        scalar_or_array(success),
        weights=weights,
        gate_fidelity=p2,
        measurement_fidelity=eta,
        inputs=inputs,
    )


def _werner_fidelity(name: str, f: Any) -> Any:
    if _is_qobj(f):
        from pqms_physics.core.states import as_density_matrix

        rho = as_density_matrix(name, f, n_qubits=2).full()
        return float((rho[0, 0] + rho[3, 3] + rho[0, 3] + rho[3, 0]).real / 2.0)
    return in_range_array(name, f, 0.0, 1.0)


def bbpssw(
    f1: ArrayLike | qt.Qobj,
    f2: ArrayLike | qt.Qobj | None = None,
    *,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
) -> PurificationResult:
    """One BBPSSW purification step (Bennett et al. 1996): twirl, bilateral CNOT, keep on agreement, twirl.

    Parameters
    ----------
    f1 : float, array_like or qutip.Qobj
        Fidelity (in [0, 1]) of the Werner state of pair 1, or a two-qubit state, twirled to its Werner form
        ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` with ``F = <Phi+|rho|Phi+>``.
    f2 : float, array_like or qutip.Qobj, optional
        Pair 2; default: a second copy of ``f1``.
    gate_fidelity, measurement_fidelity : float, optional
        ``p2`` and ``eta`` in [0, 1] as in :func:`dejmps`. Default 1.

    Returns
    -------
    PurificationResult
        ``fidelity`` of the twirled output, ``success_probability``, ``weights`` (its Werner weights) and, for
        Qobj inputs, ``state`` (the Werner state).

    Notes
    -----
    With perfect operations and identical copies (``q = (1 - F)/3``)
    ``F' = (F^2 + q^2) / (F^2 + 2Fq + 5q^2)``, with success probability ``F^2 + 2Fq + 5q^2``. The target here
    is ``Phi+`` (the paper twirls towards ``Psi-`` and rotates one side; the maps are the same).

    References
    ----------
    C. H. Bennett, G. Brassard, S. Popescu, B. Schumacher, J. A. Smolin, W. K. Wootters, "Purification of
    noisy entanglement and faithful teleportation via noisy channels", Phys. Rev. Lett. 76, 722 (1996).
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> r = bbpssw(0.7)
    >>> print(f"{r.fidelity:.6f} {r.success_probability:.6f}")
    0.735294 0.680000
    """
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    inputs = {"f1": f1, "f2": f1 if f2 is None else f2}
    a = _werner_fidelity("f1", f1)
    b = a if f2 is None else _werner_fidelity("f2", f2)
    if _is_qobj(f1) or _is_qobj(f2):
        import qutip as qt

        from pqms_physics.core.states import BELL_BASIS, bell_diagonal_from_weights

        def mat(f: ArrayLike) -> np.ndarray:
            return (BELL_BASIS * bd.werner_from_fidelity(f)) @ BELL_BASIS.T

        out = recurrence_arrays(mat(a), mat(b), p2, eta, rotate=False)
        success = float(np.trace(out).real)
        _check_success(np.asarray(success))
        fid = float((out[0, 0] + out[3, 3] + out[0, 3] + out[3, 0]).real / 2.0) / success
        weights = bd.werner_from_fidelity(fid)
        state: Any = bell_diagonal_from_weights(weights)
        assert isinstance(state, qt.Qobj)
        return PurificationResult(
            "bbpssw",
            fid,
            success,
            weights=weights,
            state=state,
            gate_fidelity=p2,
            measurement_fidelity=eta,
            inputs=inputs,
        )
    fid, success = bd.bbpssw_fidelity(a, b, p2, eta)
    _check_success(success)
    return PurificationResult(
        "bbpssw",
        scalar_or_array(fid),
        scalar_or_array(success),
        weights=bd.werner_from_fidelity(fid),
        gate_fidelity=p2,
        measurement_fidelity=eta,
        inputs=inputs,
    )


__all__ = ["dejmps", "bbpssw"]
