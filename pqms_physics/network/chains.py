"""Repeater chains: fidelity versus hop count by sequential entanglement swapping.

A chain of ``n`` elementary links joins nodes ``0, 1, ..., n``; every link is
a copy of the same two-qubit ``link_state`` (qubit 0 at the left node, qubit 1
at the right node). Swapping is **sequential**: the pair spanning nodes
``0..m`` (A, B) is swapped with link ``m..m+1`` (C, D) at node ``m`` by
:func:`pqms_physics.network.swapping.swap`, giving the pair ``0..m+1``; ``n`` links
take ``n - 1`` swaps. Per swap (see :mod:`pqms_physics.network.swapping`): the Duer
gate noise ``p``, the readout fidelity ``eta``, and the optional ``memory``
channel, applied once to each of the two outer qubits (node 0 and node
``m+1``) while the measurement result travels one link to node ``m+1``, before
the Pauli correction there. The link's own generation noise is part of
``link_state``; the bare link (``n = 1``) is returned untouched.

Twirling
--------
``twirl=False`` keeps the exact state. ``twirl=True`` applies the Werner twirl
(``rho -> F Phi+ + (1 - F)(I - Phi+)/3``, ``F = <Phi+|rho|Phi+>``) to the pair
produced by every swap, the analysis of Briegel, Duer, Cirac, Zoller (BDCZ),
where every intermediate pair is taken in Werner form. The two differ whenever
a swap's output is not Werner already: anisotropic links (e.g. dephased) or
``measurement_fidelity < 1`` (X, Z readout errors are likelier than Y ones).

Methods (both exact)
--------------------
* Bell-diagonal links with no memory or a Pauli memory channel: the Pauli
  weights after ``n`` links are a product in the Walsh-Hadamard (character)
  domain, ``chi_n = chi_link^n g^(n-1)`` (:mod:`pqms_physics.core.bell_algebra`);
  vectorised over every parameter by :func:`werner_chain_fidelity`.
* Anything else: one swap is a fixed linear map ``rho_{m+1} = M(rho_m)`` on the
  pair (a 16x16 matrix built from the link, ``p``, ``eta``, the memory and the
  twirl), so ``rho_n = M^(n-1) rho_1`` by repeated squaring; several hop
  counts reuse the powers in ascending order.

References
----------
H.-J. Briegel, W. Duer, J. I. Cirac, P. Zoller, Phys. Rev. Lett. 81, 5932 (1998);
W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import qutip as qt
from numpy.typing import ArrayLike

from pqms_physics.core import bell_algebra as ba
from pqms_physics.core import reps
from pqms_physics.core.channels import Channel
from pqms_physics.core.states import as_density_matrix, bell_diagonal_from_weights
from pqms_physics.errors import PQMSValueError, check_int, check_probability
from pqms_physics.network.swapping import memory_superop, swap_arrays
from pqms_physics.validation import in_range_array, int_array, scalar_or_array


def werner_twirl_matrix() -> np.ndarray:
    """The Werner twirl as a 16x16 superoperator (linear in ``rho``).

    ``T(rho) = F Phi+ + (tr(rho) - F)(I - Phi+)/3`` with ``F = <Phi+|rho|Phi+>``. ``Phi+`` and ``I`` are real
    symmetric, so this matrix is the same in column stacking (the package convention) and in C order.
    """
    phi = ba.phi_plus_matrix().reshape(16)
    ident = np.eye(4).reshape(16)
    return np.outer(phi, phi) + np.outer((ident - phi) / 3.0, ident - phi)


def chain_map(
    link: np.ndarray,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    memory: np.ndarray | None = None,
    twirl: bool = False,
) -> np.ndarray:
    """The 16x16 superoperator ``M`` of one chain step ``rho -> swap(rho, link)`` (then the twirl, if asked).

    Column stacking, the package convention (:mod:`pqms_physics.core.reps`): acts on
    ``rho.reshape(16, order="F")``. Built by applying
    :func:`pqms_physics.network.swapping.swap_arrays` to the 16 matrix units at once.
    Trusted inputs: ``link`` a 4x4 density matrix, ``memory`` a 4x4 one-qubit
    superoperator or None.
    """
    units = np.eye(16, dtype=complex).reshape(16, 4, 4)
    images = swap_arrays(units, link, gate_fidelity, measurement_fidelity, memory)
    m = reps.row_to_column_stacked(images.reshape(16, 16).T)  # C order: column u = image of unit u
    if twirl:
        m = werner_twirl_matrix() @ m
    return m


def chain_states_general(
    link: np.ndarray,
    hops: np.ndarray,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    memory: np.ndarray | None = None,
    twirl: bool = False,
) -> np.ndarray:
    """Chain states by powers of :func:`chain_map` for any link (trusted inputs).

    Returns an array of shape ``(len(hops), 4, 4)``: the state after ``hops[i]``
    links. Distinct hop counts are visited in ascending order, each reached from
    the previous one by ``M^(gap)`` (repeated squaring), so the cost is about
    ``sum(log2(gap))`` 16x16 products.
    """
    hops = np.asarray(hops, dtype=np.int64)
    m = chain_map(link, gate_fidelity, measurement_fidelity, memory, twirl)
    vec = np.asarray(link, dtype=complex).reshape(16, order="F")
    current, found = 1, {}
    for n in np.unique(hops).tolist():
        gap = n - current
        vec = m @ vec if gap == 1 else np.linalg.matrix_power(m, gap) @ vec
        current = n
        found[n] = vec
    if not hops.size:
        return np.zeros((0, 4, 4), dtype=complex)
    return np.stack([found[n] for n in hops.tolist()]).reshape(-1, 4, 4).transpose(0, 2, 1)  # column-stacked


def _validated(link_state: qt.Qobj, gate_fidelity: float, measurement_fidelity: float, memory: Channel | None) -> tuple:
    link = as_density_matrix("link_state", link_state, n_qubits=2).full()
    # Validation accepts a trace within 1e-8 of 1; a chain of n links multiplies traces, so the link is
    # normalised here (otherwise tr(rho_n) = tr(link)^n drifts by n * 1e-8).
    link = link / np.trace(link).real
    p = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    mem = memory_superop(memory)
    weights = ba.bell_diagonal_weights_or_none(link)
    mem_w = None if mem is None else ba.pauli_weights_of_superop(mem)
    fast = weights is not None and (mem is None or mem_w is not None)
    return link, p, eta, mem, (weights, mem_w) if fast else None


def fidelity_vs_hops(
    link_state: qt.Qobj,
    hops: int | Sequence[int] | np.ndarray,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    memory: Channel | None = None,
    twirl: bool = False,
) -> np.ndarray:
    """Squared fidelity to ``|Phi+>`` of the end-to-end pair of a chain, for each number of links.

    Parameters
    ----------
    link_state : qutip.Qobj
        Two-qubit state of one elementary link (ket or density matrix; any
        state, not only Werner or Bell-diagonal). It is divided by its trace
        (validation accepts traces within 1e-8 of 1, and a chain of ``n`` links
        would raise that deviation to the ``n``-th power).
    hops : int or 1-D sequence of int
        Numbers of elementary links, each ``>= 1`` (1 = the link itself, no
        swap); any order, repeats allowed. No upper limit: the cost grows with
        ``log2(max(hops))``.
    gate_fidelity, measurement_fidelity : float, optional
        Duer noise of every swap, ``p`` and ``eta`` in [0, 1] (see
        :func:`pqms_physics.network.swapping.swap`). Default 1 (ideal).
    memory : Channel, optional
        One-qubit channel applied, at every swap, once to each of the two outer
        qubits of the swapped pair (node 0 and the new end node) while the
        measurement result travels, before the correction. Build it for the
        classical signalling time of one link, e.g. ``dephasing(gamma_per_s,
        t_s=link_km / 2e5)`` for fibre.
    twirl : bool, optional
        ``False`` (default): exact states. ``True``: Werner-twirl the pair after
        every swap (BDCZ analysis). See the module docstring.

    Returns
    -------
    ndarray of float, shape (len(hops),)
        ``F_n = <Phi+|rho_n|Phi+>`` in the order of ``hops``.

    Notes
    -----
    Werner links of parameter ``w`` with ideal swaps give ``F_n = 1/4 + (3/4) w^n``.
    With noisy swaps the twirled chain has ``w_n = w^n [p (4 eta^2 - 1)/3]^(n-1)``
    (Duer et al. 1999); the exact (untwirled) chain has
    ``F_n = [1 + w^n p^(n-1) ((2 eta - 1)^(2(n-1)) + 2 (2 eta - 1)^(n-1))]/4``.
    Bell-diagonal links take the closed form; other links the 16x16
    matrix-power path (module docstring). Both are exact for any ``n``.

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> fidelity_vs_hops(werner_state(0.97), [1, 2, 10]).round(6).tolist()  # 1/4 + (3/4) 0.96**n
    [0.97, 0.9412, 0.748624]
    """
    link, p, eta, mem, fast = _validated(link_state, gate_fidelity, measurement_fidelity, memory)
    hops_arr = int_array("hops", hops, 1)
    if hops_arr.ndim > 1:
        raise PQMSValueError(f"hops must be an integer or a 1-D sequence of integers, got shape {hops_arr.shape}")
    hops_arr = np.atleast_1d(hops_arr)
    if fast is not None:
        weights, mem_w = fast
        return ba.chain_weights(weights, hops_arr, p, eta, mem_w, bool(twirl))[..., 0]
    states = chain_states_general(link, hops_arr, p, eta, mem, bool(twirl))
    phi = ba.phi_plus_matrix()
    return np.real(np.einsum("ij,nij->n", phi, states))


def chain_state(
    link_state: qt.Qobj,
    n_links: int,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    memory: Channel | None = None,
    twirl: bool = False,
) -> qt.Qobj:
    """End-to-end state of a chain of ``n_links`` identical links (sequential swapping).

    Parameters
    ----------
    link_state : qutip.Qobj
        Two-qubit state of one elementary link.
    n_links : int
        Number of links, ``>= 1`` (``n_links - 1`` swaps).
    gate_fidelity, measurement_fidelity, memory, twirl
        As in :func:`fidelity_vs_hops`.

    Returns
    -------
    qutip.Qobj
        Density matrix of the pair (node 0, node ``n_links``), dims ``[[2, 2], [2, 2]]``.

    Examples
    --------
    >>> from pqms_physics.core.noise import dephasing
    >>> from pqms_physics.core.states import bell_state, fidelity
    >>> link = dephasing(0.5, 0.1).on(1, n=2)(bell_state("phi+"))
    >>> round(fidelity(chain_state(link, 10), bell_state("phi+")), 12)  # (1 + exp(-2 * 0.5 * 1.0))/2
    0.683939720586
    """
    link, p, eta, mem, fast = _validated(link_state, gate_fidelity, measurement_fidelity, memory)
    n = check_int("n_links", n_links, 1)
    if fast is not None:
        weights, mem_w = fast
        return bell_diagonal_from_weights(ba.chain_weights(weights, n, p, eta, mem_w, bool(twirl)))
    state = chain_states_general(link, np.array([n]), p, eta, mem, bool(twirl))[0]
    return qt.Qobj(state, dims=[[2, 2], [2, 2]])


def werner_chain_fidelity(
    link_fidelity: ArrayLike,
    n_links: ArrayLike,
    gate_fidelity: ArrayLike = 1.0,
    measurement_fidelity: ArrayLike = 1.0,
    twirl: bool = False,
) -> float | np.ndarray:
    """Vectorised chain fidelity for Werner links: every argument broadcasts (NumPy rules).

    The fast path of :func:`fidelity_vs_hops` for sweeps (no QuTiP objects, no
    loops): a grid of 1e4 points costs a few NumPy operations on 1e4-element arrays.

    Parameters
    ----------
    link_fidelity : float or array_like
        Fidelity ``F`` in [0, 1] of the Werner links.
    n_links : int or array_like of int
        Numbers of links, ``>= 1``.
    gate_fidelity, measurement_fidelity : float or array_like
        Duer ``p`` and ``eta`` in [0, 1].
    twirl : bool
        As in :func:`fidelity_vs_hops`.

    Returns
    -------
    float or ndarray
        Fidelity of the end-to-end pair, shape of the broadcast arguments (a
        float when all are scalars).

    Notes
    -----
    Exactly :func:`fidelity_vs_hops` of ``werner_state(F)`` with no memory; see its Notes.

    Examples
    --------
    >>> werner_chain_fidelity([0.9, 0.99], [[2], [3]]).round(6).tolist()
    [[0.813333, 0.980133], [0.738222, 0.970398]]
    """
    f = in_range_array("link_fidelity", link_fidelity, 0.0, 1.0)
    n = int_array("n_links", n_links, 1)
    p = in_range_array("gate_fidelity", gate_fidelity, 0.0, 1.0)
    eta = in_range_array("measurement_fidelity", measurement_fidelity, 0.0, 1.0)
    f, n, p, eta = np.broadcast_arrays(f, n, p, eta)
    out = ba.chain_weights(ba.werner_weights(f), n, p, eta, None, bool(twirl))[..., 0]
    return scalar_or_array(out)


__all__ = [
    "fidelity_vs_hops",
    "chain_state",
    "werner_chain_fidelity",
    "chain_map",
    "chain_states_general",
    "werner_twirl_matrix",
]
