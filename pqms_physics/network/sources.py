"""Polarisation-entangled photon pairs from type-II SPDC, with multi-pair emission.

Model (Ma, Fung, Lo 2007)
-------------------------
A pulse of type-II SPDC produces two independent two-mode squeezed vacua (TMSV),
one on the modes (a_H, b_V) and one on (a_V, b_H), with the same squeezing
``r`` and ``lambda = sinh(r)^2`` mean pairs per TMSV ("per mode"):
``|psi> = exp(r (a_H^+ b_V^+ - a_V^+ b_H^+) - h.c.)|0>``. The photon-number
distribution of each TMSV is thermal, ``P(n) = lambda^n/(1 + lambda)^(n + 1)``;
the one-pair term is ``|H>_a|V>_b - |V>_a|H>_b``, i.e. ``|Psi->`` with
``H = |0>``, ``V = |1>``. The state is invariant under identical polarisation
rotations of both photons (``U (x) U``, ``U`` in SU(2)), so the statistics are the
same in every measurement basis.

Each side has a polariser followed by a threshold (click / no-click) detector
of efficiency ``eta``: no click with probability ``(1 - eta)^n`` for ``n``
photons in the transmitted mode. For polarisers at angles ``theta_A, theta_B``
with ``Delta = theta_B - theta_A`` the transmitted modes carry ``lambda`` mean
photons each and the correlation ``<a b> = sqrt(lambda (1 + lambda)) sin(Delta)``,
which gives the coincidence probability per pulse (exact, Gaussian moments)

``C(Delta) = 1 - 2/(1 + eta lambda) + 1/((1 + eta lambda)^2 - eta^2 lambda (1 + lambda) sin^2 Delta)``,

smallest at ``Delta = 0`` and largest at ``Delta = pi/2``. The visibility is
``V = (C_max - C_min)/(C_max + C_min)``:

``V = (c1 - c0)/(c1 + c0)``, ``c1 = (1 + lambda (2 - eta))/(1 + eta lambda (2 - eta))``,
``c0 = lambda/(1 + eta lambda)``.

As ``eta -> 0``, ``V -> (1 + lambda)/(1 + 3 lambda)`` (the ratio of
``<n_aH n_bV> = 2 lambda^2 + lambda`` within one TMSV to ``<n_aH n_bH> = lambda^2``
across the two); at ``eta = 1``, ``V = 1/(1 + 2 lambda)``; ``V -> 1`` as
``lambda -> 0``. Multi-pair emission always lowers ``V``.

The two-qubit state handed to the protocols is the Werner form with that
visibility, ``rho = V |Psi-><Psi-| + (1 - V) I/4`` natively, re-expressed
relative to ``|Phi+>`` by Bob's local unitary ``Z X`` (``= i sigma_y``; X then
Z, e.g. a half-wave plate and a phase flip), which maps ``|Psi->`` to
``|Phi+>``: ``rho = V |Phi+><Phi+| + (1 - V) I/4``, fidelity ``F = (1 + 3V)/4``.

The heralded pair probability per pulse is the probability that both sides
click when every photon is monitored (a polarising beam splitter and two
threshold detectors of efficiency ``eta`` per side):
``P_h = 1 - 2/(1 + eta lambda)^2 + 1/(1 + eta lambda (2 - eta))^2``
(Ma, Fung, Lo 2007, with ``eta_A = eta_B = eta``). Dark counts are not modelled.

All closed forms are evaluated in rearranged forms with only positive terms,
so they keep full relative precision at ``eta lambda ~ 1e-12`` (long fibres).

References
----------
X. Ma, C.-H. F. Fung, H.-K. Lo, "Quantum key distribution with entangled photon
sources", Phys. Rev. A 76, 012307 (2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pqms_physics.validation import in_range_array, nonnegative_array, real_array, scalar_or_array
from pqms_physics.errors import check_nonnegative, check_probability


def _xy(lam, eta):
    x = eta * lam
    return x, x * (2.0 - eta)


def spdc_visibility(mean_pairs_per_mode, detector_efficiency):
    """Two-photon polarisation visibility ``V(lambda, eta)`` (vectorised; see the module docstring).

    Examples
    --------
    >>> round(spdc_visibility(0.1, 1.0), 12)  # 1/(1 + 2 lambda)
    0.833333333333
    """
    lam = nonnegative_array("mean_pairs_per_mode", mean_pairs_per_mode)
    eta = in_range_array("detector_efficiency", detector_efficiency, 0.0, 1.0)
    x, y = _xy(lam, eta)
    c1 = (1.0 + lam * (2.0 - eta)) / (1.0 + y)
    c0 = lam / (1.0 + x)
    return scalar_or_array((c1 - c0) / (c1 + c0))


def spdc_heralding_probability(mean_pairs_per_mode, detector_efficiency):
    """Probability per pulse that both sides click, all photons monitored (vectorised).

    ``P_h = 1 - 2/(1 + x)^2 + 1/(1 + y)^2`` with ``x = eta lambda``,
    ``y = x (2 - eta)``, evaluated as
    ``x [y ((2 + x)(2 + y) - 1) + eta (2 + x + y)] / ((1 + x)^2 (1 + y)^2)``.
    For small ``eta lambda``, ``P_h ~ 2 eta^2 lambda (1 + 3 lambda)``.
    """
    lam = nonnegative_array("mean_pairs_per_mode", mean_pairs_per_mode)
    eta = in_range_array("detector_efficiency", detector_efficiency, 0.0, 1.0)
    x, y = _xy(lam, eta)
    num = x * (y * ((2.0 + x) * (2.0 + y) - 1.0) + eta * (2.0 + x + y))
    return scalar_or_array(num / ((1.0 + x) ** 2 * (1.0 + y) ** 2))


def spdc_coincidence_probability(mean_pairs_per_mode, detector_efficiency, angle_difference_rad):
    """Coincidence probability per pulse behind polarisers at relative angle ``Delta`` (vectorised).

    ``C = eta^2 lambda [lambda (1 + x) + (1 + lambda) s^2 (1 - x)] / ((1 + x) D)``
    with ``x = eta lambda``, ``s = sin(Delta)``,
    ``D = (1 + x)^2 - eta^2 lambda (1 + lambda) s^2``: the module-docstring formula
    without its cancellation.
    """
    lam = nonnegative_array("mean_pairs_per_mode", mean_pairs_per_mode)
    eta = in_range_array("detector_efficiency", detector_efficiency, 0.0, 1.0)
    s2 = np.sin(real_array("angle_difference_rad", angle_difference_rad)) ** 2
    x = eta * lam
    d = (1.0 + x) ** 2 - eta * eta * lam * (1.0 + lam) * s2
    num = eta * eta * lam * (lam * (1.0 + x) + (1.0 + lam) * s2 * (1.0 - x))
    return scalar_or_array(num / ((1.0 + x) * d))


@dataclass(frozen=True)
class SPDCSource:
    """A type-II SPDC pair source with threshold detectors (immutable description and results).

    Parameters
    ----------
    mean_pairs_per_mode : float
        ``lambda = sinh(r)^2 >= 0``, mean pairs per TMSV per pulse.
    detector_efficiency : float
        ``eta`` in [0, 1], efficiency of each threshold detector (include any
        transmission loss in front of it: a loss ``T`` before a detector of
        efficiency ``eta`` is a detector of efficiency ``eta T``).

    Attributes
    ----------
    visibility : float
        ``V(lambda, eta)`` (module docstring).
    fidelity : float
        ``(1 + 3V)/4``, squared fidelity of the Werner-form state to ``|Phi+>``.
    heralding_probability : float
        Probability per pulse that both sides click (all photons monitored).
    coincidence_min, coincidence_max : float
        Coincidence probabilities per pulse at ``Delta = 0`` and ``Delta = pi/2``.

    Examples
    --------
    >>> src = SPDCSource(mean_pairs_per_mode=0.1, detector_efficiency=1.0)
    >>> round(src.visibility, 6), round(src.fidelity, 6)
    (0.833333, 0.875)
    """

    mean_pairs_per_mode: float
    detector_efficiency: float

    def __post_init__(self):
        object.__setattr__(self, "mean_pairs_per_mode", check_nonnegative("mean_pairs_per_mode",
                                                                          self.mean_pairs_per_mode))
        object.__setattr__(self, "detector_efficiency", check_probability("detector_efficiency",
                                                                          self.detector_efficiency))

    @property
    def visibility(self) -> float:
        return spdc_visibility(self.mean_pairs_per_mode, self.detector_efficiency)

    @property
    def fidelity(self) -> float:
        return (1.0 + 3.0 * self.visibility) / 4.0

    @property
    def heralding_probability(self) -> float:
        return spdc_heralding_probability(self.mean_pairs_per_mode, self.detector_efficiency)

    @property
    def coincidence_min(self) -> float:
        return spdc_coincidence_probability(self.mean_pairs_per_mode, self.detector_efficiency, 0.0)

    @property
    def coincidence_max(self) -> float:
        return spdc_coincidence_probability(self.mean_pairs_per_mode, self.detector_efficiency, np.pi / 2)

    def coincidence_probability(self, angle_difference_rad):
        """Coincidence probability per pulse at polariser angle difference ``Delta`` (radians)."""
        return spdc_coincidence_probability(self.mean_pairs_per_mode, self.detector_efficiency,
                                            angle_difference_rad)

    def state(self):
        """Werner-form state relative to ``|Phi+>``: ``V |Phi+><Phi+| + (1 - V) I/4`` (QuTiP, 2 qubits)."""
        from pqms_physics.core.states import werner_state  # deferred: QuTiP only when a state is asked for
        return werner_state(self.fidelity)

    def native_state(self):
        """The state before Bob's ``Z X`` correction: ``V |Psi-><Psi-| + (1 - V) I/4``."""
        import qutip as qt

        from pqms_physics.core.states import bell_state
        v = self.visibility
        return v * qt.ket2dm(bell_state("psi-")) + (1.0 - v) * qt.qeye([2, 2]) / 4.0

    def to_dict(self) -> dict:
        """Inputs and derived quantities as plain floats (JSON-ready)."""
        return {"mean_pairs_per_mode": self.mean_pairs_per_mode,
                "detector_efficiency": self.detector_efficiency,
                "visibility": self.visibility, "fidelity": self.fidelity,
                "heralding_probability": self.heralding_probability,
                "coincidence_min": self.coincidence_min, "coincidence_max": self.coincidence_max}


def spdc_pair_state(mean_pairs_per_mode: float, detector_efficiency: float):
    """Werner-form two-qubit state of a type-II SPDC source with multi-pair emission.

    Parameters
    ----------
    mean_pairs_per_mode : float
        ``lambda = sinh(r)^2 >= 0`` mean pairs per mode (per TMSV) per pulse.
    detector_efficiency : float
        Threshold-detector efficiency ``eta`` in [0, 1].

    Returns
    -------
    qutip.Qobj
        ``V |Phi+><Phi+| + (1 - V) I/4`` with ``V = V(lambda, eta)`` (module
        docstring), fidelity ``(1 + 3V)/4``. The heralded pair probability and
        the coincidence probabilities are on :class:`SPDCSource`.

    References
    ----------
    X. Ma, C.-H. F. Fung, H.-K. Lo, Phys. Rev. A 76, 012307 (2007).

    Examples
    --------
    >>> from pqms_physics.core.states import fidelity, bell_state
    >>> round(fidelity(spdc_pair_state(0.1, 1.0), bell_state("phi+")), 12)  # V = 1/1.2
    0.875
    """
    return SPDCSource(mean_pairs_per_mode, detector_efficiency).state()


__all__ = ["SPDCSource", "spdc_pair_state", "spdc_visibility", "spdc_heralding_probability",
           "spdc_coincidence_probability"]
