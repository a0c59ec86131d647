"""The registry of quantities a parameter sweep can compute, with their parameter domains and units.

Each entry is a :class:`~pqms_physics.sweep.spec.Quantity` (evaluation
function, :class:`~pqms_physics.sweep.spec.ParameterSpec` per parameter,
:class:`~pqms_physics.sweep.spec.OutputSpec` per output; contract in
:mod:`pqms_physics.sweep.spec`). The sweep configuration
(:mod:`pqms_physics.sweep.config`) validates every value against these
domains before anything runs; the engine (:mod:`pqms_physics.sweep.engine`) evaluates
points chunk by chunk through :func:`evaluate_points`.

The physics lives in the modules named by each quantity's ``source``; the
functions here only map arrays of parameters onto those modules, which are
imported inside the evaluation functions (QuTiP and Numba load only when a
quantity that needs them is evaluated).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.quantities_nct import POOL_BASES, POOL_BIAS, POOL_SAMPLERS  # noqa: F401
from pqms_physics.sweep.quantities_protocols import PROTOCOL_MEAN_TIME, PROTOCOL_MEAN_WERNER
from pqms_physics.sweep.spec import OutputSpec, ParameterSpec, Quantity


# ------------------------------------------------------------------ quantities
def _eval_dephasing_fidelity(
    values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    """Phi+ after dephasing of qubit 0 (sides = 1) or of both qubits (sides = 2), via the core channels."""
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import bell_state, fidelity

    phi = bell_state("phi+")
    gammas, times, sides = values["gamma_per_s"], values["t_s"], values["sides"]
    out = np.empty(gammas.shape[0])
    for k in range(out.shape[0]):
        ch = dephasing(gamma_per_s=float(gammas[k]), t_s=float(times[k]))
        pair = ch.on(0, n=2) if int(sides[k]) == 1 else ch & ch
        out[k] = fidelity(pair(phi), phi)
    return {"fidelity": out}


DEPHASING_FIDELITY = Quantity(
    name="dephasing_fidelity",
    description="Squared fidelity to Phi+ of Phi+ after pure dephasing of one or both qubits",
    parameters=(
        ParameterSpec("gamma_per_s", "float", "s-1", "dephasing rate gamma (L = sqrt(gamma) sigma_z)", low=0.0),
        ParameterSpec("t_s", "float", "s", "storage time", low=0.0),
        ParameterSpec(
            "sides",
            "int",
            "1",
            "number of dephased qubits (1: qubit 0 only, 2: both)",
            low=1,
            high=2,
            required=False,
            default=1,
        ),
    ),
    outputs=(OutputSpec("fidelity", "1", "squared fidelity to Phi+"),),
    evaluate=_eval_dephasing_fidelity,
    source="pqms_physics.core.channels",
)


# Parameters of a chain of identical Werner links with Duer-noisy swaps (pqms_physics.network.chains).
#: Swap noise parameters shared by the chain and rate quantities.
_SWAP_NOISE: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "gate_fidelity",
        "float",
        "1",
        "Duer two-qubit gate parameter p of every swap",
        low=0.0,
        high=1.0,
        required=False,
        default=1.0,
    ),
    ParameterSpec(
        "measurement_fidelity",
        "float",
        "1",
        "Duer readout fidelity eta of every swap",
        low=0.0,
        high=1.0,
        required=False,
        default=1.0,
    ),
)


def _chain_parameters(hops_required: bool) -> tuple[ParameterSpec, ...]:
    return (
        ParameterSpec(
            "hops", "int", "1", "number of elementary links (hops - 1 swaps)", low=1, required=hops_required, default=1
        ),
        ParameterSpec("link_fidelity", "float", "1", "squared fidelity to Phi+ of each Werner link", low=0.0, high=1.0),
        *_SWAP_NOISE,
        ParameterSpec(
            "twirl",
            "bool",
            "1",
            "Werner-twirl the pair after every swap (BDCZ analysis)",
            required=False,
            default=False,
        ),
    )


def _eval_fidelity_vs_hops(
    values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    """Vectorised: :func:`pqms_physics.network.chains.werner_chain_fidelity` once per twirl value in the chunk."""
    from pqms_physics.network.chains import werner_chain_fidelity

    out = np.empty(point_index.shape[0])
    for twirl in (False, True):
        m = values["twirl"] == twirl
        if m.any():
            out[m] = werner_chain_fidelity(
                values["link_fidelity"][m],
                values["hops"][m],
                values["gate_fidelity"][m],
                values["measurement_fidelity"][m],
                twirl=twirl,
            )
    return {"fidelity": out}


FIDELITY_VS_HOPS = Quantity(
    name="fidelity_vs_hops",
    description="Squared fidelity to Phi+ of the end-to-end pair of a chain of Werner links (sequential swaps)",
    parameters=_chain_parameters(hops_required=True),
    outputs=(OutputSpec("fidelity", "1", "squared fidelity of the end-to-end pair to Phi+"),),
    evaluate=_eval_fidelity_vs_hops,
    source="pqms_physics.network.chains",
    cost_per_point_s=1e-6,
)


def _eval_chsh_value(
    values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    """Per point: :func:`pqms_physics.chsh.chsh_value` of :func:`pqms_physics.network.chains.chain_state`."""
    from pqms_physics.chsh import chsh_value
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import chain_state

    out = np.empty(point_index.shape[0])
    for k in range(out.shape[0]):
        pair = chain_state(
            werner_state(float(values["link_fidelity"][k])),
            int(values["hops"][k]),
            float(values["gate_fidelity"][k]),
            float(values["measurement_fidelity"][k]),
            twirl=bool(values["twirl"][k]),
        )
        out[k] = chsh_value(pair)
    return {"chsh_s_max": out}


CHSH_VALUE = Quantity(
    name="chsh_value",
    description="Maximal CHSH value S_max (Horodecki) of the end-to-end pair of a chain of Werner links",
    parameters=_chain_parameters(hops_required=False),
    outputs=(OutputSpec("chsh_s_max", "1", "maximal CHSH value S_max over all settings"),),
    evaluate=_eval_chsh_value,
    source="pqms_physics.chsh",
    cost_per_point_s=3e-3,
)


def _eval_entanglement_rate(
    values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    """Vectorised over length: :func:`pqms_physics.network.bounds.entanglement_rate` once per combination of the
    other parameters."""
    from pqms_physics.network.bounds import entanglement_rate

    scalars = (
        "n_links",
        "mean_pairs_per_mode",
        "detector_efficiency",
        "loss_db_per_km",
        "gate_fidelity",
        "measurement_fidelity",
    )
    out = {name: np.empty(point_index.shape[0]) for name in _RATE_OUTPUTS}
    groups: dict[tuple, list[int]] = {}
    for k, key in enumerate(zip(*(values[name].tolist() for name in scalars))):
        groups.setdefault(key, []).append(k)
    for key, members in groups.items():
        idx = np.array(members)
        r = entanglement_rate(values["length_km"][idx], n_links=key[0], **dict(zip(scalars[1:], key[1:])))
        for name in out:
            out[name][idx] = getattr(r, name)
    return out


_RATE_OUTPUTS = {
    "ebits_per_pulse": "distillable entanglement (hashing yield) delivered per pulse, ebit",
    "ebits_per_mode": "ebits per optical mode (a pulse uses two); compare with the PLOB bounds",
    "delivered_fidelity": "squared fidelity to Phi+ of the end-to-end pair",
    "link_success_probability": "heralding probability of one segment per pulse",
    "expected_pulses": "mean pulses until every segment holds a link",
    "distillable_fraction": "hashing yield of the delivered pair, ebit per pair",
    "plob_repeaterless": "PLOB bound of the whole distance, ebit per mode",
    "plob_chain": "PLOB bound of one segment (ideal repeaters), ebit per mode",
}

ENTANGLEMENT_RATE = Quantity(
    name="entanglement_rate",
    description=(
        "Distillable entanglement per pulse of an SPDC repeater chain over fibre, with the PLOB "
        "bounds (protocol in pqms_physics.network.bounds.entanglement_rate)"
    ),
    parameters=(
        ParameterSpec("length_km", "float", "km", "total distance L", low=0.0),
        ParameterSpec("n_links", "int", "1", "number of segments (1: direct transmission)", low=1),
        ParameterSpec(
            "mean_pairs_per_mode",
            "float",
            "1",
            "SPDC mean pairs per mode per pulse",
            low=0.0,
            low_open=True,
            required=False,
            default=0.01,
        ),
        ParameterSpec(
            "detector_efficiency",
            "float",
            "1",
            "heralding-detector efficiency",
            low=0.0,
            high=1.0,
            low_open=True,
            required=False,
            default=1.0,
        ),
        ParameterSpec("loss_db_per_km", "float", "dB km-1", "fibre attenuation", low=0.0, required=False, default=0.2),
        *_SWAP_NOISE,
    ),
    outputs=tuple(OutputSpec(name, "1", text) for name, text in _RATE_OUTPUTS.items()),
    evaluate=_eval_entanglement_rate,
    source="pqms_physics.network.bounds",
    cost_per_point_s=1e-5,
)


_REGISTRY: dict[str, Quantity] = {
    q.name: q
    for q in (
        DEPHASING_FIDELITY,
        FIDELITY_VS_HOPS,
        CHSH_VALUE,
        ENTANGLEMENT_RATE,
        POOL_BIAS,
        PROTOCOL_MEAN_TIME,
        PROTOCOL_MEAN_WERNER,
    )
}
#: Read-only view of the registry: quantity name -> Quantity.
QUANTITIES: Mapping[str, Quantity] = MappingProxyType(_REGISTRY)


def get_quantity(name: str) -> Quantity:
    """The registered quantity ``name``; raises naming the known quantities otherwise.

    Examples
    --------
    >>> q = get_quantity("fidelity_vs_hops")
    >>> q.parameter("link_fidelity").domain(), q.parameter("hops").units
    ('in [0, 1]', '1')
    """
    if isinstance(name, str) and ":" in name:
        return _plugin_quantity(name)
    q = QUANTITIES.get(name) if isinstance(name, str) else None
    if q is None:
        raise PQMSValueError(
            f"unknown quantity {name!r} (known: {', '.join(sorted(QUANTITIES))}, or "
            "'module:ATTRIBUTE' naming a Quantity object of your own)"
        )
    return q


def _plugin_quantity(name: str) -> Quantity:
    """A user-defined quantity named ``"module:ATTRIBUTE"`` (imported in every worker the same way)."""
    module_name, _, attr = name.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise PQMSValueError(f"quantity {name!r}: module {module_name!r} cannot be imported ({exc})") from None
    q = getattr(module, attr, None)
    if not isinstance(q, Quantity):
        raise PQMSValueError(f"quantity {name!r}: {module_name}.{attr} must be a Quantity, got {type(q).__name__}")
    return q


def evaluate_points(
    name: str, values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    """Evaluate quantity ``name`` on trusted, already validated per-point values.

    Returns one 1-D array per output, cast to the output's dtype; raises
    ``RuntimeError`` if the quantity returns the wrong outputs or lengths (a
    bug in the quantity, not a user error).

    Examples
    --------
    >>> v = {"hops": np.array([1, 10]), "link_fidelity": np.array([0.97, 0.97]),
    ...      "gate_fidelity": np.ones(2), "measurement_fidelity": np.ones(2), "twirl": np.zeros(2, bool)}
    >>> evaluate_points("fidelity_vs_hops", v, np.arange(2), None)["fidelity"].round(6).tolist()
    [0.97, 0.748624]
    """
    q = get_quantity(name)
    n = int(np.asarray(point_index).shape[0])
    raw = q.evaluate(values, np.asarray(point_index, dtype=np.int64), seed)
    out = {}
    for spec in q.outputs:
        if spec.name not in raw:
            raise RuntimeError(f"quantity {name!r} did not return output {spec.name!r}")
        arr = np.asarray(raw[spec.name]).astype(spec.dtype, copy=False)
        if arr.shape != (n,):
            raise RuntimeError(f"quantity {name!r} returned shape {arr.shape} for {spec.name!r}, expected ({n},)")
        out[spec.name] = arr
    return out


__all__ = ["QUANTITIES", "get_quantity", "evaluate_points"]
