"""A quantum network as a networkx graph: the attributes it may carry, validated once.

Nodes are end users or repeaters; edges are fibre links. :func:`validate_network` reads the attributes
below, checks every one (errors name the node or edge and the attribute), fills in defaults and the
derived per-edge quantities, and returns a :class:`NetworkModel`. Every public function of
:mod:`pqms_physics.network.graphs` accepts either a graph (validated on entry) or a :class:`NetworkModel`
(validated already, so repeated calls on a large graph pay for validation once).

Edge attributes
---------------
``length_km`` (> 0) and/or ``transmissivity`` (in [0, 1))
    At least one. ``transmissivity`` overrides the fibre value ``10^(-alpha L/10)``; without
    ``length_km`` the length is the equivalent fibre length ``-10 log10(eta)/alpha`` (used for
    signalling times), or 0 when ``alpha = 0``.

``loss_db_per_km`` (>= 0, default 0.2)

``channel`` (``"loss"`` default, ``"erasure"``, ``"dephasing"``) with ``erasure_probability`` or
    ``dephasing_probability`` in [0, 1] for the last two.
``link_fidelity`` (in [0, 1], default 1) or ``link_werner`` (in [-1/3, 1])
    Fidelity ``F`` (or Werner parameter ``w = (4F - 1)/3``, the form the protocols engine uses) of the
    Werner state a successful link attempt delivers; give one of the two.
``p_link`` (in [0, 1], default the edge transmissivity: a single photon heralded through the fibre)
    Success probability of one link attempt.

Node attributes
---------------
``gate_fidelity``, ``measurement_fidelity`` (in [0, 1], default 1)
    Duer–Briegel–Cirac–Zoller swap noise at the node (see :mod:`pqms_physics.network.swapping`).
``coherence_time_s`` (> 0, default ``inf``)
    Depolarising memory time ``T``: a stored qubit keeps its Pauli correlations with factor ``exp(-t/T)``.

``pos`` (optional coordinates in km, used by plots only)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice, check_in_range, check_nonnegative, check_positive
from pqms_physics.network.bounds import dephasing_capacity, plob_bound

#: Edge channel models and the capacity each has (ebits per channel use).
EDGE_CHANNELS: tuple[str, ...] = ("loss", "erasure", "dephasing")
DEFAULT_LOSS_DB_PER_KM: float = 0.2


@dataclass(frozen=True, eq=False)
class NetworkModel:
    """A validated network: a private copy of the graph whose edges carry ``capacity`` (ebits per use),
    ``transmissivity``, ``length_km``, ``link_fidelity``, ``p_link`` and whose nodes carry
    ``gate_fidelity``, ``measurement_fidelity``, ``coherence_time_s``.

    Build it with :func:`validate_network`; do not mutate ``graph`` afterwards.
    """

    graph: nx.Graph

    @property
    def directed(self) -> bool:
        return self.graph.is_directed()

    @property
    def n_nodes(self) -> int:
        return self.graph.number_of_nodes()

    def check_node(self, name: str, node: Hashable) -> Hashable:
        """Return ``node`` or raise naming ``name`` when it is not a node of the network."""
        try:
            present = node in self.graph
        except TypeError:  # unhashable
            present = False
        if not present:
            raise PQMSValueError(f"{name} {node!r} is not a node of the network")
        return node

    def to_dict(self) -> dict:
        return {"n_nodes": self.n_nodes, "n_edges": self.graph.number_of_edges(), "directed": self.directed}


def _edge_check(u: Hashable, v: Hashable, fn: Callable[..., Any], attr: str, *args: Any) -> Any:
    try:
        return fn(attr, *args)
    except PQMSValueError as err:
        raise PQMSValueError(f"edge ({u!r}, {v!r}): {err}") from None


def _node_check(n: Hashable, fn: Callable[..., Any], attr: str, *args: Any) -> Any:
    try:
        return fn(attr, *args)
    except PQMSValueError as err:
        raise PQMSValueError(f"node {n!r}: {err}") from None


def _validate_edge(u: Hashable, v: Hashable, data: dict) -> tuple[dict, str, float]:
    """Checked attributes of one edge, its channel and the channel parameter (eta or p)."""
    alpha = _edge_check(u, v, check_nonnegative, "loss_db_per_km", data.get("loss_db_per_km", DEFAULT_LOSS_DB_PER_KM))
    has_len, has_eta = data.get("length_km") is not None, data.get("transmissivity") is not None
    if not (has_len or has_eta):
        raise PQMSValueError(f"edge ({u!r}, {v!r}) has neither length_km nor transmissivity")
    if has_len:
        length = _edge_check(u, v, check_positive, "length_km", data["length_km"])
    if has_eta:
        eta = _edge_check(u, v, check_in_range, "transmissivity", data["transmissivity"], 0.0, 1.0)
        if eta == 1.0:
            raise PQMSValueError(
                f"edge ({u!r}, {v!r}): transmissivity must be < 1 (a lossless edge has "
                f"unbounded capacity; merge its nodes), got {eta}"
            )
    else:
        eta = 10.0 ** (-alpha * length / 10.0)
    if not has_len:
        length = -10.0 * math.log10(eta) / alpha if (alpha > 0 and eta > 0) else 0.0
    channel = _edge_check(u, v, check_choice, "channel", data.get("channel", "loss"), EDGE_CHANNELS)
    param = eta
    if channel != "loss":
        key = f"{channel}_probability"
        if data.get(key) is None:
            raise PQMSValueError(f"edge ({u!r}, {v!r}) has channel {channel!r} but no {key}")
        param = _edge_check(u, v, check_in_range, key, data[key], 0.0, 1.0)
    if data.get("link_werner") is not None:
        if data.get("link_fidelity") is not None:
            raise PQMSValueError(f"edge ({u!r}, {v!r}) has both link_fidelity and link_werner; give one")
        w = _edge_check(u, v, check_in_range, "link_werner", data["link_werner"], -1.0 / 3.0, 1.0)
        f_link = (1.0 + 3.0 * w) / 4.0
    else:
        f_link = _edge_check(u, v, check_in_range, "link_fidelity", data.get("link_fidelity", 1.0), 0.0, 1.0)
    p_link = _edge_check(u, v, check_in_range, "p_link", data.get("p_link", eta), 0.0, 1.0)
    out = {
        "length_km": float(length),
        "loss_db_per_km": float(alpha),
        "transmissivity": float(eta),
        "channel": channel,
        "link_fidelity": float(f_link),
        "p_link": float(p_link),
    }
    return out, channel, float(param)


def _validate_node(n: Hashable, data: dict) -> dict:
    out = {}
    for attr in ("gate_fidelity", "measurement_fidelity"):
        out[attr] = float(_node_check(n, check_in_range, attr, data.get(attr, 1.0), 0.0, 1.0))
    t = data.get("coherence_time_s", math.inf)
    if t != math.inf:
        t = _node_check(n, check_positive, "coherence_time_s", t)
    out["coherence_time_s"] = float(t)
    return out


def validate_network(graph: nx.Graph | NetworkModel) -> NetworkModel:
    """Check a network's attributes once and return the :class:`NetworkModel` the other functions use.

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph or NetworkModel
        Undirected (links usable both ways) or directed. A :class:`NetworkModel` is returned unchanged.
        Attributes as in the module docstring; the input graph is not modified.

    Returns
    -------
    NetworkModel

    Raises
    ------
    PQMSValueError
        Naming the node or edge and the attribute: a missing or non-positive ``length_km``, a
        transmissivity outside [0, 1), a probability outside [0, 1], a self-loop, a multigraph, an
        empty graph.

    Notes
    -----
    Edge capacities (Pirandola, Commun. Phys. 2, 51 (2019), Eq. (4) and Table 1): pure loss
    ``C = -log2(1 - eta)`` (computed as ``-log1p(-eta)/ln 2``, exact down to ``eta = 1e-300``),
    erasure ``C = 1 - p``, dephasing ``C = 1 - H2(p)``; all in ebits (or secret-key bits) per use.

    References
    ----------
    S. Pirandola, "End-to-end capacities of a quantum communication network", Commun. Phys. 2, 51 (2019).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", length_km=50.0)
    >>> model = validate_network(g)
    >>> print(f"{model.graph['a']['b']['capacity']:.6f}")  # -log2(1 - 0.1)
    0.152003
    >>> g.add_edge("b", "c", length_km=-1.0)
    >>> validate_network(g)
    Traceback (most recent call last):
    ...
    pqms_physics.errors.PQMSValueError: edge ('b', 'c'): length_km must be > 0, got -1.0
    """
    if isinstance(graph, NetworkModel):
        return graph
    if not isinstance(graph, nx.Graph):
        raise PQMSValueError(f"graph must be a networkx Graph or DiGraph, got {type(graph).__name__}")
    if graph.is_multigraph():
        raise PQMSValueError(
            f"graph must not be a multigraph (merge parallel edges into one), got {type(graph).__name__}"
        )
    if graph.number_of_nodes() == 0:
        raise PQMSValueError("graph must have at least one node, got an empty graph")
    out = graph.__class__()
    nodes = list(graph.nodes(data=True))
    checked = _fast_nodes(nodes)
    for i, (n, data) in enumerate(nodes):
        attrs = checked[i] if checked is not None else _validate_node(n, data)
        if "pos" in data:
            attrs["pos"] = tuple(float(x) for x in data["pos"])
        for key in ("role", "district"):
            if key in data:
                attrs[key] = data[key]
        nodes[i] = (n, attrs)
    out.add_nodes_from(nodes)
    raw = list(graph.edges(data=True))
    for u, v, _ in raw:
        if u == v:
            raise PQMSValueError(f"self-loop at node {u!r}: an edge must join two distinct nodes")
    fast = _fast_loss_edges(raw)
    if fast is not None:
        out.add_edges_from(fast)
        return NetworkModel(out)
    edges, channels, params = [], [], []
    for u, v, data in raw:
        attrs, channel, param = _validate_edge(u, v, data)
        edges.append((u, v, attrs))
        channels.append(channel)
        params.append(param)
    caps = edge_capacities(np.array(channels, dtype=object), np.array(params, dtype=float))
    for (u, v, attrs), c in zip(edges, caps, strict=True):
        out.add_edge(u, v, capacity=float(c), **attrs)
    return NetworkModel(out)


_NUMERIC_TYPES = frozenset({float, int, type(None), np.float64, np.float32, np.int64, np.int32})


def _column(raw: list, attr: str, default: Any) -> np.ndarray | None:
    values = [d.get(attr, default) for _, _, d in raw]
    if not {type(x) for x in values} <= _NUMERIC_TYPES:
        return None
    return np.array([np.nan if x is None else x for x in values], dtype=float)


def _fast_nodes(nodes: list) -> list | None:
    """Vectorised node checks; ``None`` sends every node through the scalar checks (which name the node)."""
    cols = [
        _column([(n, n, d) for n, d in nodes], a, dflt)
        for a, dflt in (("gate_fidelity", 1.0), ("measurement_fidelity", 1.0), ("coherence_time_s", math.inf))
    ]
    if any(c is None for c in cols):
        return None
    gate, meas, t_coh = cols
    if not (np.all((gate >= 0) & (gate <= 1)) and np.all((meas >= 0) & (meas <= 1)) and np.all(t_coh > 0)):
        return None  # NaN fails every comparison, and is caught here too
    return [
        {"gate_fidelity": g, "measurement_fidelity": m, "coherence_time_s": t}
        for g, m, t in zip(gate.tolist(), meas.tolist(), t_coh.tolist(), strict=True)
    ]


def _fast_loss_edges(raw: list) -> list | None:
    """Vectorised validation of the common case (pure-loss edges, plain numbers). ``None`` when anything is
    unusual or wrong: the scalar per-edge checks then run and raise the precise error."""
    if not raw or any(d.get("channel", "loss") != "loss" or "link_werner" in d for _, _, d in raw):
        return None
    cols = {
        a: _column(raw, a, dflt)
        for a, dflt in (
            ("loss_db_per_km", DEFAULT_LOSS_DB_PER_KM),
            ("length_km", None),
            ("transmissivity", None),
            ("link_fidelity", 1.0),
            ("p_link", None),
        )
    }
    if any(c is None for c in cols.values()):
        return None
    alpha, length, eta, f_link, p_link = cols.values()
    has_len, has_eta = ~np.isnan(length), ~np.isnan(eta)
    ok = (
        np.isfinite(alpha).all()
        and (alpha >= 0).all()
        and (has_len | has_eta).all()
        and np.all(np.isfinite(length[has_len]) & (length[has_len] > 0))
        and np.all((eta[has_eta] >= 0) & (eta[has_eta] < 1))
        and np.all((f_link >= 0) & (f_link <= 1))
    )
    if not ok:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(has_eta, eta, 10.0 ** (-alpha * np.where(has_len, length, 0.0) / 10.0))
        length = np.where(has_len, length, np.where((alpha > 0) & (eta > 0), -10.0 * np.log10(eta) / alpha, 0.0))
    p_link = np.where(np.isnan(p_link), eta, p_link)
    if not np.all((p_link >= 0) & (p_link <= 1)):
        return None
    caps = plob_bound(eta)
    cols = zip(
        length.tolist(),
        alpha.tolist(),
        eta.tolist(),
        f_link.tolist(),
        p_link.tolist(),
        np.atleast_1d(caps).tolist(),
        strict=True,
    )
    return [
        (
            u,
            v,
            {
                "capacity": c,
                "length_km": ln,
                "loss_db_per_km": a,
                "transmissivity": e,
                "channel": "loss",
                "link_fidelity": f,
                "p_link": pl,
            },
        )
        for (u, v, _), (ln, a, e, f, pl, c) in zip(raw, cols, strict=True)
    ]


def edge_capacities(channels: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Capacities (ebits per use) of edges, vectorised: ``channels`` names, ``params`` eta or p (trusted)."""
    caps = np.empty(len(params), dtype=float)
    for channel, fn in (("loss", plob_bound), ("erasure", lambda p: 1.0 - p), ("dephasing", dephasing_capacity)):
        mask = channels == channel
        if mask.any():
            caps[mask] = fn(params[mask])
    return caps


def as_model(graph: nx.Graph | NetworkModel) -> NetworkModel:
    """Internal: a validated model of ``graph`` (no work when it is one already)."""
    return validate_network(graph)


__all__ = ["EDGE_CHANNELS", "NetworkModel", "validate_network", "edge_capacities"]
