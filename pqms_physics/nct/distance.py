"""Exact no-signalling check: can any of a set of operations change what the receiver sees?

:func:`signalling_distance` is the largest trace distance between the receiver's reduced states after the
given operations (and none); it is 0 to machine precision for operations local to the other subsystems
(no-communication theorem) and positive for an operation that acts on the receiver's side.

References
----------
.. [1] M. A. Nielsen and I. L. Chuang, *Quantum Computation and Quantum Information* (2000), sec. 9.2
   (trace distance) and box 2.5 (no-signalling).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import qutip as qt

from pqms_physics.core.channels import Channel
from pqms_physics.core.states import as_density_matrix
from pqms_physics.errors import DimensionError, PQMSValueError


def trace_distance(rho: np.ndarray, sigma: np.ndarray) -> float:
    """``D = ||rho - sigma||_1 / 2`` of two density matrices given as arrays (trusted input)."""
    diff = np.asarray(rho) - np.asarray(sigma)
    return float(0.5 * np.abs(np.linalg.eigvalsh((diff + diff.conj().T) / 2)).sum())


def _receiver_indices(receiver: int | Sequence[int], n: int) -> list[int]:
    items = [receiver] if isinstance(receiver, numbers.Integral) and not isinstance(receiver, bool) else receiver
    try:
        items = list(items)
    except TypeError:
        raise PQMSValueError(f"receiver must be a subsystem index or a sequence of them, got {receiver!r}") from None
    if not items:
        raise PQMSValueError("receiver must name at least one subsystem, got none")
    out = []
    for q in items:
        if isinstance(q, bool) or not isinstance(q, numbers.Integral) or not 0 <= int(q) < n:
            raise PQMSValueError(f"receiver must contain subsystem indices in [0, {n - 1}], got {q!r}")
        if int(q) in out:
            raise PQMSValueError(f"receiver must not repeat a subsystem, got {q!r} twice")
        out.append(int(q))
    return sorted(out)


def signalling_distance(rho: qt.Qobj, channels: Channel | Sequence[Channel], receiver: int | Sequence[int]) -> float:
    """Largest trace distance between the receiver's reduced states after any of the given operations.

    Parameters
    ----------
    rho : qutip.Qobj
        State of the whole register (ket or density matrix), e.g. a pair with the
        sender on qubit 0 and the receiver on qubit 1.
    channels : Channel or sequence of Channel
        Operations on the **whole register** (input and output dims equal to ``rho``'s),
        e.g. ``dephasing(...).on(0, 2)`` for the sender's dephasing. Doing nothing is
        always included as a reference, so a single channel is audited against it.
    receiver : int or sequence of int
        Subsystem(s) the receiver holds.

    Returns
    -------
    float
        ``max_{j,k} D(tr_S E_j(rho), tr_S E_k(rho))`` over ``E_0 = id`` and the given
        channels, with ``D = ||.||_1 / 2`` the trace distance and ``tr_S`` the partial
        trace over every subsystem outside ``receiver``. ``D`` bounds the bias of any
        measurement the receiver can make, so 0 means no signal in any statistic.

    Notes
    -----
    For a channel ``E = E_S (x) id_R`` acting only outside the receiver,
    ``tr_S[(E_S (x) id)(rho)] = tr_S rho`` because ``E_S`` preserves trace
    (no-communication theorem [1]_), so the result is 0 up to floating-point
    roundoff (< 1e-12 for qubits). An operation that couples the receiver (for
    example a CNOT presented as the sender's "local" operation) gives ``D > 0``:
    the audit can fail.

    References
    ----------
    .. [1] M. A. Nielsen and I. L. Chuang, *Quantum Computation and Quantum Information*
           (Cambridge, 2000), box 2.5 and sec. 9.2 (trace distance).
    """
    rho_dm = as_density_matrix("rho", rho)
    dims = tuple(int(d) for d in rho_dm.dims[0])
    keep = _receiver_indices(receiver, len(dims))
    chans = [channels] if isinstance(channels, Channel) else channels
    try:
        chans = list(chans)
    except TypeError:
        raise PQMSValueError(
            f"channels must be a Channel or a sequence of Channel, got {type(channels).__name__}"
        ) from None
    if not chans:
        raise PQMSValueError("channels must contain at least one Channel, got none")
    for k, ch in enumerate(chans):
        if not isinstance(ch, Channel):
            raise PQMSValueError(f"channels[{k}] must be a Channel, got {type(ch).__name__}")
        if ch.in_dims != dims or ch.out_dims != dims:
            raise DimensionError(
                f"channels[{k}] must act on the whole register with dims {list(dims)}, got "
                f"in {list(ch.in_dims)} out {list(ch.out_dims)}"
            )
    reduced = [rho_dm.ptrace(keep).full()] + [ch(rho_dm).ptrace(keep).full() for ch in chans]
    return max(trace_distance(reduced[j], reduced[k]) for j in range(len(reduced)) for k in range(j + 1, len(reduced)))
