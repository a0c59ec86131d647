"""Oracle of the ``"random"`` setting rule: the rng docstring's definition evaluated per pair with NumPy.

Setting ``s = u >> (64 - b)``, outcome by ``searchsorted`` of ``r' = (u << b) >> 11`` on row ``s``'s own
thresholds (stream v2, ``S = 2**b``); for other S the v1 joint table on ``r = u >> 11``. Not the joint
table the samplers use, and no SIMD: an independent statement of what the counts must be.
"""

import numpy as np

from pqms_physics.kernels.rng import GAMMA, mix64_array, stream_key, thresholds


def draws(pairs, seed, start=0, stream=0):
    """The words ``u_i`` of pairs [start, start + pairs) of stream (seed, stream)."""
    i = np.arange(start, start + pairs, dtype=np.uint64)
    return mix64_array(np.uint64(stream_key(seed, stream)) + (i + np.uint64(1)) * np.uint64(GAMMA))


def per_pair_counts(probs, pairs, seed, start=0, stream=0):
    """Counts of pairs [start, start + pairs) straight from the definition, one pair at a time (vectorised)."""
    p = np.asarray(probs, dtype=np.float64)
    s_count, k = p.shape
    u = draws(pairs, seed, start, stream)
    b = s_count.bit_length() - 1
    if s_count == 1 << b:  # v2: setting from the top b bits, outcome from the next 53 on its own row
        rows = thresholds(p, "cyclic")  # row s: 0 = T[s, 0] <= ... <= T[s, K] = 2**53
        s = (u >> np.uint64(64 - b)).astype(np.int64) if b else np.zeros(pairs, dtype=np.int64)
        r_own = ((u << np.uint64(b)) >> np.uint64(11)).astype(np.int64)
        o = np.empty(pairs, dtype=np.int64)
        for t in range(s_count):
            sel = s == t
            o[sel] = np.searchsorted(rows[t], r_own[sel], side="right") - 1
        flat = s * k + o
    else:  # v1 joint table of probs / S on r = u >> 11
        joint = thresholds(p, "random")[0]
        flat = np.searchsorted(joint, (u >> np.uint64(11)).astype(np.int64), side="right") - 1
    return np.bincount(flat, minlength=s_count * k).reshape(s_count, k)
