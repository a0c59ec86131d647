"""Signalling trial: send message bits through the pool-bias "channel" and decode them as the receiver would.

Encoding (the design documents' protocol): for message bit ``m`` the sender
applies her operation to her halves of pool ``m`` and leaves the other pool
alone; each bit uses two fresh pools of ``pairs_per_bit`` pairs. Decoding (the
documents' RPU): the receiver measures his halves, computes
``delta_mu = mu_1 - mu_0`` and its z-score (:func:`pqms_physics.nct.power.pool_z`),
decides ``1`` if ``delta_mu > threshold`` and ``0`` otherwise, and *vetoes* the
decision when its two-sided confidence ``1 - p_value`` is below ``confidence``
(0.95 in the documents, i.e. ``|z| < 1.959964``).

Under quantum mechanics the decisions are independent of the message, so the
bit error rate is 1/2 (for balanced messages or ``threshold = 0``) and about 95%
of the bits are vetoed; an operation that is not local shows up as a BER away
from 1/2.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import qutip as qt

from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import dephasing
from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_real, check_seed
from pqms_physics.nct.pools import BASES, DEVICES, SAMPLERS, pool_bias_from_table, pool_probabilities
from pqms_physics.nct.power import binomial_ci

#: The design documents' example operation: Lindblad dephasing with L = sqrt(0.05) sigma_z for 1 s.
DOCUMENTS_GAMMA_PER_S: float = 0.05
DOCUMENTS_T_S: float = 1.0


@dataclass(frozen=True)
class SignallingTrialResult:
    """Outcome of :func:`signalling_trial`.

    Attributes
    ----------
    message_bits, decisions : tuple of int
        Sent bits and the receiver's decisions (every bit, veto or not).
    vetoed : tuple of bool
        True where the decision's confidence ``1 - p_value`` was below ``confidence``.
    delta_mu, z, p_values : tuple of float
        Per-bit pool statistic.
    n_bits, n_errors : int
        Bits sent; decisions that differ from the sent bit (vetoes ignored).
    ber, ber_ci : float, (float, float)
        ``n_errors / n_bits`` and its Clopper-Pearson interval at ``ci_level``.
    n_vetoed, veto_rate, veto_rate_ci
        Vetoed bits, their fraction and its interval.
    n_accepted, n_accepted_errors, ber_accepted, ber_accepted_ci
        The same among non-vetoed bits (``ber_accepted`` is NaN and its interval (0, 1) when
        every bit was vetoed).
    pairs_per_bit, seed, threshold, confidence, ci_level, basis, sender_channel
        Inputs (bit ``i`` is sampled from stream ``i`` of ``seed``).
    sampler, device, stream_version, setting_choice
        Provenance of the counts.
    """

    message_bits: tuple[int, ...]
    decisions: tuple[int, ...]
    vetoed: tuple[bool, ...]
    delta_mu: tuple[float, ...]
    z: tuple[float, ...]
    p_values: tuple[float, ...]
    n_bits: int
    n_errors: int
    ber: float
    ber_ci: tuple[float, float]
    n_vetoed: int
    veto_rate: float
    veto_rate_ci: tuple[float, float]
    n_accepted: int
    n_accepted_errors: int
    ber_accepted: float
    ber_accepted_ci: tuple[float, float]
    pairs_per_bit: int
    seed: int
    threshold: float
    confidence: float
    ci_level: float
    basis: str
    sender_channel: str
    sampler: str
    device: str
    stream_version: str
    setting_choice: str

    def to_dict(self) -> dict:
        """JSON-ready dict of every field."""
        return asdict(self)


def _message(message_bits: Sequence[int]) -> tuple[int, ...]:
    if isinstance(message_bits, (str, bytes)) or not np.iterable(message_bits):
        raise PQMSValueError(f"message_bits must be a sequence of 0/1 integers, got {type(message_bits).__name__}")
    bits = list(message_bits)
    if not bits:
        raise PQMSValueError("message_bits must contain at least one bit, got none")
    for i, b in enumerate(bits):
        if isinstance(b, (bool, np.bool_)) or not isinstance(b, numbers.Integral) or int(b) not in (0, 1):
            raise PQMSValueError(f"message_bits must contain only 0 and 1, got {b!r} at position {i}")
    return tuple(int(b) for b in bits)


def signalling_trial(
    message_bits: Sequence[int],
    pairs_per_bit: int,
    seed: int,
    threshold: float = 0.0,
    *,
    state: qt.Qobj | None = None,
    sender_channel: Channel | None = None,
    basis: str = "z",
    confidence: float = 0.95,
    ci_level: float = 0.95,
    sampler: str = "kernel",
    device: str = "cpu",
) -> SignallingTrialResult:
    """Encode bits by operating on one of two pools, decode them from the receiver's pool means.

    Parameters
    ----------
    message_bits : sequence of {0, 1}
        The message (at least one bit).
    pairs_per_bit : int
        ``N >= 1`` pairs in each of the two pools used for one bit (``2N`` pairs per bit).
    seed : int
        Seed in ``[0, 2**64 - 1]``; bit ``i`` uses the independent stream ``i``.
    threshold : float
        Decision threshold on ``delta_mu`` (0/1 outcomes): decide 1 iff ``delta_mu > threshold``.
    state : qutip.Qobj, optional
        Pair state; default ``|Phi+>``.
    sender_channel : Channel, optional
        The sender's operation (one-qubit: on her qubit; two-qubit: on the pair as given).
        Default: the documents' Lindblad dephasing, ``L = sqrt(0.05/s) sigma_z`` for 1 s.
    basis : {"z", "x", "y"}
        Measurement basis of both qubits.
    confidence : float
        Veto level in (0, 1): a decision is vetoed when ``1 - p_value < confidence``.
    ci_level : float
        Level of the Clopper-Pearson intervals, in (0, 1).
    sampler : {"kernel", "multinomial"}
        As in :func:`pqms_physics.nct.pools.pool_bias_experiment`.
    device : {"cpu", "numpy", "cuda"}
        Kernel device.

    Returns
    -------
    SignallingTrialResult

    Notes
    -----
    For a local operation the receiver's reduced state, hence the distribution of
    ``delta_mu``, is the same whichever pool was operated on, so each decision is
    independent of the sent bit: ``P(error) = P(m=1) P(d=0) + P(m=0) P(d=1)``, which
    is 1/2 when the message is balanced or ``P(d=1) = 1/2`` (``threshold = 0`` up to
    ties). The veto rate is ``P(|z| < z_c)`` = ``confidence`` to normal-approximation
    accuracy.

    Examples
    --------
    >>> r = signalling_trial([0, 1] * 50, 1000, seed=3, sampler="multinomial")
    >>> r.n_bits, r.ber_ci[0] < 0.5 < r.ber_ci[1]
    (100, True)
    """
    bits = _message(message_bits)
    n = check_int("pairs_per_bit", pairs_per_bit, 1)
    seed = check_seed("seed", seed)
    thr = check_real("threshold", threshold)
    conf = check_real("confidence", confidence)
    if not 0.0 < conf < 1.0:
        raise PQMSValueError(f"confidence must be in (0, 1), got {conf}")
    lev = check_real("ci_level", ci_level)
    if not 0.0 < lev < 1.0:
        raise PQMSValueError(f"ci_level must be in (0, 1), got {lev}")
    check_choice("sampler", sampler, SAMPLERS)
    check_choice("device", device, DEVICES)
    check_choice("basis", basis, BASES)
    if sender_channel is None:
        sender_channel = dephasing(DOCUMENTS_GAMMA_PER_S, DOCUMENTS_T_S)
    table_one = pool_probabilities(state, sender_channel, basis)  # bit 1: pool 1 operated
    tables = {1: table_one, 0: table_one[::-1].copy()}  # bit 0: pool 0 operated
    results = [
        pool_bias_from_table(
            tables[m], n, seed, stream=i, sampler=sampler, device=device, basis=basis, sender_label=sender_channel.label
        )
        for i, m in enumerate(bits)
    ]
    decisions = tuple(int(r.delta_mu > thr) for r in results)
    vetoed = tuple(bool(1.0 - r.p_value < conf) for r in results)
    errors = [d != m for d, m in zip(decisions, bits)]
    n_err = int(sum(errors))
    n_veto = int(sum(vetoed))
    n_acc = len(bits) - n_veto
    n_acc_err = int(sum(e for e, v in zip(errors, vetoed) if not v))
    first = results[0]
    return SignallingTrialResult(
        message_bits=bits,
        decisions=decisions,
        vetoed=vetoed,
        delta_mu=tuple(r.delta_mu for r in results),
        z=tuple(r.z for r in results),
        p_values=tuple(r.p_value for r in results),
        n_bits=len(bits),
        n_errors=n_err,
        ber=n_err / len(bits),
        ber_ci=binomial_ci(n_err, len(bits), lev),
        n_vetoed=n_veto,
        veto_rate=n_veto / len(bits),
        veto_rate_ci=binomial_ci(n_veto, len(bits), lev),
        n_accepted=n_acc,
        n_accepted_errors=n_acc_err,
        ber_accepted=n_acc_err / n_acc if n_acc else float("nan"),
        ber_accepted_ci=binomial_ci(n_acc_err, n_acc, lev),
        pairs_per_bit=n,
        seed=seed,
        threshold=thr,
        confidence=conf,
        ci_level=lev,
        basis=basis,
        sender_channel=sender_channel.label,
        sampler=first.sampler,
        device=first.device,
        stream_version=first.stream_version,
        setting_choice=first.setting_choice,
    )


__all__ = ["SignallingTrialResult", "signalling_trial", "DOCUMENTS_GAMMA_PER_S", "DOCUMENTS_T_S"]
