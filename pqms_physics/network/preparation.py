"""Sources as preparation channels: maps from the trivial system (dimension 1) to a pair of qubits.

A source is a :class:`~pqms_physics.core.channels.Channel` with ``in_dims == (1,)``
and ``out_dims == (2, 2)`` (qubit 0 at the left node, qubit 1 at the right node),
so that it composes with noise and swapping by the Channel rules: a noisy link is
``noise.on(1, n=2) @ pair_source(state)``, two links side by side are
``link & link`` (a preparation of (A, B, C, D)), and :func:`prepare` turns any
preparation into its state.

Examples
--------
>>> from pqms_physics.core.noise import dephasing
>>> from pqms_physics.core.states import bell_state, fidelity
>>> from pqms_physics.network.swap_channel import swap_channel
>>> link = dephasing(gamma_per_s=0.5, t_s=0.1).on(1, n=2) @ pair_source(bell_state("phi+"))
>>> pair = prepare(swap_channel() @ (link & link))       # two links, one swap
>>> print(f"{fidelity(pair, bell_state('phi+')):.6f}")   # (1 + exp(-2 * 0.5 * 0.2))/2
0.909365
"""

from __future__ import annotations

import numpy as np
import qutip as qt

from pqms_physics.core.channels import Channel
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.network.sources import spdc_pair_state
from pqms_physics.validation import as_density_matrix

#: The state of the trivial system (dimension 1): the input of every preparation.
TRIVIAL_STATE = qt.Qobj(np.ones((1, 1), dtype=complex), dims=[[1], [1]])


def pair_source(state: qt.Qobj, label: str | None = None) -> Channel:
    """A source of two-qubit pairs as a preparation channel (trivial system -> two qubits).

    Parameters
    ----------
    state : qutip.Qobj
        The pair state, a two-qubit ket or density matrix (validated).
    label : str, optional
        Description used in the channel's ``repr``.

    Returns
    -------
    Channel
        ``in_dims == (1,)``, ``out_dims == (2, 2)``; ``prepare(pair_source(state))`` is ``state``
        as a density matrix.

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> src = pair_source(werner_state(0.9))
    >>> src.in_dims, src.out_dims, src.is_cptp()
    ((1,), (2, 2), True)
    """
    rho = as_density_matrix("state", state, n_qubits=2)
    return Channel.preparation(rho, label=label or "pair_source")


def spdc_source(mean_pairs_per_mode: float, detector_efficiency: float, setup: str | None = None) -> Channel:
    """The type-II SPDC pair source with multi-pair emission as a preparation channel.

    Parameters
    ----------
    mean_pairs_per_mode : float
        ``lambda >= 0``, mean pairs per mode per pulse.
    detector_efficiency : float
        Threshold-detector efficiency ``eta`` in [0, 1].
    setup : str, optional
        Measurement setup, passed on to :func:`~pqms_physics.network.sources.spdc_pair_state`
        (default: that function's default).

    Returns
    -------
    Channel
        ``pair_source(spdc_pair_state(lambda, eta))``: prepares
        ``V |Phi+><Phi+| + (1 - V) I/4`` with the visibility ``V(lambda, eta)`` of
        :mod:`pqms_physics.network.sources`, fidelity ``(1 + 3V)/4``.

    References
    ----------
    X. Ma, C.-H. F. Fung, H.-K. Lo, Phys. Rev. A 76, 012307 (2007).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state, fidelity
    >>> from pqms_physics.network.sources import spdc_visibility
    >>> f = fidelity(prepare(spdc_source(0.1, 1.0)), bell_state("phi+"))
    >>> bool(abs(f - (1 + 3 * spdc_visibility(0.1, 1.0)) / 4) < 1e-12)
    True
    """
    options = {} if setup is None else {"setup": setup}
    state = spdc_pair_state(mean_pairs_per_mode, detector_efficiency, **options)
    extra = "" if setup is None else f", setup={setup!r}"
    return pair_source(
        state,
        label=f"spdc_source(mean_pairs_per_mode={mean_pairs_per_mode}, "
        f"detector_efficiency={detector_efficiency}{extra})",
    )


def prepare(channel: Channel) -> qt.Qobj:
    """The state a preparation channel produces: ``channel`` applied to the trivial state.

    Parameters
    ----------
    channel : Channel
        A channel with ``in_dims == (1,)`` (a source, possibly composed with noise, tensored
        with other sources, swapped, ...).

    Returns
    -------
    qutip.Qobj
        Density matrix with dims ``channel.out_dims``.

    Raises
    ------
    DimensionError
        If ``channel`` takes a non-trivial input.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> prepare(pair_source(bell_state("phi+"))).full().real.round(2)[0].tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    if not isinstance(channel, Channel):
        raise PQMSValueError(f"channel must be a Channel, got {type(channel).__name__}")
    if channel.in_dims != (1,):
        raise DimensionError(f"channel must be a preparation with input dims [1], got {list(channel.in_dims)}")
    return channel(TRIVIAL_STATE)


__all__ = ["TRIVIAL_STATE", "pair_source", "spdc_source", "prepare"]
