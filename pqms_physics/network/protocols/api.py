"""``repeater_protocol``: the one public entry point of the time-resolved repeater protocols."""

from __future__ import annotations

import math
import warnings

from pqms_physics import conventions
from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_probability
from pqms_physics.network.protocols.exact import exact_protocol
from pqms_physics.network.protocols.result import ProtocolResult
from pqms_physics.network.protocols.spec import ProtocolSpec
from pqms_physics.progress import ProgressArg

#: Engines of :func:`repeater_protocol`.
METHODS: tuple[str, ...] = ("exact", "monte-carlo")


def repeater_protocol(
    segments: int,
    p_link: float,
    *,
    p_swap: float = 1.0,
    scheme: str = "nested",
    link_werner: float = 1.0,
    coherence_time: float = math.inf,
    cutoff: int | tuple[int, ...] | None = None,
    werner_cutoff: float | None = None,
    modes: int = 1,
    distillation: int | tuple[int, ...] = 0,
    t_trunc: int | None = None,
    max_truncated_mass: float | None = None,
    method: str = "exact",
    samples: int | None = None,
    seed: int | None = None,
    progress: ProgressArg = None,
    device: str = "cpu",
) -> ProtocolResult:
    """Waiting time (rounds) and Werner parameter of the first end-to-end pair of a repeater chain.

    Parameters
    ----------
    segments : int
        Elementary links, ``>= 1``; a power of two for ``scheme="nested"``.
    p_link : float
        Per-round, per-mode generation probability of a segment, in (0, 1].
    p_swap : float, optional
        Swap success probability, in (0, 1]. Default 1.
    scheme : {"nested", "swap-asap", "parallel"}, optional
        Swap order (see :mod:`pqms_physics.network.protocols`). Default ``"nested"``.
    link_werner : float, optional
        Werner parameter ``w0`` of a fresh link, in [0, 1]. Default 1.
    coherence_time : float, optional
        Memory coherence time in rounds, ``> 0`` (``math.inf``: perfect memories).
    cutoff : int, tuple of int or None, optional
        Memory cutoff in rounds, ``>= 0`` (one per nesting level for ``"nested"``).
    werner_cutoff : float or None, optional
        Fidelity cutoff on the Werner parameter after a swap, in [0, 1] (exact engine: 2 segments).
    modes : int, optional
        Multiplexed modes per segment, ``>= 1``.
    distillation : int or tuple of int, optional
        BBPSSW distillation rounds (perfect operations) on the inputs of each nesting level's swap, ``>= 0``
        (``"nested"`` only; exact engine only; see :class:`~pqms_physics.network.protocols.spec.ProtocolSpec`).
    t_trunc : int or None, optional
        Last round of the pmf, ``>= 1``. None: leave less than 1e-12 of the mass beyond (exact) or a pilot-run
        choice (Monte Carlo). An explicit ``t_trunc`` is honoured; the mass beyond is reported as
        ``truncated_mass`` and a RuntimeWarning is issued above 1e-9, unless ``max_truncated_mass`` is given.
    max_truncated_mass : float or None, optional
        Requested accuracy of an explicit ``t_trunc``, in [0, 1]: a ``t_trunc`` leaving more probability than
        this beyond it raises ``ValueError`` (naming ``t_trunc``) instead of warning. A ``t_trunc`` that leaves
        all of the mass beyond it always raises.
    method : {"exact", "monte-carlo"}, optional
        Exact engine (nested and parallel of any size, swap-asap up to 8 segments with a moderate memory cutoff
        and no fidelity cutoff) or the Monte Carlo engine (needs ``samples`` and ``seed``).
    samples : int, optional
        Monte Carlo protocol runs, ``>= 1``.
    seed : int, optional
        Monte Carlo seed (counter-based stream: same numbers on any thread count).
    progress : None, bool or callable, optional
        Monte Carlo progress bar (see :func:`pqms_physics.progress.progress_bar`).
    device : {"cpu", "numpy", "cuda"}, optional
        Monte Carlo kernel: Numba on the CPU (default), the plain-Python twin, or the optional CUDA kernel
        (extra ``gpu``; the same counts; :class:`~pqms_physics.kernels.CudaUnavailableError` without a GPU).
        The exact engine takes only ``"cpu"``.

    Returns
    -------
    ProtocolResult
        ``pmf``, ``werner``, ``truncated_mass``, ``mean_time``, ``mean_werner``, ``cdf``, ``quantile``,
        ``secret_key_rate``.

    Notes
    -----
    For 2 segments without decoherence or cutoff, ``E[T] = (3 - 2p) / (p_swap p (2 - p))`` (Shchukin,
    Schmidt, van Loock 2019); the parallel scheme with deterministic swaps gives Bernardes et al.'s
    ``Z_n(p)`` (:func:`pqms_physics.network.bounds.expected_attempts`).

    References
    ----------
    S. Brand, T. Coopmans, D. Elkouss, IEEE J. Sel. Areas Commun. 38, 619 (2020).
    B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 4103015 (2021).
    E. Shchukin, F. Schmidt, P. van Loock, Phys. Rev. A 100, 032322 (2019).

    Examples
    --------
    >>> res = repeater_protocol(4, 0.2, p_swap=0.5, link_werner=0.98, coherence_time=100.0)
    >>> print(f"{res.mean_time:.2f} rounds, F = {res.mean_fidelity:.4f}")
    41.40 rounds, F = 0.8141
    """
    method = check_choice("method", method, METHODS)
    device = check_choice("device", device, conventions.DEVICES)
    spec = ProtocolSpec(
        segments=segments,
        p_link=p_link,
        p_swap=p_swap,
        scheme=scheme,
        link_werner=link_werner,
        coherence_time=coherence_time,
        cutoff=cutoff,
        werner_cutoff=werner_cutoff,
        modes=modes,
        distillation=distillation,
    )
    if t_trunc is not None:
        t_trunc = check_int("t_trunc", t_trunc, 1)
    if max_truncated_mass is not None:
        max_truncated_mass = check_probability("max_truncated_mass", max_truncated_mass)
    if method == "exact":
        if samples is not None or seed is not None:
            raise PQMSValueError(
                f"samples and seed are for method='monte-carlo', got samples={samples}, seed={seed} with method='exact'"
            )
        if device != "cpu":
            raise PQMSValueError(f"device={device!r} is for method='monte-carlo'; the exact engine runs on the CPU")
        with warnings.catch_warnings():
            if max_truncated_mass is not None:  # the caller named the accuracy: check it below instead
                warnings.filterwarnings("ignore", message="t_trunc=", category=RuntimeWarning)
            return _checked_truncation(exact_protocol(spec, t_trunc, _stacklevel=4), max_truncated_mass)
    if spec.distillation:
        raise PQMSValueError(
            f"distillation is computed by the exact engine only (method='exact'), got "
            f"distillation={spec.distillation} with method='monte-carlo'"
        )
    if samples is None or seed is None:
        raise PQMSValueError(f"method='monte-carlo' needs samples (>= 1) and seed, got samples={samples}, seed={seed}")
    try:
        from pqms_physics.network.protocols.montecarlo import simulate
    except ImportError as exc:  # pragma: no cover - until the Monte Carlo engine is installed
        raise PQMSValueError(
            "method='monte-carlo' is not available: the Monte Carlo engine "
            "pqms_physics.network.protocols.montecarlo cannot be imported"
        ) from exc
    res = simulate(spec, samples=samples, seed=seed, t_trunc=t_trunc, progress=progress, device=device)
    return _checked_truncation(res, max_truncated_mass)


def _checked_truncation(res: ProtocolResult, max_truncated_mass: float | None) -> ProtocolResult:
    """``res``, or ValueError naming ``t_trunc`` when it leaves too much of the waiting-time mass beyond it."""
    if res.truncated_mass >= 1.0 or not res.pmf.any():
        raise PQMSValueError(
            f"t_trunc={res.t_trunc} is too small: no end-to-end pair is delivered by then; raise t_trunc or pass None"
        )
    if max_truncated_mass is not None and res.truncated_mass > max_truncated_mass:
        raise PQMSValueError(
            f"t_trunc={res.t_trunc} is too small for max_truncated_mass={max_truncated_mass:.3g}: it leaves "
            f"{res.truncated_mass:.3g} of the waiting-time mass beyond it; raise t_trunc or pass None"
        )
    return res


__all__ = ["METHODS", "repeater_protocol"]
