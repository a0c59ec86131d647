"""Maximum flows and Gusfield's equivalent flow tree on compressed arc arrays (Numba), for network capacities.

Trusted kernels (no validation; :func:`pqms_physics.network.graphs.capacity_matrix` validates). A graph is
given as a CSR arc list: the arcs leaving node ``u`` are ``indptr[u]:indptr[u + 1]``, arc ``a`` goes to
``head[a]`` with capacity ``cap[a]`` (float) and ``rev[a]`` is its reverse arc. An undirected edge of capacity
``c`` is the pair of arcs ``u -> v`` and ``v -> u``, each of capacity ``c`` and each the other's reverse.

* :func:`dinic` — Dinic's blocking-flow algorithm in floating point: BFS levels, then augmenting paths along
  level-increasing arcs until none is left. Augmenting by the bottleneck residual sets the saturated arc to
  exactly 0; residuals below ``tol`` (a relative 1e-14 of the largest capacity) count as 0.
* :func:`gusfield_tree` — Gusfield's equivalent flow tree: ``n - 1`` maximum flows give ``parent`` and
  ``weight`` such that the maximum flow between any two nodes is the smallest weight on their tree path.

The plain-Python twins (``*_reference``: the same algorithm without Numba) and networkx's own maximum flows
are the test oracles.

References
----------
E. A. Dinic, "Algorithm for solution of a problem of maximum flow in networks with power estimation",
Soviet Math. Doklady 11, 1277 (1970).
D. Gusfield, "Very simple methods for all pairs network flow analysis", SIAM J. Comput. 19, 143 (1990).
"""

from __future__ import annotations

import numpy as np

try:  # Numba is a base dependency; the twins below run without it
    from numba import njit
except ImportError:  # pragma: no cover

    def njit(*args, **kwargs):
        return (lambda f: f) if not args or not callable(args[0]) else args[0]


def _dinic(indptr, head, tail, cap, rev, s, t, tol):
    """Maximum flow value from ``s`` to ``t`` and the source side of a minimum cut (bool array)."""
    n = indptr.size - 1
    res = cap.copy()
    level = np.empty(n, np.int64)
    it = np.empty(n, np.int64)
    queue = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    total = 0.0
    while True:
        level[:] = -1
        level[s] = 0
        qh, qt = 0, 1
        queue[0] = s
        while qh < qt:
            u = queue[qh]
            qh += 1
            for a in range(indptr[u], indptr[u + 1]):
                v = head[a]
                if level[v] < 0 and res[a] > tol:
                    level[v] = level[u] + 1
                    queue[qt] = v
                    qt += 1
        if level[t] < 0:
            break
        it[:] = indptr[:-1]
        depth = 0
        u = s
        while True:
            if u == t:
                f = res[stack[0]]
                for i in range(1, depth):
                    if res[stack[i]] < f:
                        f = res[stack[i]]
                for i in range(depth):
                    a = stack[i]
                    res[a] -= f
                    res[rev[a]] += f
                total += f
                depth = 0
                u = s
                continue
            advanced = False
            while it[u] < indptr[u + 1]:
                a = it[u]
                v = head[a]
                if res[a] > tol and level[v] == level[u] + 1:
                    stack[depth] = a
                    depth += 1
                    u = v
                    advanced = True
                    break
                it[u] += 1
            if not advanced:
                if depth == 0:
                    break
                level[u] = -1  # dead end for this phase
                depth -= 1
                u = tail[stack[depth]]
                it[u] += 1
    side = level >= 0  # reachable from s in the final residual network: the source side of a minimum cut
    return total, side


def _gusfield(indptr, head, tail, cap, rev, tol):
    n = indptr.size - 1
    parent = np.zeros(n, np.int64)
    weight = np.zeros(n)
    for s in range(1, n):
        t = parent[s]
        value, side = _dinic_jit(indptr, head, tail, cap, rev, s, t, tol)
        weight[s] = value
        for i in range(s + 1, n):
            if side[i] and parent[i] == t:
                parent[i] = s
    return parent, weight


_dinic_jit = njit(cache=True)(_dinic)
_gusfield_jit = njit(cache=True)(_gusfield)


def arcs_from_edges(n: int, edges: np.ndarray, caps: np.ndarray) -> tuple[np.ndarray, ...]:
    """CSR arcs ``(indptr, head, tail, cap, rev)`` of ``n`` nodes and undirected ``edges`` (m x 2 int array)."""
    m = len(edges)
    tails = np.concatenate([edges[:, 0], edges[:, 1]]).astype(np.int64)
    heads = np.concatenate([edges[:, 1], edges[:, 0]]).astype(np.int64)
    capacity = np.concatenate([caps, caps]).astype(float)
    pair = np.concatenate([np.arange(m, 2 * m), np.arange(m)])
    order = np.argsort(tails, kind="stable")
    position = np.empty(2 * m, np.int64)
    position[order] = np.arange(2 * m)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    return indptr, heads[order], tails[order], capacity[order], position[pair[order]]


def _tol(cap: np.ndarray) -> float:
    return 1e-14 * float(cap.max()) if cap.size else 0.0


def dinic(arcs: tuple[np.ndarray, ...], s: int, t: int, *, jit: bool = True) -> tuple[float, np.ndarray]:
    """Maximum flow between nodes ``s != t`` and the source side of a minimum cut (``jit=False``: the twin)."""
    fn = _dinic_jit if jit else _dinic
    return fn(*arcs, int(s), int(t), _tol(arcs[3]))


def gusfield_tree(arcs: tuple[np.ndarray, ...], *, jit: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Gusfield's equivalent flow tree: node ``i > 0`` hangs from ``parent[i]`` with edge weight ``weight[i]``.

    The plain-Python twin (``jit=False``) runs the same loop calling the twin of :func:`dinic`.
    """
    if jit:
        return _gusfield_jit(*arcs, _tol(arcs[3]))
    indptr = arcs[0]
    n = indptr.size - 1
    parent, weight = np.zeros(n, np.int64), np.zeros(n)
    for s in range(1, n):
        t = parent[s]
        value, side = _dinic(*arcs, s, t, _tol(arcs[3]))
        weight[s] = value
        for i in range(s + 1, n):
            if side[i] and parent[i] == t:
                parent[i] = s
    return parent, weight


__all__ = ["arcs_from_edges", "dinic", "gusfield_tree"]
