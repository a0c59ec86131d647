"""The result of a repeater protocol in time: waiting-time pmf, Werner parameter per time, key rates.

Engines (:mod:`~pqms_physics.network.protocols.exact` and the Monte Carlo engine) fill a
:class:`ProtocolResult`; everything derived (cdf, quantiles, fidelity, secret-key rates) is computed here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError, check_choice, check_real
from pqms_physics.network.protocols.spec import ProtocolSpec

#: Methods that produce a :class:`ProtocolResult`.
METHODS: tuple[str, ...] = ("exact", "monte-carlo")
#: Key-distribution protocols of :meth:`ProtocolResult.secret_key_rate`.
KEY_PROTOCOLS: tuple[str, ...] = ("bb84", "six-state")


def _h2(x: float) -> float:
    from pqms_physics.network.bounds import binary_entropy

    return float(binary_entropy(x))


def secret_key_fraction(werner: float, protocol: str = "bb84") -> float:
    """Asymptotic secret-key fraction (bits per delivered pair) of a Werner pair, clipped at 0.

    Parameters
    ----------
    werner : float
        Werner parameter ``w`` of the delivered pairs, in [0, 1] (the mean over delivered pairs).
    protocol : {"bb84", "six-state"}, optional
        Entanglement-based BB84 (BBM92) or the six-state protocol with one-way post-processing.

    Notes
    -----
    A Werner pair gives the quantum bit error rate ``e = (1 - w)/2`` in every basis.

    * BB84 (Shor–Preskill): ``r = 1 - 2 h(e)``, ``h`` the binary entropy in bits.
    * Six-state (Lo 2001): ``r = 1 - H(1 - 3e/2, e/2, e/2, e/2)``, i.e.
      ``1 + (1 - 3e/2) log2(1 - 3e/2) + (3e/2) log2(e/2)``: one minus the entropy of the pair's Bell weights.

    Both are clipped at 0 (no key below the threshold: ``e ~ 11.0 %`` for BB84, ``~ 12.6 %`` for six-state).

    References
    ----------
    P. W. Shor, J. Preskill, "Simple proof of security of the BB84 quantum key distribution protocol",
    Phys. Rev. Lett. 85, 441 (2000).
    H.-K. Lo, "Proof of unconditional security of six-state quantum key distribution scheme",
    Quantum Inf. Comput. 1, 81 (2001).

    Examples
    --------
    >>> print(f"{secret_key_fraction(1.0):.3f} {secret_key_fraction(0.5):.3f}")
    1.000 0.000
    """
    w = check_real("werner", werner)
    protocol = check_choice("protocol", protocol, KEY_PROTOCOLS)
    if not (-1.0 / 3.0 - 1e-12 <= w <= 1.0 + 1e-12):
        raise PQMSValueError(f"werner must be in [-1/3, 1], got {w}")
    e = min(max((1.0 - w) / 2.0, 0.0), 1.0)
    if protocol == "bb84":
        return max(0.0, 1.0 - 2.0 * _h2(e))
    from pqms_physics.core.bell_algebra import hashing_yield, werner_weights

    return float(hashing_yield(werner_weights((1.0 + 3.0 * w) / 4.0)))


@dataclass(frozen=True, eq=False)
class ProtocolResult:
    """Waiting time ``T`` (rounds) of the first end-to-end pair and its Werner parameter.

    Attributes
    ----------
    spec : ProtocolSpec
        The protocol.
    method : {"exact", "monte-carlo"}
        Engine that produced the numbers.
    pmf : ndarray, shape (t_trunc + 1,)
        ``pmf[t] = P(T = t)`` for ``t = 0..t_trunc`` rounds (``pmf[0] = 0``); empirical for Monte Carlo.
    werner : ndarray, shape (t_trunc + 1,)
        ``E[w | T = t]``, nan where ``pmf[t] == 0`` (exact engine: also where ``pmf[t]`` is below 1e-13 of the
        pmf's maximum, i.e. within FFT roundoff, so that the ratio would be noise).
    truncated_mass : float
        ``P(T > t_trunc)``: reported, never dropped silently.
    mean_time : float
        ``E[T]`` in rounds (exact engine: the sum over the pmf plus a geometric extrapolation of the truncated
        tail, ``truncated_mass * (t_trunc + 1 / (1 - ratio))``; Monte Carlo: sample mean).
    mean_werner : float
        ``E[w]`` over delivered pairs.
    mean_time_stderr, mean_werner_stderr : float or None
        Standard errors (Monte Carlo only).
    samples, seed, stream_version : int or None
        Monte Carlo provenance.

    Examples
    --------
    >>> import numpy as np
    >>> spec = ProtocolSpec(1, 0.5)
    >>> t = np.arange(41); pmf = np.where(t > 0, 0.5 ** t, 0.0)
    >>> res = ProtocolResult(spec, "exact", pmf, np.where(t > 0, 1.0, np.nan), 0.5 ** 40, 2.0, 1.0)
    >>> print(f"{res.cdf(2):.2f} {res.mean_fidelity:.2f} {res.quantile(0.9)}")
    0.75 1.00 4
    """

    spec: ProtocolSpec
    method: str
    pmf: np.ndarray
    werner: np.ndarray
    truncated_mass: float
    mean_time: float
    mean_werner: float
    mean_time_stderr: float | None = None
    mean_werner_stderr: float | None = None
    samples: int | None = None
    seed: int | None = None
    stream_version: int | None = None

    def __post_init__(self) -> None:
        check_choice("method", self.method, METHODS)
        if not isinstance(self.spec, ProtocolSpec):
            raise PQMSValueError(f"spec must be a ProtocolSpec, got {type(self.spec).__name__}")
        pmf = np.array(self.pmf, dtype=float)
        werner = np.array(self.werner, dtype=float)
        if pmf.ndim != 1 or pmf.shape != werner.shape or pmf.size < 1:
            raise PQMSValueError(
                f"pmf and werner must be 1-D arrays of equal length >= 1, got shapes {pmf.shape} and {werner.shape}"
            )
        pmf.setflags(write=False)
        werner.setflags(write=False)
        object.__setattr__(self, "pmf", pmf)
        object.__setattr__(self, "werner", werner)
        object.__setattr__(self, "truncated_mass", float(self.truncated_mass))
        object.__setattr__(self, "mean_time", float(self.mean_time))
        object.__setattr__(self, "mean_werner", float(self.mean_werner))

    @property
    def t_trunc(self) -> int:
        """Last round covered by :attr:`pmf`."""
        return self.pmf.size - 1

    @property
    def mean_fidelity(self) -> float:
        """Mean fidelity ``(1 + 3 E[w]) / 4`` of the delivered pairs (Werner states)."""
        return (1.0 + 3.0 * self.mean_werner) / 4.0

    def cdf(self, t: ArrayLike) -> float | np.ndarray:
        """``P(T <= t)`` for round(s) ``t`` in ``0..t_trunc`` (int or integer array).

        Examples
        --------
        >>> import numpy as np
        >>> res = ProtocolResult(ProtocolSpec(1, 1.0), "exact", np.array([0.0, 1.0]), np.array([np.nan, 1.0]),
        ...                      0.0, 1.0, 1.0)
        >>> print(f"{res.cdf(0):.1f} {res.cdf(1):.1f}")
        0.0 1.0
        """
        arr = np.asarray(t)
        if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.floor(arr))):
            raise PQMSValueError(f"t must be an integer number of rounds, got {t}")
        arr = arr.astype(np.int64)
        if np.any(arr < 0) or np.any(arr > self.t_trunc):
            raise PQMSValueError(f"t must be in [0, {self.t_trunc}] (t_trunc), got {t}")
        out = np.cumsum(self.pmf)[arr]
        return float(out) if out.ndim == 0 else out

    def quantile(self, q: float) -> int:
        """Smallest ``t`` with ``P(T <= t) >= q``, for ``q`` in (0, 1 - truncated_mass].

        Examples
        --------
        >>> import numpy as np
        >>> res = ProtocolResult(ProtocolSpec(1, 1.0), "exact", np.array([0.0, 1.0]), np.array([np.nan, 1.0]),
        ...                      0.0, 1.0, 1.0)
        >>> res.quantile(0.5)
        1
        """
        q = check_real("q", q)
        if not (0.0 < q <= 1.0):
            raise PQMSValueError(f"q must be in (0, 1], got {q}")
        cdf = np.cumsum(self.pmf)
        if q > cdf[-1] + 1e-15:
            raise PQMSValueError(f"q must be <= P(T <= t_trunc) = {cdf[-1]:.3g} (the rest is truncated), got {q}")
        return int(min(np.searchsorted(cdf, q - 1e-15, side="left"), self.t_trunc))

    def secret_key_rate(self, protocol: str = "bb84") -> float:
        """Asymptotic secret bits per round: the key fraction of the mean Werner parameter over ``E[T]``.

        Parameters
        ----------
        protocol : {"bb84", "six-state"}, optional
            See :func:`secret_key_fraction`.

        Notes
        -----
        ``R = r(E[w]) / E[T]`` with ``r`` from :func:`secret_key_fraction` (clipped at 0), ``E[w]`` over the
        delivered pairs: the rate of a sequence of independent protocol runs (renewal reward theorem).

        Examples
        --------
        >>> import numpy as np
        >>> res = ProtocolResult(ProtocolSpec(1, 1.0), "exact", np.array([0.0, 1.0]), np.array([np.nan, 1.0]),
        ...                      0.0, 1.0, 1.0)
        >>> print(f"{res.secret_key_rate():.3f}")
        1.000
        """
        return secret_key_fraction(self.mean_werner, protocol) / self.mean_time

    def to_dict(self, *, arrays: bool = True) -> dict:
        """JSON-ready dict: the spec, scalars and (unless ``arrays=False``) pmf and werner as lists (nan -> None)."""
        out = {
            "spec": self.spec.to_dict(),
            "method": self.method,
            "t_trunc": self.t_trunc,
            "truncated_mass": self.truncated_mass,
            "mean_time": self.mean_time,
            "mean_werner": self.mean_werner,
            "mean_fidelity": self.mean_fidelity,
            "mean_time_stderr": self.mean_time_stderr,
            "mean_werner_stderr": self.mean_werner_stderr,
            "samples": self.samples,
            "seed": self.seed,
            "stream_version": self.stream_version,
        }
        for key in ("mean_time", "mean_werner", "mean_fidelity"):
            if not math.isfinite(out[key]):
                out[key] = None
        if arrays:
            out["pmf"] = self.pmf.tolist()
            out["werner"] = [None if math.isnan(x) else x for x in self.werner.tolist()]
        return out


__all__ = ["KEY_PROTOCOLS", "METHODS", "ProtocolResult", "secret_key_fraction"]
