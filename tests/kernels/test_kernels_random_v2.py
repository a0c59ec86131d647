"""Stream v2's random setting rule: setting from the top bits of the draw, counted per pair.

The oracle here is the rng docstring's definition evaluated per pair with NumPy (setting
``s = u >> (64 - b)``, outcome by ``searchsorted`` of ``r' = (u << b) >> 11`` on row ``s``'s own
thresholds), not the joint table the samplers use; for S = 3 the v1 joint table on ``r = u >> 11``.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest
from random_rule_oracle import per_pair_counts as _per_pair_counts

from pqms_physics.kernels import sample_counts, sample_counts_reference, simd, simd_narrow, simd_random

REPO = Path(__file__).resolve().parents[2]


def _probs(s_count, k, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(k), size=s_count)
    p[0, 0] = 0.0  # a zero cell (T_1 = 0) and a trailing one (T = 2**53 before the end)
    if s_count > 1 or k > 2:
        p[-1, -1] = 0.0
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("s_count", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("k", [2, 4, 6, 10, 17, 40])
@pytest.mark.parametrize("device", ["cpu", "numpy"])
def test_random_rule_counts_equal_the_per_pair_definition(s_count, k, device):
    # 64 * 70 + 29 pairs from an odd start: whole SIMD blocks and a remainder, every counting path
    # (packed counters for S = 2, 4 and K <= 17; block counter, buffered, guide table on the joint table)
    probs = _probs(s_count, k, 10 * s_count + k)
    pairs, start = 64 * 70 + 29, 1001
    res = sample_counts(probs, pairs, 5, start=start, total_pairs=10_000, stream=2, device=device)
    np.testing.assert_array_equal(res.counts, _per_pair_counts(probs, pairs, 5, start=start, stream=2))


@pytest.mark.parametrize("s_count", [2, 4])
@pytest.mark.parametrize(
    "chunk_pairs",
    [simd_random.FLUSH * simd_random.LANES, simd_narrow.CHUNK * simd_narrow.NLANES],
    ids=["packed-16-bit-fields", "narrow-4-and-8-bit-fields"],
)
def test_per_lane_counters_flush_before_they_overflow(s_count, chunk_pairs):
    # one task of three chunks and a remainder, for the chunk of either block counter (the one compiled here
    # runs both): packed counters flush every FLUSH blocks (8 * 4096 < 2**16 per field), narrow keys every
    # GROUP blocks into 8-bit fields summed every CHUNK; a single-cell row per setting makes every lane count
    # in every compare
    probs = np.zeros((s_count, 4))
    probs[:, 0] = 1.0
    probs[0] = [0.25, 0.25, 0.25, 0.25]
    pairs = 3 * chunk_pairs + 5
    res = sample_counts(probs, pairs, 11, device="cpu")
    np.testing.assert_array_equal(res.counts, _per_pair_counts(probs, pairs, 11))
    np.testing.assert_array_equal(res.counts, sample_counts_reference(probs, pairs, 11).counts)


def test_the_packed_counter_path_is_used_for_two_and_four_settings_only():
    assert [simd_random.width(s, 4, s.bit_length() - 1) for s in (1, 2, 4, 8)] == [0, 3, 3, 0]
    assert simd_random.width(4, 17, 2) == 16 and simd_random.width(4, 18, 2) == 0
    assert simd_random.width(3, 4, None) == 0


RUN_OTHER_ISA = textwrap.dedent("""
    import json
    import numpy as np
    from pqms_physics.kernels import sample_counts, sample_counts_reference, simd, simd_narrow, simd_random
    out = {}
    for s_count, k in [(2, 2), (2, 5), (4, 4), (4, 9), (4, 17)]:
        probs = np.random.default_rng(s_count * 100 + k).dirichlet(np.ones(k), size=s_count)
        for rule in ("random", "cyclic", "blocks"):  # the fixed rules: narrow keys on one row (cpu._fused)
            kw = dict(start=77, total_pairs=400_000, stream=3, setting_choice=rule)
            cpu = sample_counts(probs, 300_001, 9, device="cpu", **kw).counts
            ref = sample_counts_reference(probs, 300_001, 9, **kw).counts
            out[f"{rule} {s_count}x{k}"] = bool(np.array_equal(cpu, ref))
    print(json.dumps(dict(equal=out, narrow=simd_narrow.MODE, permute=simd_random.permute_mode(4),
                          features=sorted(simd.target_features()))))
""")

_BASE = "+64bit,+cmov,+cx16,+sse,+sse2,+sse3,+ssse3,+sse4.1,+sse4.2,+popcnt"
_AVX2 = _BASE + ",+avx,+avx2,+bmi,+bmi2,+f16c,+fma,+lzcnt,+movbe,+xsave"


def _other_isas():
    """(cpu name, features, narrow mode, packed-counter permute) of the instruction sets this host runs
    but does not use natively: the AVX2 build (narrow keys by vpshufb) on an AVX-512 host, and the SSE
    baseline (no narrow path: the packed counters with LLVM's generic permute) on any x86-64 host."""
    if llvm.get_process_triple().split("-")[0] not in ("x86_64", "amd64"):
        return []
    feats = llvm.get_host_cpu_features()
    isas = [("x86-64", _BASE, None, "generic")]
    if feats.get("avx512bw") and feats.get("avx2"):
        isas.insert(0, ("haswell", _AVX2, "pshufb", "permd"))
    return isas


@pytest.mark.parametrize("isa", _other_isas(), ids=lambda isa: isa[0])
def test_random_rule_compiled_for_another_instruction_set_counts_like_the_numpy_twin(isa):
    name, features, narrow, permute = isa
    env = dict(os.environ, NUMBA_CPU_NAME=name, NUMBA_CPU_FEATURES=features)
    proc = subprocess.run(
        [sys.executable, "-c", RUN_OTHER_ISA], capture_output=True, text=True, env=env, cwd=REPO, timeout=900
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["narrow"] == narrow and out["permute"] == permute and "+avx512f" not in out["features"]
    assert all(out["equal"].values()), out["equal"]


def test_the_narrow_key_path_is_compiled_where_x86_has_avx2():
    feats = simd.target_features()  # what Numba compiles for: the host unless NUMBA_CPU_NAME says otherwise
    x86 = llvm.get_process_triple().split("-")[0] in ("x86_64", "amd64")
    expected = None if not x86 else "permw" if "+avx512bw" in feats else "pshufb" if "+avx2" in feats else None
    assert simd_narrow.MODE == expected
    if x86 and not os.environ.get("NUMBA_CPU_NAME"):
        assert ("+avx2" in feats) == bool(llvm.get_host_cpu_features().get("avx2"))
