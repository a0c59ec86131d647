"""Pool-bias experiments: two pools of entangled pairs, a sender's operation on one, the receiver's means.

The protocol (from the design documents audited by this toolkit): two pools of
``N`` pairs each (``Phi+`` by default). The sender applies an operation to her
halves (qubit 0) of pool 1 and leaves pool 0 alone; the receiver measures his
halves (qubit 1) of both pools and compares the pool means of his 0/1 outcomes,
``delta_mu = mu_1 - mu_0``. The statistic is defined once, in
:mod:`pqms_physics.nct.power`.

How it is sampled ("compile, then sample"): the exact **joint** outcome
distribution ``P(a, b)`` of both qubits measured in ``basis`` is computed for
each pool (pool 0: the input state; pool 1: after the sender's channel), giving
a (2, 4) table with outcome index ``2a + b``. Both bits are sampled from that
table; the receiver's marginal is never assumed. With the kernel sampler the
``2N`` pairs are drawn with ``setting_choice="cyclic"``: global pair ``i``
belongs to pool ``i mod 2``, so the pools are interleaved and every window of
the stream holds both pools equally, as a streaming receiver (the RPU) sees them.
"""

from __future__ import annotations

import numpy as np
import qutip as qt
from numpy.typing import DTypeLike

from pqms_physics import conventions
from pqms_physics.conventions import PROB_SUM_ATOL
from pqms_physics.core.channels import Channel
from pqms_physics.core.states import as_density_matrix, bell_state, pauli
from pqms_physics.errors import DimensionError, PQMSValueError, check_choice, check_int, check_seed
from pqms_physics.nct.power import pool_z
from pqms_physics.nct.result import PoolBiasResult

#: Samplers: the counter-based kernels (:mod:`pqms_physics.kernels`) or an exact NumPy multinomial draw.
SAMPLERS: tuple[str, ...] = conventions.SAMPLERS
#: Measurement bases of both qubits (bit 0 = +1 eigenvalue of the Pauli).
BASES: tuple[str, ...] = ("z", "x", "y")
#: Setting rule used on the kernels: pool = global pair index mod 2 (interleaved pools).
POOL_SETTING_CHOICE: str = "cyclic"
#: Kernel devices accepted by the "kernel" sampler.
DEVICES: tuple[str, ...] = conventions.DEVICES
#: Table entries whose magnitude is below this are floating-point roundoff of an exact zero.
_ROUNDOFF = conventions.ROUNDOFF_ATOL


def register_channel(sender_channel: Channel | None, name: str = "sender_channel") -> Channel:
    """The sender's operation as a channel on the whole pair (qubit 0 = sender, qubit 1 = receiver).

    ``None`` is the identity; a one-qubit channel acts on qubit 0; a two-qubit
    channel is used as given (which lets a test present a non-local operation).
    """
    if sender_channel is None:
        return Channel.identity(2)
    if not isinstance(sender_channel, Channel):
        raise PQMSValueError(f"{name} must be a Channel or None, got {type(sender_channel).__name__}")
    dims = (sender_channel.in_dims, sender_channel.out_dims)
    if dims == ((2,), (2,)):
        return sender_channel.on(0, 2)
    if dims == ((2, 2), (2, 2)):
        return sender_channel
    raise DimensionError(
        f"{name} must act on one qubit (the sender's) or on the two-qubit pair, "
        f"got in {list(sender_channel.in_dims)} out {list(sender_channel.out_dims)}"
    )


def joint_outcome_probabilities(rho: qt.Qobj, basis: str = "z") -> np.ndarray:
    """Exact ``P(a, b) = tr[(Pi_a (x) Pi_b) rho]`` for both qubits measured in ``basis``, index ``2a + b``.

    ``Pi_0 = (I + sigma)/2`` and ``Pi_1 = (I - sigma)/2`` for the Pauli ``sigma`` of
    ``basis``. Entries within 1e-12 of zero (floating-point roundoff of an exact
    zero) are set to 0 and the vector renormalised; anything more negative raises.
    """
    rho = as_density_matrix("rho", rho, n_qubits=2)
    check_choice("basis", basis, BASES)
    sigma = pauli(basis).full()
    proj = [(np.eye(2) + sigma) / 2, (np.eye(2) - sigma) / 2]
    mat = rho.full()
    p = np.array([np.trace(np.kron(proj[a], proj[b]) @ mat).real for a in (0, 1) for b in (0, 1)])
    if p.min() < -_ROUNDOFF or abs(p.sum() - 1.0) > PROB_SUM_ATOL * 100:
        raise PQMSValueError(f"rho gives invalid outcome probabilities {p.tolist()}")
    p[np.abs(p) < _ROUNDOFF] = 0.0
    return p / p.sum()


def pool_probabilities(
    state: qt.Qobj | None = None, sender_channel: Channel | None = None, basis: str = "z"
) -> np.ndarray:
    """The (2, 4) table of exact joint outcome probabilities: row 0 pool 0 (untouched), row 1 pool 1.

    Parameters
    ----------
    state : qutip.Qobj, optional
        Two-qubit pair state (ket or density matrix); default ``|Phi+>``.
    sender_channel : Channel, optional
        The sender's operation on pool 1 (see :func:`register_channel`); default none.
    basis : {"z", "x", "y"}
        Basis in which both qubits are measured.

    Examples
    --------
    >>> from pqms_physics.core.noise import dephasing
    >>> pool_probabilities(sender_channel=dephasing(0.05, 1.0)).round(3).tolist()
    [[0.5, 0.0, 0.0, 0.5], [0.5, 0.0, 0.0, 0.5]]
    """
    rho = as_density_matrix("state", bell_state("phi+") if state is None else state, n_qubits=2)
    check_choice("basis", basis, BASES)
    ch = register_channel(sender_channel)
    return np.vstack([joint_outcome_probabilities(rho, basis), joint_outcome_probabilities(ch(rho), basis)])


def _readonly(a: np.ndarray, dtype: DTypeLike) -> np.ndarray:
    out = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def sample_pools(
    table: np.ndarray,
    pairs_per_pool: int,
    seed: int,
    *,
    stream: int = 0,
    sampler: str = "kernel",
    device: str = "cpu",
    window_per_pool: int | None = None,
) -> tuple[np.ndarray, np.ndarray | None, dict]:
    """Sample ``N`` pairs from each row of a trusted (2, 4) table; returns (counts, window_counts, provenance).

    ``provenance`` is a dict with ``sampler``, ``device``, ``stream_version`` and ``setting_choice``.
    Kernel: one call of :func:`pqms_physics.kernels.sample_counts` over ``2N`` interleaved pairs
    (``"cyclic"``; window = ``2 * window_per_pool`` pairs). Multinomial: the package's one exact
    multinomial sampler (:func:`pqms_physics.kernels.multinomial.sample_multinomial`, same pools and
    windows, ``PCG64(SeedSequence(seed, spawn_key=(stream,)))``): one draw per pool (and per
    window), O(1) in ``N``; its stream is NumPy's, named with the NumPy version, not the kernels'.
    """
    if sampler == "kernel":
        from pqms_physics.kernels import sample_counts  # light import; Numba loads on the first kernel call

        res = sample_counts(
            table,
            2 * pairs_per_pool,
            seed,
            setting_choice=POOL_SETTING_CHOICE,
            window=None if window_per_pool is None else 2 * window_per_pool,
            stream=stream,
            device=device,
        )
        prov = dict(
            sampler=sampler, device=res.device, stream_version=res.stream_version, setting_choice=res.setting_choice
        )
        return res.counts, res.window_counts, prov
    from pqms_physics.kernels.multinomial import sample_multinomial

    res = sample_multinomial(
        table,
        2 * pairs_per_pool,
        seed,
        setting_choice=POOL_SETTING_CHOICE,
        window=None if window_per_pool is None else 2 * window_per_pool,
        stream=stream,
    )
    prov = dict(sampler=sampler, device=res.device, stream_version=res.stream_version, setting_choice="per-pool")
    return res.counts, res.window_counts, prov


def pool_bias_experiment(
    pairs_per_pool: int | float,
    seed: int,
    state: qt.Qobj | None = None,
    sender_channel: Channel | None = None,
    basis: str = "z",
    sampler: str = "kernel",
    *,
    stream: int = 0,
    device: str = "cpu",
    window_per_pool: int | None = None,
) -> PoolBiasResult:
    """Run the two-pool bias experiment: does the sender's operation move the receiver's mean outcome?

    Parameters
    ----------
    pairs_per_pool : int
        ``N >= 1`` pairs in each pool (integral floats such as ``1e8`` accepted).
    seed : int
        Seed in ``[0, 2**64 - 1]``; same seed (and stream, sampler) gives the same counts.
    state : qutip.Qobj, optional
        Pair state (qubit 0 sender, qubit 1 receiver); default ``|Phi+>``.
    sender_channel : Channel, optional
        Operation on pool 1: a one-qubit channel acts on the sender's qubit (e.g. Lindblad
        dephasing, or ``pauli_channel(0, 0, 0.5)``: a Z measurement whose result is kept by the
        sender); a two-qubit channel acts on the pair as given (to model a non-local "local"
        operation). Default: none.
    basis : {"z", "x", "y"}
        Both qubits measured in this basis (bit 0 = +1 eigenvalue).
    sampler : {"kernel", "multinomial"}
        ``"kernel"``: the counter-based Monte Carlo kernels (per pair, O(N), streamable, same
        counts on any device); ``"multinomial"``: an exact multinomial draw per pool (O(1) in N).
    stream : int, optional
        Independent sub-stream for the same seed, in ``[0, 2**64 - 1]``.
    device : {"cpu", "numpy", "cuda"}
        Kernel device (``sampler="kernel"`` only).
    window_per_pool : int, optional
        Also keep counts per window of this many pairs of each pool (must divide ``N``).

    Returns
    -------
    PoolBiasResult

    Notes
    -----
    ``delta_mu = k_1/N - k_0/N`` with ``k_j`` the receiver's ``b = 1`` counts;
    ``stderr = sqrt(2 p_hat (1 - p_hat)/N)`` (pooled), ``z = delta_mu/stderr``,
    ``p_value = erfc(|z|/sqrt 2)``. Under quantum mechanics the receiver's reduced
    state does not depend on the sender's local operation (no-communication
    theorem [1]_), so for ``Phi+`` ``delta_mu`` is noise with standard deviation
    ``sqrt(0.5/N)`` (7.07e-5 at N = 1e8) and ``z ~ N(0, 1)``.

    References
    ----------
    .. [1] A. Peres and D. R. Terno, "Quantum information and relativity theory",
           Rev. Mod. Phys. 76, 93 (2004), sec. III.

    Examples
    --------
    >>> from pqms_physics.core.noise import dephasing
    >>> r = pool_bias_experiment(10_000, seed=7, sender_channel=dephasing(0.05, 1.0), sampler="multinomial")
    >>> r.expected_delta_mu, r.counts.sum(axis=1).tolist(), abs(r.z) < 6
    (0.0, [10000, 10000], True)
    """
    n = check_int("pairs_per_pool", pairs_per_pool, 1)
    seed = check_seed("seed", seed)
    stream = check_seed("stream", stream)
    check_choice("sampler", sampler, SAMPLERS)
    check_choice("device", device, DEVICES)
    if window_per_pool is not None:
        window_per_pool = check_int("window_per_pool", window_per_pool, 1, n)
        if n % window_per_pool:
            raise PQMSValueError(f"window_per_pool must divide pairs_per_pool={n}, got {window_per_pool}")
    table = pool_probabilities(state, sender_channel, basis)
    return pool_bias_from_table(
        table,
        n,
        seed,
        stream=stream,
        sampler=sampler,
        device=device,
        basis=basis,
        window_per_pool=window_per_pool,
        sender_label="none" if sender_channel is None else sender_channel.label,
    )


def pool_bias_from_table(
    table: np.ndarray,
    pairs_per_pool: int,
    seed: int,
    *,
    stream: int,
    sampler: str,
    device: str,
    basis: str,
    sender_label: str,
    window_per_pool: int | None = None,
) -> PoolBiasResult:
    """Sample a trusted (2, 4) table (from :func:`pool_probabilities`) and build the result (no validation)."""
    counts, windows, prov = sample_pools(
        table, pairs_per_pool, seed, stream=stream, sampler=sampler, device=device, window_per_pool=window_per_pool
    )
    return result_from_counts(
        table,
        counts,
        windows,
        pairs_per_pool,
        seed,
        stream=stream,
        basis=basis,
        sender_label=sender_label,
        window_per_pool=window_per_pool,
        provenance=prov,
    )


def result_from_counts(
    table: np.ndarray,
    counts: np.ndarray,
    windows: np.ndarray | None,
    pairs_per_pool: int,
    seed: int,
    *,
    stream: int,
    basis: str,
    sender_label: str,
    window_per_pool: int | None,
    provenance: dict,
) -> PoolBiasResult:
    """The pool-bias result of sampled (2, 4) counts: receiver ones per pool, the pooled z, the exact expectation.

    ``provenance`` holds the sampler's ``sampler``, ``device``, ``stream_version`` and ``setting_choice``.
    """
    ones = counts[:, 1] + counts[:, 3]
    stat = pool_z(ones[0], ones[1], pairs_per_pool, pairs_per_pool)
    expected = float((table[1, 1] + table[1, 3]) - (table[0, 1] + table[0, 3]))
    return PoolBiasResult(
        pairs_per_pool=pairs_per_pool,
        seed=seed,
        stream=stream,
        basis=basis,
        sender_channel=sender_label,
        probabilities=_readonly(table, np.float64),
        counts=_readonly(counts, np.int64),
        delta_mu=stat.delta_mu,
        stderr=stat.stderr,
        z=stat.z,
        p_value=stat.p_value,
        expected_delta_mu=expected,
        window_per_pool=window_per_pool,
        window_counts=None if windows is None else _readonly(windows, np.int64),
        **provenance,
    )


__all__ = [
    "SAMPLERS",
    "BASES",
    "POOL_SETTING_CHOICE",
    "register_channel",
    "joint_outcome_probabilities",
    "pool_probabilities",
    "PoolBiasResult",
    "sample_pools",
    "pool_bias_experiment",
    "pool_bias_from_table",
    "result_from_counts",
]
