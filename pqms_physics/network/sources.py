"""Polarisation-entangled photon pairs from type-II SPDC, with multi-pair emission, for two named setups.

The source (Ma, Fung, Lo 2007)
------------------------------
A pulse of type-II SPDC produces two independent two-mode squeezed vacua (TMSV),
one on the modes (a_H, b_V) and one on (a_V, b_H), with the same squeezing
``r`` and ``lambda = sinh(r)^2`` mean pairs per TMSV ("per mode"):
``|psi> = exp(r (a_H^+ b_V^+ - a_V^+ b_H^+) - h.c.)|0>``. The photon-number
distribution of each TMSV is thermal, ``P(n) = lambda^n/(1 + lambda)^(n + 1)``;
the one-pair term is ``|H>_a|V>_b - |V>_a|H>_b``, i.e. ``|Psi->`` with
``H = |0>``, ``V = |1>``. The state is invariant under identical polarisation
rotations of both photons (``U (x) U``, ``U`` in SU(2)), so the statistics are the
same in every measurement basis. Threshold detectors of efficiency ``eta`` (include
the fibre in front of them) do not click with probability ``(1 - eta)^n`` for ``n``
photons. Dark counts are not modelled.

Setup ``"pbs"`` (the default; Ma–Fung–Lo 2007)
----------------------------------------------
Each side measures in a basis with a polarising beam splitter and a threshold
detector on *both* outputs; a double click is assigned a random bit. A pair is
heralded when both sides click (every photon is monitored):

``Q = 1 - 2/(1 + eta lambda)^2 + 1/(1 + eta lambda (2 - eta))^2`` (Ma–Fung–Lo's gain ``Q_lambda``),

and the quantum bit error rate of the heralded pairs is Ma–Fung–Lo's ``E_lambda``
(their intrinsic detector error ``e_d = 0``, no dark counts):

``E Q = Q/2 - eta^2 lambda (1 + lambda) / ((1 + eta lambda)^2 (1 + eta lambda (2 - eta)))``.

Because the source and this measurement (with symmetric double-click assignment) are
invariant under ``U (x) U``, the squashed two-qubit state of a heralded pair is a Werner
state: visibility ``V = 1 - 2E`` and ``QBER = (1 - V)/2`` in every basis. So the link
state, its fidelity and its heralding probability all come from this one setup. At
``eta = 1``, ``E = lambda/(2 (2 + lambda))`` and ``V = 2/(2 + lambda)`` (0.952 at
``lambda = 0.1``); ``V -> (1 + lambda)/(1 + 3 lambda)`` as ``eta -> 0``.

Setup ``"polariser"``
---------------------
Each side has one polariser (angle ``theta``) and one threshold detector. With
``Delta = theta_B - theta_A`` the transmitted modes carry ``lambda`` mean photons
each and ``<a b> = sqrt(lambda (1 + lambda)) sin(Delta)``, which gives the
coincidence probability per pulse (exact, Gaussian moments)

``C(Delta) = 1 - 2/(1 + eta lambda) + 1/((1 + eta lambda)^2 - eta^2 lambda (1 + lambda) sin^2 Delta)``,

and the visibility ``V = (C(pi/2) - C(0))/(C(pi/2) + C(0))``:
``V = (c1 - c0)/(c1 + c0)``, ``c1 = (1 + lambda (2 - eta))/(1 + eta lambda (2 - eta))``,
``c0 = lambda/(1 + eta lambda)``; ``V = 1/(1 + 2 lambda)`` at ``eta = 1`` (0.833 at
``lambda = 0.1``). Its heralding probability is the coincidence probability when
each side picks one of the two polariser settings of a basis at random,
``(C(0) + C(pi/2))/2``.

The two-qubit state handed to the protocols is the Werner form with the setup's
visibility, ``rho = V |Psi-><Psi-| + (1 - V) I/4`` natively, re-expressed relative
to ``|Phi+>`` by Bob's local unitary ``Z X`` (``= i sigma_y``), which maps
``|Psi->`` to ``|Phi+>``: ``rho = V |Phi+><Phi+| + (1 - V) I/4``, ``F = (1 + 3V)/4``.

All closed forms are evaluated in rearranged forms with only positive terms, so
they keep full relative precision at ``eta lambda ~ 1e-12`` (long fibres).

References
----------
X. Ma, C.-H. F. Fung, H.-K. Lo, "Quantum key distribution with entangled photon
sources", Phys. Rev. A 76, 012307 (2007).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import check_choice, check_nonnegative, check_probability
from pqms_physics.validation import in_range_array, nonnegative_array, real_array, scalar_or_array

if TYPE_CHECKING:
    import qutip as qt

#: The named measurement setups (module docstring); ``"pbs"`` is Ma–Fung–Lo's.
SPDC_SETUPS: tuple[str, ...] = ("pbs", "polariser")


def _inputs(mean_pairs_per_mode: ArrayLike, detector_efficiency: ArrayLike) -> tuple[np.ndarray, ...]:
    lam = nonnegative_array("mean_pairs_per_mode", mean_pairs_per_mode)
    eta = in_range_array("detector_efficiency", detector_efficiency, 0.0, 1.0)
    x = eta * lam
    return lam, eta, x, x * (2.0 - eta)


def spdc_qber(mean_pairs_per_mode: ArrayLike, detector_efficiency: ArrayLike) -> float | np.ndarray:
    """Quantum bit error rate ``E_lambda`` of heralded pairs in the ``"pbs"`` setup (Ma–Fung–Lo 2007).

    Parameters
    ----------
    mean_pairs_per_mode : float or array_like
        ``lambda >= 0``, mean pairs per TMSV per pulse.
    detector_efficiency : float or array_like
        ``eta`` in [0, 1] of every detector (fibre transmission in front of it included).

    Returns
    -------
    float or ndarray
        ``E`` in [0, 1/2): the same in every basis.

    Notes
    -----
    Ma–Fung–Lo's ``E_lambda Q_lambda = Q_lambda/2 - eta^2 lambda (1 + lambda) / ((1 + x)^2 (1 + y))`` with
    ``x = eta lambda``, ``y = x (2 - eta)``, evaluated without cancellation as

    ``E = [lambda (2 - eta)^2 / 2 + eta lambda^2 (2 - eta)^2 (1 + x/2)] / [lambda (2 - eta) ((2 + x)(2 + y) - 1)
    + 2 + x + y]``.

    ``E -> lambda/(1 + 3 lambda)`` as ``eta -> 0`` and ``E -> 0`` as ``lambda -> 0``.

    References
    ----------
    X. Ma, C.-H. F. Fung, H.-K. Lo, Phys. Rev. A 76, 012307 (2007).

    Examples
    --------
    >>> print(f"{spdc_qber(0.1, 1.0):.6f}")
    0.023810
    """
    lam, eta, x, y = _inputs(mean_pairs_per_mode, detector_efficiency)
    a = lam * (2.0 - eta)
    num = 0.5 * a * (2.0 - eta) + eta * a * a * (1.0 + 0.5 * x)
    den = a * ((2.0 + x) * (2.0 + y) - 1.0) + 2.0 + x + y
    return scalar_or_array(num / den)


def spdc_polariser_visibility(mean_pairs_per_mode: ArrayLike, detector_efficiency: ArrayLike) -> float | np.ndarray:
    """Two-photon visibility of the ``"polariser"`` setup (one polariser and one detector per side).

    Examples
    --------
    >>> print(f"{spdc_polariser_visibility(0.1, 1.0):.6f}")  # 1/(1 + 2 lambda)
    0.833333
    """
    lam, eta, x, y = _inputs(mean_pairs_per_mode, detector_efficiency)
    c1 = (1.0 + lam * (2.0 - eta)) / (1.0 + y)
    c0 = lam / (1.0 + x)
    return scalar_or_array((c1 - c0) / (c1 + c0))


def spdc_visibility(
    mean_pairs_per_mode: ArrayLike, detector_efficiency: ArrayLike, setup: str = "pbs"
) -> float | np.ndarray:
    """Werner visibility ``V`` of the heralded pair in a named setup (vectorised).

    ``"pbs"`` (default): ``V = 1 - 2 E_lambda`` (:func:`spdc_qber`, Ma–Fung–Lo 2007); ``"polariser"``:
    :func:`spdc_polariser_visibility`. See the module docstring.

    Examples
    --------
    >>> print(f"{spdc_visibility(0.1, 1.0):.6f} {spdc_visibility(0.1, 1.0, setup='polariser'):.6f}")
    0.952381 0.833333
    """
    check_choice("setup", setup, SPDC_SETUPS)
    if setup == "polariser":
        return spdc_polariser_visibility(mean_pairs_per_mode, detector_efficiency)
    return scalar_or_array(1.0 - 2.0 * np.asarray(spdc_qber(mean_pairs_per_mode, detector_efficiency)))


def spdc_heralding_probability(
    mean_pairs_per_mode: ArrayLike, detector_efficiency: ArrayLike, setup: str = "pbs"
) -> float | np.ndarray:
    """Probability per pulse that a pair is heralded (both sides click) in a named setup (vectorised).

    ``"pbs"`` (default): Ma–Fung–Lo's gain ``Q = 1 - 2/(1 + x)^2 + 1/(1 + y)^2`` with ``x = eta lambda``,
    ``y = x (2 - eta)``, evaluated as ``x [y ((2 + x)(2 + y) - 1) + eta (2 + x + y)] / ((1 + x)^2 (1 + y)^2)``;
    ``Q ~ 2 eta^2 lambda (1 + 3 lambda)`` for small ``eta lambda``. ``"polariser"``: ``(C(0) + C(pi/2))/2``.

    Examples
    --------
    >>> print(f"{spdc_heralding_probability(0.1, 1.0):.6f}")   # 1 - 1/1.1^2
    0.173554
    """
    check_choice("setup", setup, SPDC_SETUPS)
    if setup == "polariser":
        c0 = np.asarray(spdc_coincidence_probability(mean_pairs_per_mode, detector_efficiency, 0.0))
        c1 = np.asarray(spdc_coincidence_probability(mean_pairs_per_mode, detector_efficiency, np.pi / 2))
        return scalar_or_array(0.5 * (c0 + c1))
    lam, eta, x, y = _inputs(mean_pairs_per_mode, detector_efficiency)
    num = x * (y * ((2.0 + x) * (2.0 + y) - 1.0) + eta * (2.0 + x + y))
    return scalar_or_array(num / ((1.0 + x) ** 2 * (1.0 + y) ** 2))


def spdc_coincidence_probability(
    mean_pairs_per_mode: ArrayLike, detector_efficiency: ArrayLike, angle_difference_rad: ArrayLike
) -> float | np.ndarray:
    """Coincidence probability per pulse behind polarisers at relative angle ``Delta`` (``"polariser"`` setup).

    ``C = eta^2 lambda [lambda (1 + x) + (1 + lambda) s^2 (1 - x)] / ((1 + x) D)``
    with ``x = eta lambda``, ``s = sin(Delta)``,
    ``D = (1 + x)^2 - eta^2 lambda (1 + lambda) s^2``: the module-docstring formula
    without its cancellation.

    Examples
    --------
    >>> print(f"{spdc_coincidence_probability(0.1, 1.0, 0.0):.6f}")  # (lambda/(1 + lambda))^2
    0.008264
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
    """A type-II SPDC pair source measured in a named setup (immutable description and results).

    Parameters
    ----------
    mean_pairs_per_mode : float
        ``lambda = sinh(r)^2 >= 0``, mean pairs per TMSV per pulse.
    detector_efficiency : float
        ``eta`` in [0, 1], efficiency of each threshold detector (include any
        transmission loss in front of it: a loss ``T`` before a detector of
        efficiency ``eta`` is a detector of efficiency ``eta T``).
    setup : {"pbs", "polariser"}, optional
        Measurement setup (module docstring). Default ``"pbs"`` (Ma–Fung–Lo 2007).

    Attributes
    ----------
    visibility, fidelity, qber : float
        ``V`` of the setup, ``(1 + 3V)/4`` and ``(1 - V)/2`` of the heralded pair.
    heralding_probability : float
        Probability per pulse that the setup heralds a pair.
    coincidence_min, coincidence_max : float
        Coincidence probabilities behind polarisers at ``Delta = 0`` and ``pi/2`` (the ``"polariser"``
        setup's raw numbers, whatever ``setup`` is).

    Examples
    --------
    >>> src = SPDCSource(mean_pairs_per_mode=0.1, detector_efficiency=1.0)
    >>> print(f"{src.visibility:.6f} {src.fidelity:.6f} {src.heralding_probability:.6f}")
    0.952381 0.964286 0.173554
    >>> print(f"{SPDCSource(0.1, 1.0, setup='polariser').visibility:.6f}")
    0.833333
    """

    mean_pairs_per_mode: float
    detector_efficiency: float
    setup: str = "pbs"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "mean_pairs_per_mode", check_nonnegative("mean_pairs_per_mode", self.mean_pairs_per_mode)
        )
        object.__setattr__(
            self, "detector_efficiency", check_probability("detector_efficiency", self.detector_efficiency)
        )
        check_choice("setup", self.setup, SPDC_SETUPS)

    @property
    def visibility(self) -> float:
        return spdc_visibility(self.mean_pairs_per_mode, self.detector_efficiency, self.setup)

    @property
    def fidelity(self) -> float:
        return (1.0 + 3.0 * self.visibility) / 4.0

    @property
    def qber(self) -> float:
        return (1.0 - self.visibility) / 2.0

    @property
    def heralding_probability(self) -> float:
        return spdc_heralding_probability(self.mean_pairs_per_mode, self.detector_efficiency, self.setup)

    @property
    def coincidence_min(self) -> float:
        return spdc_coincidence_probability(self.mean_pairs_per_mode, self.detector_efficiency, 0.0)

    @property
    def coincidence_max(self) -> float:
        return spdc_coincidence_probability(self.mean_pairs_per_mode, self.detector_efficiency, np.pi / 2)

    def coincidence_probability(self, angle_difference_rad: ArrayLike) -> float | np.ndarray:
        """Coincidence probability per pulse behind polarisers at angle difference ``Delta`` (radians)."""
        return spdc_coincidence_probability(self.mean_pairs_per_mode, self.detector_efficiency, angle_difference_rad)

    def state(self) -> qt.Qobj:
        """Werner-form state relative to ``|Phi+>``: ``V |Phi+><Phi+| + (1 - V) I/4`` (QuTiP, 2 qubits)."""
        from pqms_physics.core.states import werner_state  # deferred: QuTiP only when a state is asked for

        return werner_state(self.fidelity)

    def native_state(self) -> qt.Qobj:
        """The state before Bob's ``Z X`` correction: ``V |Psi-><Psi-| + (1 - V) I/4``."""
        import qutip as qt

        from pqms_physics.core.states import bell_state

        v = self.visibility
        return v * qt.ket2dm(bell_state("psi-")) + (1.0 - v) * qt.qeye([2, 2]) / 4.0

    def to_dict(self) -> dict:
        """Inputs and derived quantities as plain floats (JSON-ready)."""
        return {
            "mean_pairs_per_mode": self.mean_pairs_per_mode,
            "detector_efficiency": self.detector_efficiency,
            "setup": self.setup,
            "visibility": self.visibility,
            "fidelity": self.fidelity,
            "qber": self.qber,
            "heralding_probability": self.heralding_probability,
            "coincidence_min": self.coincidence_min,
            "coincidence_max": self.coincidence_max,
        }


def spdc_pair_state(mean_pairs_per_mode: float, detector_efficiency: float, setup: str = "pbs") -> qt.Qobj:
    """Werner-form two-qubit state of a heralded type-II SPDC pair with multi-pair emission.

    Parameters
    ----------
    mean_pairs_per_mode : float
        ``lambda = sinh(r)^2 >= 0`` mean pairs per mode (per TMSV) per pulse.
    detector_efficiency : float
        Threshold-detector efficiency ``eta`` in [0, 1].
    setup : {"pbs", "polariser"}, optional
        Measurement setup (module docstring); the heralding probability of the same setup is
        :attr:`SPDCSource.heralding_probability`. Default ``"pbs"`` (Ma–Fung–Lo 2007).

    Returns
    -------
    qutip.Qobj
        ``V |Phi+><Phi+| + (1 - V) I/4`` with the setup's ``V`` (module docstring), fidelity ``(1 + 3V)/4``.

    References
    ----------
    X. Ma, C.-H. F. Fung, H.-K. Lo, Phys. Rev. A 76, 012307 (2007).

    Examples
    --------
    >>> from pqms_physics.core.states import fidelity, bell_state
    >>> print(f"{fidelity(spdc_pair_state(0.1, 1.0), bell_state('phi+')):.6f}")  # V = 1 - 2 E = 0.952381
    0.964286
    """
    return SPDCSource(mean_pairs_per_mode, detector_efficiency, setup).state()


__all__ = [
    "SPDC_SETUPS",
    "SPDCSource",
    "spdc_pair_state",
    "spdc_visibility",
    "spdc_polariser_visibility",
    "spdc_qber",
    "spdc_heralding_probability",
    "spdc_coincidence_probability",
]
