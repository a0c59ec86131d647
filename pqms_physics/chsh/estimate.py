"""Finite-sample CHSH estimation: sampled counts, the estimate, its error bar, p-value and CI.

Re-exported from :mod:`pqms_physics.chsh`. The exact outcome table of the four
settings is built once from the state (:func:`~pqms_physics.chsh.exact.outcome_table`)
and then sampled, either pair by pair on the streaming Monte Carlo kernel
(:func:`pqms_physics.kernels.sample_counts`) or directly from the exact
multinomial law of the counts. Conventions (setting order a0b0, a0b1, a1b0,
a1b1; outcome index ``2*a + b``; ``S = E00 + E01 + E10 - E11``) are those of
:mod:`pqms_physics.chsh.exact`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics import conventions
from pqms_physics.chsh.exact import (
    LOCAL_BOUND,
    SETTING_SIGNS,
    CHSHSettings,
    _chsh_from_matrix,
    _density_matrix,
    _optimal_settings,
    _outcome_table,
    correlators_from_table,
)
from pqms_physics.errors import PQMSValueError, check_choice, check_in_range, check_int, check_positive, check_seed
from pqms_physics.kernels.multinomial import MULTINOMIAL_STREAM_VERSION
from pqms_physics.stats import ConfidenceInterval, normal_ppf, wald_interval

if TYPE_CHECKING:
    import qutip as qt

SAMPLERS: tuple[str, ...] = conventions.SAMPLERS
SETTING_CHOICES: tuple[str, ...] = ("random", "blocks")
#: Kernel devices (the kernels' own list; repeated here so that the check needs no kernel import).
DEVICES: tuple[str, ...] = conventions.DEVICES
#: Largest number of pairs (global pair indices of the kernel stream stay inside int64).
MAX_PAIRS: int = 1 << 62
#: Stream label of the multinomial sampler (:mod:`pqms_physics.kernels.multinomial`).
MULTINOMIAL_STREAM = MULTINOMIAL_STREAM_VERSION  # results append "+numpy-<version>"


def _readonly_counts(counts: Any) -> np.ndarray:
    arr = np.array(counts, dtype=np.int64, copy=True)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class CHSHEstimate:
    """A CHSH value estimated from the counts of a finite number of pairs.

    Attributes
    ----------
    value : float
        ``S_hat = sum_k s_k E_hat_k`` with ``s = (+1, +1, +1, -1)`` over settings
        a0b0, a0b1, a1b0, a1b1. NaN when a setting received no pair.
    stderr : float
        ``sigma_S = sqrt(sum_k (1 - E_hat_k^2) / N_k)`` (see Notes). NaN when a
        setting received no pair.
    counts : numpy.ndarray of int64, shape (4, 4)
        Pairs per setting (rows, ``2*i + j``) and joint outcome (columns, ``2*a + b``).
    pairs : int
        Total number of pairs (``counts.sum()``).
    exact_value : float
        The exact S of the sampled state at these settings (what ``value`` estimates).
    settings : CHSHSettings or None
        The measurement directions (None when unknown, e.g. counts supplied by the user).
    seed : int or None
        Seed of the sampler (None for counts supplied by the user).
    sampler : str
        "kernel", "multinomial" or "counts" (supplied by the user).
    setting_choice : str
        "random" (setting uniform per pair) or "blocks" (four equal blocks).
    stream_version : str
        Which random stream produced the counts.
    device : str
        Kernel device ("cpu", "numpy", "cuda"), "numpy" for the multinomial sampler.

    Notes
    -----
    Each setting ``k`` contributes ``N_k`` pairs with outcomes ``x = s_a s_b = +/-1``;
    ``E_hat_k`` is their mean, and a +/-1 variable with mean ``E`` has variance
    ``1 - E^2``. The four settings are independent given ``N_k``, so
    ``Var(S_hat) = sum_k (1 - E_k^2)/N_k``, estimated by plugging in ``E_hat_k``
    (the maximum-likelihood variance, no ``N_k - 1`` correction). For
    ``|Phi+>`` at optimal settings ``E_k^2 = 1/2`` and ``N_k ~ N/4``, so
    ``sigma_S ~ sqrt(8/N)``. The p-value and the CI use the normal (Wald)
    approximation ``(S_hat - S)/sigma_S ~ N(0, 1)``, accurate when every
    ``N_k (1 -+ E_k)/2`` is large (tens of pairs or more); for tiny ``N``, or a
    p-value far in the tail, it is not a rigorous bound (loophole-free tests use
    bounds that hold without it). With ``sigma_S = 0`` (every observed ``E_hat_k``
    is +/-1) the p-value is 0 if ``S_hat > 2`` and 1 otherwise.
    """

    value: float
    stderr: float
    counts: np.ndarray = field(repr=False)
    pairs: int
    exact_value: float
    settings: CHSHSettings | None = field(repr=False)
    seed: int | None
    sampler: str
    setting_choice: str
    stream_version: str
    device: str

    __array_ufunc__ = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", _readonly_counts(self.counts))

    @classmethod
    def from_counts(
        cls,
        counts: Any,
        *,
        settings: CHSHSettings | Sequence[ArrayLike] | None = None,
        exact_value: float = math.nan,
        seed: int | None = None,
        sampler: str = "counts",
        setting_choice: str = "random",
        stream_version: str = "",
        device: str = "",
    ) -> CHSHEstimate:
        """Estimate S and its error bar from a (4, 4) table of non-negative integer counts.

        Use it for counts from an experiment: rows are the settings a0b0, a0b1,
        a1b0, a1b1; columns the joint outcomes 00, 01, 10, 11 (bit 0 = +1).
        ``settings`` (optional) records the directions.
        """
        try:
            arr = np.asarray(counts, dtype=float)
        except (TypeError, ValueError):
            raise PQMSValueError(f"counts must be a (4, 4) array of non-negative integers, got {counts!r}") from None
        if arr.shape != (4, 4):
            raise PQMSValueError(f"counts must have shape (4, 4), got shape {arr.shape}")
        if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr != np.floor(arr)):
            raise PQMSValueError(f"counts must be non-negative integers, got {arr.tolist()}")
        arr = np.asarray(counts).astype(np.int64)
        if arr.sum() < 1:
            raise PQMSValueError("counts must contain at least one pair, got 0")
        n_k = arr.sum(axis=1)
        if np.any(n_k == 0):
            value = stderr = math.nan
        else:
            e_hat = correlators_from_table(arr / n_k[:, None])
            value = float(SETTING_SIGNS @ e_hat)
            stderr = float(math.sqrt(np.sum((1.0 - e_hat**2) / n_k)))
        if settings is not None:
            settings = CHSHSettings.from_any(settings)
        return cls(
            value=value,
            stderr=stderr,
            counts=arr,
            pairs=int(arr.sum()),
            exact_value=float(exact_value),
            settings=settings,
            seed=seed,
            sampler=sampler,
            setting_choice=setting_choice,
            stream_version=stream_version,
            device=device,
        )

    @property
    def setting_pairs(self) -> np.ndarray:
        """Pairs per setting ``N_k``, shape (4,)."""
        return self.counts.sum(axis=1)

    @property
    def correlators(self) -> np.ndarray:
        """Estimated correlators ``E_hat_k`` (NaN for a setting without pairs), shape (4,)."""
        n_k = self.setting_pairs
        with np.errstate(invalid="ignore", divide="ignore"):
            return correlators_from_table(self.counts / n_k[:, None])

    @property
    def n_sigma(self) -> float:
        """Violation of the local bound in standard errors, ``(S_hat - 2)/sigma_S``."""
        if self.stderr == 0:
            return math.inf if self.value > LOCAL_BOUND else (-math.inf if self.value < LOCAL_BOUND else 0.0)
        return (self.value - LOCAL_BOUND) / self.stderr

    @property
    def p_value(self) -> float:
        """One-sided p-value of ``H0: S <= 2``, ``P(Z >= (S_hat - 2)/sigma_S)`` for standard normal Z."""
        if math.isnan(self.value):
            return math.nan
        if self.stderr == 0:
            return 0.0 if self.value > LOCAL_BOUND else 1.0
        return 0.5 * math.erfc(self.n_sigma / math.sqrt(2.0))

    def ci(self, level: float = 0.95) -> ConfidenceInterval:
        """Two-sided Wald confidence interval ``S_hat -+ z sigma_S`` with ``z = Phi^-1((1 + level)/2)``.

        Parameters
        ----------
        level : float
            Confidence level in (0, 1), e.g. 0.95.
        """
        return wald_interval(self.value, self.stderr, level)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of the estimate, its error bar and its inputs."""
        return {
            "value": self.value,
            "stderr": self.stderr,
            "p_value": self.p_value,
            "n_sigma": self.n_sigma,
            "ci95": list(self.ci(0.95)),
            "counts": self.counts.tolist(),
            "pairs": self.pairs,
            "setting_pairs": self.setting_pairs.tolist(),
            "correlators": self.correlators.tolist(),
            "exact_value": self.exact_value,
            "settings": None if self.settings is None else self.settings.to_dict(),
            "seed": self.seed,
            "sampler": self.sampler,
            "setting_choice": self.setting_choice,
            "stream_version": self.stream_version,
            "device": self.device,
        }


def _multinomial_counts(table: np.ndarray, pairs: int, seed: int, setting_choice: str):
    """Counts drawn from their exact law by the package's one multinomial sampler
    (:func:`pqms_physics.kernels.multinomial.sample_multinomial`): Multinomial(N, table/4) over the 16
    (setting, outcome) cells with random settings, or Multinomial(n_s, row) per setting otherwise."""
    from pqms_physics.kernels.multinomial import sample_multinomial  # NumPy only

    return sample_multinomial(table, pairs, seed, setting_choice=setting_choice)


def estimate_chsh(
    rho: qt.Qobj,
    pairs: int,
    seed: int,
    settings: CHSHSettings | Sequence[ArrayLike] | None = None,
    sampler: str = "kernel",
    setting_choice: str = "random",
    *,
    device: str = "cpu",
) -> CHSHEstimate:
    """Sample ``pairs`` measured pairs of ``rho`` and estimate S with its error bar.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit ket or density matrix.
    pairs : int
        Number of measured pairs ``N`` in ``[1, 2**62]``; a multiple of 4 with
        ``setting_choice="blocks"``.
    seed : int
        Seed in ``[0, 2**64 - 1]``; the same seed gives the same counts.
    settings : None or sequence of 4 directions or CHSHSettings, optional
        ``(a0, a1, b0, b1)`` as X-Z-plane angles (radians) or unit Bloch vectors;
        ``None`` (default) uses :func:`optimal_settings`.
    sampler : {"kernel", "multinomial"}, optional
        ``"kernel"``: pair by pair on the streaming Monte Carlo kernel (memory
        independent of N). ``"multinomial"``: the counts drawn directly from
        their exact multinomial law with NumPy's PCG64 (microseconds for any N).
        Both have the same distribution of counts, but not the same counts for
        one seed (different streams).
    setting_choice : {"random", "blocks"}, optional
        ``"random"``: each pair's setting uniform over the four; ``"blocks"``:
        four consecutive blocks of ``N/4`` pairs.
    device : {"cpu", "numpy", "cuda"}, keyword-only
        Kernel device (ignored by the multinomial sampler); all give identical counts.

    Returns
    -------
    CHSHEstimate
        ``.value``, ``.stderr``, ``.counts`` (4 x 4), ``.pairs``, ``.p_value``,
        ``.ci(level)``, ``.exact_value`` and the inputs.

    Notes
    -----
    Exact table: ``p(a, b | i, j) = tr[(P_a(a_i) (x) P_b(b_j)) rho]``. Error bar
    ``sigma_S^2 = sum_k (1 - E_hat_k^2)/N_k`` from the observed counts; p-value
    and CI by the normal approximation (see :class:`CHSHEstimate`). Published
    examples of the formula: ``S = 2.42`` from 245 trials split evenly over the
    settings gives ``sigma_S = 0.203`` (Hensen et al. report +-0.20);
    ``S = 2.0747`` from 1e6 trials gives ``0.0034`` (Storz et al. report 0.0033).

    References
    ----------
    B. Hensen et al., Nature 526, 682 (2015). S. Storz et al., Nature 617, 265 (2023).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> est = estimate_chsh(werner_state(0.95), pairs=40_000, seed=7, sampler="multinomial")
    >>> round(est.exact_value, 4)  # 2 sqrt(2) w with w = (4F - 1)/3 = 14/15
    2.6399
    >>> bool(abs(est.value - est.exact_value) < 5 * est.stderr), bool(est.p_value < 1e-6)
    (True, True)
    """
    mat = _density_matrix("rho", rho)
    pairs = check_int("pairs", pairs, 1, MAX_PAIRS)
    seed = check_seed("seed", seed)
    check_choice("sampler", sampler, SAMPLERS)
    check_choice("device", device, DEVICES)
    check_choice("setting_choice", setting_choice, SETTING_CHOICES)
    if setting_choice == "blocks" and pairs % 4:
        raise PQMSValueError(f"pairs must be a multiple of 4 with setting_choice='blocks', got {pairs}")
    chosen = _optimal_settings(mat) if settings is None else CHSHSettings.from_any(settings)
    table = _outcome_table(mat, chosen)
    if sampler == "multinomial":
        drawn = _multinomial_counts(table, pairs, seed, setting_choice)
        counts, stream, dev = drawn.counts, drawn.stream_version, drawn.device
    else:
        from pqms_physics.kernels import sample_counts

        res = sample_counts(table, pairs, seed, setting_choice=setting_choice, device=device)
        counts, stream, dev = res.counts, res.stream_version, res.device
    return CHSHEstimate.from_counts(
        counts,
        settings=chosen,
        exact_value=_chsh_from_matrix(mat, chosen),
        seed=seed,
        sampler=sampler,
        setting_choice=setting_choice,
        stream_version=stream,
        device=dev,
    )


def pairs_for_violation(
    rho: qt.Qobj, n_sigma: float = 5.0, power: float = 0.5, settings: CHSHSettings | Sequence[ArrayLike] | None = None
) -> int:
    """Pairs needed for ``(S_hat - 2)/sigma_S >= n_sigma`` with probability ``power``.

    Parameters
    ----------
    rho : qutip.Qobj
        Two-qubit state.
    n_sigma : float
        Required violation of ``S <= 2`` in standard errors, > 0 (e.g. 5).
    power : float
        Probability in [0.5, 1) that a run of the returned size reaches
        ``n_sigma``; 0.5 (default) means the expected violation equals ``n_sigma``.
    settings : optional
        As in :func:`estimate_chsh` (default: optimal settings).

    Returns
    -------
    int
        ``N = ceil(4 v (n_sigma + z_power)^2 / (S - 2)^2)`` with
        ``v = sum_k (1 - E_k^2)`` and ``z_power = Phi^-1(power)``.

    Notes
    -----
    With ``N_k = N/4`` pairs per setting, ``sigma_S^2 = 4 v / N``; the
    estimate is ``~ N(S, sigma_S^2)``, so ``P(S_hat - 2 >= n_sigma sigma_S) =
    power`` when ``S - 2 = (n_sigma + z_power) sigma_S`` (normal approximation,
    ignoring the fluctuation of ``sigma_hat``). Raises if ``S <= 2``.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> pairs_for_violation(bell_state("phi+"), n_sigma=5.0)  # 4*2*25/0.828^2
    292
    """
    mat = _density_matrix("rho", rho)
    n_sigma = check_positive("n_sigma", n_sigma)
    power = check_in_range("power", power, 0.5, 1.0)
    if power == 1.0:
        raise PQMSValueError(f"power must be < 1, got {power}")
    chosen = _optimal_settings(mat) if settings is None else CHSHSettings.from_any(settings)
    table = _outcome_table(mat, chosen)
    e = correlators_from_table(table)
    s = float(SETTING_SIGNS @ e)
    if s <= LOCAL_BOUND:
        raise PQMSValueError(f"rho must give S > {LOCAL_BOUND} at these settings to violate it, got S = {s}")
    v = float(np.sum(1.0 - e**2))
    z = n_sigma + normal_ppf(power)
    return int(math.ceil(4.0 * v * z**2 / (s - LOCAL_BOUND) ** 2))


__all__ = ["SAMPLERS", "SETTING_CHOICES", "ConfidenceInterval", "CHSHEstimate", "estimate_chsh", "pairs_for_violation"]
