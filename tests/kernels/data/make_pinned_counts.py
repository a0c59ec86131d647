"""Write pinned_counts.csv: known-answer counts of the kernels' stream (numpy ``test_direct`` style).

Run once, from the repository root, when the stream is deliberately changed (and STREAM_VERSION with it):

    python tests/kernels/data/make_pinned_counts.py

Each case is counted two independent ways and written only if they agree:

1. the stream *as specified* in the docstring of :mod:`pqms_physics.kernels.rng`, written here with Python
   integers: ``key = mix64(mix64(seed + G) ^ mix64(stream + 2G))``, ``u_i = mix64(key + (i+1) G)``,
   ``r_i = u_i >> 11``, the integer thresholds of the rule, the cell by ``bisect`` on the threshold row; for
   ``"random"`` with ``S = 2**b`` settings (stream v2) the setting ``s_i = u_i >> (64 - b)`` and the outcome by
   ``bisect`` of ``r'_i = (u_i << b) >> 11`` (mod 2**64) on row ``s_i``'s own thresholds (per pair, not the
   joint table the kernels use), for other ``S`` the v1 joint table ``probs / S`` on ``r_i``;
2. the NumPy reference twin (:func:`pqms_physics.kernels.sample_counts_reference`).

tests/kernels/test_kernels_pinned.py then checks the CPU kernel, the NumPy twin and the CUDA kernel (in
Numba's CUDA simulator) against the file, so any change to how draws map to cells fails a test.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(HERE))))

from pqms_physics.kernels import STREAM_VERSION, sample_counts_reference  # noqa: E402

OUT = os.path.join(HERE, "pinned_counts.csv")
FIELDS = [
    "case",
    "stream_version",
    "seed",
    "stream",
    "setting_choice",
    "pairs",
    "start",
    "total_pairs",
    "probs_json",
    "counts",
]
M64 = (1 << 64) - 1
G = 0x9E3779B97F4A7C15


def mix64(z: int) -> int:
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def spec_thresholds(p: list[float]) -> list[int]:
    """T_0..T_C of the rng docstring: rint(cumsum * 2**53), 2**53 from the last non-zero cell on."""
    one = 1 << 53
    last = max(i for i, v in enumerate(p) if v != 0)
    cum, out = 0.0, [0]
    for i, v in enumerate(p):
        cum += v  # float64 cumulative sum, left to right, as np.cumsum
        out.append(one if i >= last else min(round(cum * one), one))  # round(): half to even, as np.rint
    return out


def spec_counts(
    probs: list[list[float]], pairs: int, seed: int, stream: int, rule: str, start: int, total: int
) -> list[list[int]]:
    s_count, k = len(probs), len(probs[0])
    key = mix64(mix64(seed + G) ^ mix64(stream + 2 * G))
    b = s_count.bit_length() - 1
    top_bits = rule == "random" and s_count == 1 << b and b <= 10  # v2: setting from the top b bits
    if rule == "random" and not top_bits:
        rows = [spec_thresholds([v / s_count for row in probs for v in row])]
    else:
        rows = [spec_thresholds(row) for row in probs]
    counts = [[0] * k for _ in range(s_count)]
    for i in range(start, start + pairs):
        u = mix64(key + (i + 1) * G)
        r = u >> 11
        if top_bits:
            s = u >> (64 - b) if b else 0
            r_own = ((u << b) & M64) >> 11
            counts[s][bisect.bisect_right(rows[s], r_own) - 1] += 1
        elif rule == "random":
            cell = bisect.bisect_right(rows[0], r) - 1
            counts[cell // k][cell % k] += 1
        else:
            s = i % s_count if rule == "cyclic" else i // (total // s_count)
            counts[s][bisect.bisect_right(rows[s], r) - 1] += 1
    return counts


def _normalised(rows: np.ndarray) -> list[list[float]]:
    """Rows rounded to 6 digits, the last entry of each row making the float sum as close to 1 as possible."""
    out = []
    for row in np.round(rows, 6):
        row = [float(v) for v in row]
        row[-1] = 1.0 - math.fsum(row[:-1])
        out.append(row)
    return out


CHSH = [[0.425, 0.075, 0.075, 0.425]] * 3 + [[0.075, 0.425, 0.425, 0.075]]
rng = np.random.default_rng(20261130)
CASES = [
    # name, probs, seed, stream, rule, pairs, start, total_pairs
    ("chsh-random", CHSH, 1, 0, "random", 4096, 0, 4096),
    ("chsh-cyclic-shard", CHSH, 2, 3, "cyclic", 3001, 1000, 10_000),
    ("chsh-blocks", CHSH, 3, 0, "blocks", 4000, 0, 4000),
    ("zero-cells-random", [[0.5, 0.0, 0.2, 0.3], [0.0, 0.0, 1.0, 0.0]], 4, 1, "random", 3000, 0, 3000),
    ("binary-maxseed", [[0.9, 0.1]], 2**64 - 1, 2**64 - 1, "random", 2500, 7, 5000),
    ("k6-cyclic", _normalised(rng.dirichlet(np.ones(6), size=3)), 5, 0, "cyclic", 3000, 0, 3000),
    ("k10-random", _normalised(rng.dirichlet(np.ones(10), size=2)), 6, 0, "random", 3000, 0, 3000),
    ("k40-blocks", _normalised(rng.dirichlet(np.ones(40), size=2)), 7, 2, "blocks", 2000, 500, 4000),
    ("s64-random", _normalised(rng.dirichlet(np.ones(2), size=64)), 8, 0, "random", 3000, 0, 3000),
    # stream v2 additions: S = 3 (v1 joint table), S = 8 x K = 2 (15 joint thresholds on v), S = 2 with 17 outcomes
    ("s3-random", _normalised(rng.dirichlet(np.ones(3), size=3)), 9, 0, "random", 3001, 5, 4000),
    ("s8-random", _normalised(rng.dirichlet(np.ones(2), size=8)), 10, 1, "random", 3000, 0, 3000),
    ("s2k17-random", _normalised(rng.dirichlet(np.ones(17), size=2)), 11, 0, "random", 3000, 0, 3000),
    ("s4k6-random", _normalised(rng.dirichlet(np.ones(6), size=4)), 12, 0, "random", 3000, 100, 3100),
]


def main() -> None:
    rows = []
    for name, probs, seed, stream, rule, pairs, start, total in CASES:
        spec = spec_counts(probs, pairs, seed, stream, rule, start, total)
        twin = sample_counts_reference(
            probs, pairs, seed, setting_choice=rule, stream=stream, start=start, total_pairs=total
        ).counts.tolist()
        if spec != twin:
            raise SystemExit(f"{name}: the spec counts {spec} and the NumPy twin {twin} differ")
        rows.append(
            dict(
                case=name,
                stream_version=STREAM_VERSION,
                seed=seed,
                stream=stream,
                setting_choice=rule,
                pairs=pairs,
                start=start,
                total_pairs=total,
                probs_json=json.dumps(probs),
                counts=" ".join(str(v) for row in spec for v in row),
            )
        )
    with open(OUT, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
