"""Network capacities on graphs: all-pairs methods against per-pair networkx routines, in one run.

1. 1000-node random geometric graph (users uniform in a 100 km square, links up to 6 km, 0.2 dB/km):
   * all-pairs single-path capacities (``capacity_matrix``: one Kruskal pass over the maximum spanning
     forest) versus a widest-path search per pair (bottleneck Dijkstra on the networkx adjacency, i.e.
     ``network_capacity`` for every pair), timed on a sample of pairs and scaled to all n(n-1)/2;
   * all-pairs multipath capacities (``capacity_matrix(multipath=True)``: Gusfield's form of the Gomory–Hu
     tree, n - 1 Dinic flows in Numba) versus ``networkx.minimum_cut_value`` (its default flow,
     preflow-push) per pair, sampled and scaled; with ``--networkx-gh`` also ``networkx.gomory_hu_tree``.
   Goals: single-path <= 2 s, multipath <= 60 s, each >= 20x faster than the per-pair baseline and equal
   to it on the sample.
2. 1e5-node random geometric graph: validation once, then a single-source widest-path query.

Run: ``.venv/bin/python benchmarks/bench_network.py [--nodes 1000] [--sample 200] [--big 100000] [--networkx-gh]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import networkx as nx
import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

from pqms_physics.network.graphs import (
    capacity_matrix,
    network_capacity,
    random_geometric_network,
    single_source_capacity,
    validate_network,
)
from pqms_physics.network.graphs.all_pairs import bottleneck_matrix, gomory_hu_edges


def sample_pairs(nodes, n_pairs: int, seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    out = set()
    while len(out) < n_pairs:
        a, b = rng.choice(len(nodes), size=2, replace=False)
        out.add((nodes[min(a, b)], nodes[max(a, b)]))
    return sorted(out)


def bench_all_pairs(n: int, n_sample: int, repeats: int, networkx_gh: bool) -> None:
    side, radius = 100.0, 6.0 * (1000 / n) ** 0.5
    t0 = time.perf_counter()
    model = validate_network(random_geometric_network(n, side, radius, seed=7))
    t_val = time.perf_counter() - t0
    g = model.graph
    nodes = list(g.nodes)
    n_pairs = n * (n - 1) // 2
    pairs = sample_pairs(nodes, n_sample, seed=11)
    index = {v: i for i, v in enumerate(nodes)}
    print(
        f"[1] random geometric graph: {n} nodes, {g.number_of_edges()} edges, "
        f"{nx.number_connected_components(g)} components, {side:.0f} km square, links <= {radius:.1f} km; "
        f"validation {t_val * 1e3:.0f} ms"
    )

    t_single, single = best_of(lambda: capacity_matrix(model), repeats)
    t0 = time.perf_counter()
    base = [network_capacity(model, a, b).capacity for a, b in pairs]
    t_base = (time.perf_counter() - t0) / len(pairs) * n_pairs
    diff = max(
        abs(single.values[index[a], index[b]] - c) / max(c, 1e-300) for (a, b), c in zip(pairs, base, strict=True)
    )
    print(f"    single-path all pairs (max spanning forest): {t_single:8.3f} s   (goal <= 2 s)")
    print(f"    per-pair widest-path search, scaled from {len(pairs)} pairs to {n_pairs}: {t_base:8.1f} s")
    print(f"    ratio {t_base / t_single:8.0f} x (goal >= 20 x); max relative difference on the sample {diff:.1e}")

    capacity_matrix(random_geometric_network(20, 10.0, 5.0, seed=1), multipath=True)  # Numba: load/compile
    t0 = time.perf_counter()
    multi = capacity_matrix(model, multipath=True)
    t_multi = time.perf_counter() - t0
    if networkx_gh:
        index = {v: i for i, v in enumerate(nodes)}
        t0 = time.perf_counter()
        ref = bottleneck_matrix(n, gomory_hu_edges(g, index, engine="networkx"))
        t_gh = time.perf_counter() - t0
        print(
            f"    networkx.gomory_hu_tree (preflow-push) all pairs: {t_gh:8.2f} s, ratio {t_gh / t_multi:6.1f} x; "
            f"max |difference| {np.nanmax(np.abs(ref - multi.values)):.1e}"
        )
    h = nx.Graph()
    h.add_nodes_from(g)
    h.add_weighted_edges_from(((u, v, c) for u, v, c in g.edges(data="capacity")), weight="capacity")
    t0 = time.perf_counter()
    base = [nx.minimum_cut_value(h, a, b, capacity="capacity") if nx.has_path(h, a, b) else 0.0 for a, b in pairs]
    t_base = (time.perf_counter() - t0) / len(pairs) * n_pairs
    diff = max(
        abs(multi.values[index[a], index[b]] - c) / max(c, 1e-300) for (a, b), c in zip(pairs, base, strict=True)
    )
    print(f"    multipath all pairs (Gusfield/Gomory-Hu, {n - 1} Dinic flows): {t_multi:8.2f} s   (goal <= 60 s)")
    print(f"    per-pair networkx.minimum_cut_value, scaled from {len(pairs)} pairs: {t_base:8.0f} s")
    print(f"    ratio {t_base / t_multi:8.0f} x (goal >= 20 x); max relative difference on the sample {diff:.1e}")


def bench_single_source(n: int) -> None:
    side = 100.0 * (n / 1000) ** 0.5  # same density as [1]
    t0 = time.perf_counter()
    g = random_geometric_network(n, side, 6.0, seed=3)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = validate_network(g)
    t_val = time.perf_counter() - t0
    t_q, res = best_of(lambda: single_source_capacity(model, 0), 1)
    reached = int(np.count_nonzero(res.values > 0))
    print(
        f"[2] {n} nodes, {g.number_of_edges()} edges: build {t_build:.1f} s, validate {t_val:.1f} s, "
        f"single-source widest paths {t_q:.2f} s ({reached} nodes reached)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--networkx-gh", action="store_true", help="also time networkx.gomory_hu_tree")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"networkx {nx.__version__}; load average {os.getloadavg()[0]:.1f}"
    )
    bench_all_pairs(args.nodes, args.sample, args.repeats, args.networkx_gh)
    if args.big:
        bench_single_source(args.big)


if __name__ == "__main__":
    main()
