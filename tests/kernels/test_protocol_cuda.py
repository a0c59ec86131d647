"""The optional CUDA path of the repeater-protocol Monte Carlo: the CPU kernel's accumulators, bit for bit.

Without a GPU the kernel runs in Numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, in a subprocess because the
simulator is chosen when numba.cuda is first imported); there it must equal the CPU kernel exactly. Tests
that need a real GPU skip with the reason; on a GPU, libdevice's exp may differ from the host's in the last
bit (kernels/protocol_cuda.py), so the counts of T must be identical and the fixed-point sums of w may differ
by at most one unit (2**-32) per run.
"""

import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from cuda_markers import needs_gpu, needs_no_gpu, needs_numba_cuda

from pqms_physics import conventions
from pqms_physics.kernels import CudaUnavailableError
from pqms_physics.kernels import protocol_reference as ref
from pqms_physics.network.protocols import repeater_protocol
from pqms_physics.network.protocols.montecarlo import DEVICES, kernel_args, simulate
from pqms_physics.network.protocols.spec import ProtocolSpec

# (name, ProtocolSpec keywords): level-1 tables, attempt by attempt, fidelity cutoffs, p_swap < 1, T_coh < inf
SIM_CASES = [
    (
        "nested-4-cut-tables",
        dict(segments=4, p_link=0.3, p_swap=0.7, link_werner=0.97, coherence_time=50.0, cutoff=(4, 9)),
    ),
    (
        "nested-8-lce",
        dict(segments=8, p_link=0.25, p_swap=0.6, link_werner=0.98, coherence_time=80.0, cutoff=(5, 12, 30)),
    ),
    (
        "nested-4-wcut-no-tables",
        dict(segments=4, p_link=0.35, p_swap=0.8, link_werner=0.97, coherence_time=30.0, werner_cutoff=0.82),
    ),
    (
        "asap-3-cut",
        dict(segments=3, p_link=0.4, p_swap=0.8, scheme="swap-asap", link_werner=0.95, coherence_time=30.0, cutoff=6),
    ),
    (
        "asap-4-wcut",
        dict(segments=4, p_link=0.4, p_swap=0.9, scheme="swap-asap", coherence_time=25.0, werner_cutoff=0.6),
    ),
    ("parallel-3", dict(segments=3, p_link=0.5, scheme="parallel", link_werner=0.99, coherence_time=20.0)),
    ("asap-1", dict(segments=1, p_link=0.3, scheme="swap-asap")),
]

SIM_SCRIPT = textwrap.dedent("""
    import json, math, sys, warnings
    import numpy as np
    warnings.simplefilter("ignore")  # the simulator runs uint64 arithmetic on NumPy scalars (overflow warnings)
    from numba import config
    assert config.ENABLE_CUDASIM
    from pqms_physics.kernels import protocol_cpu, protocol_cuda, protocol_reference as ref
    from pqms_physics.network.protocols.montecarlo import kernel_args, simulate
    from pqms_physics.network.protocols.spec import ProtocolSpec
    out = []
    for name, kw in json.loads(sys.argv[1]):
        spec = ProtocolSpec(**kw)
        args = kernel_args(spec)
        base = np.uint64(ref.base_key(2**64 - 5))
        # odd launch shapes (grid stride over several runs per thread), host arrays
        gpu = protocol_cuda.simulate_block(*args, base, 1000, 150, 30, threads_per_block=3, blocks=7)
        cpu = protocol_cpu.simulate_block(*args, base, 1000, 150, 30, 4)
        raw = all(np.array_equal(a, b) for a, b in zip(gpu, cpu))
        # the public path: device arrays once, automatic t_trunc from the pilot, chunks
        g = simulate(spec, samples=150, seed=9, chunk=64, device="cuda")
        c = simulate(spec, samples=150, seed=9)
        public = (np.array_equal(g.pmf, c.pmf) and np.array_equal(g.werner, c.werner, equal_nan=True)
                  and (g.mean_time, g.mean_werner, g.truncated_mass) == (c.mean_time, c.mean_werner, c.truncated_mass)
                  and (g.mean_time_stderr, g.mean_werner_stderr) == (c.mean_time_stderr, c.mean_werner_stderr))
        out.append([name, bool(raw), bool(public), int(cpu[0].sum()), int(cpu[0][-1])])
    print(json.dumps(out))
""")


@needs_numba_cuda
def test_cuda_protocol_kernel_equals_the_cpu_kernel_bit_for_bit_in_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run(
        [sys.executable, "-c", SIM_SCRIPT, json.dumps(SIM_CASES)], capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [r[0] for r in results] == [name for name, _ in SIM_CASES]
    assert [r for r in results if not (r[1] and r[2])] == []
    assert all(r[3] == 150 for r in results)  # every run counted once
    assert any(r[4] > 0 for r in results)  # the overflow bin is exercised too


def test_devices_are_the_conventions_list():
    assert DEVICES == conventions.DEVICES


def test_numpy_device_is_the_python_twin():
    spec = ProtocolSpec(4, 0.4, p_swap=0.8, link_werner=0.97, coherence_time=40.0, cutoff=(3, 8))
    a = simulate(spec, samples=60, seed=3, t_trunc=50, device="numpy")
    b = simulate(spec, samples=60, seed=3, t_trunc=50)
    np.testing.assert_array_equal(a.pmf, b.pmf)
    assert (a.mean_time, a.mean_werner) == (b.mean_time, b.mean_werner)


def test_bad_devices_are_rejected_before_any_cuda_import():
    spec = ProtocolSpec(2, 0.5)
    with pytest.raises(ValueError, match="device must be one of"):
        simulate(spec, samples=10, seed=1, device="gpu")
    with pytest.raises(ValueError, match="device must be one of"):
        repeater_protocol(2, 0.5, method="monte-carlo", samples=10, seed=1, device="tpu")
    with pytest.raises(ValueError, match="device='cuda' is for method='monte-carlo'"):
        repeater_protocol(2, 0.5, device="cuda")


@needs_no_gpu
def test_cuda_device_without_a_gpu_raises_a_clear_runtime_error():
    spec = ProtocolSpec(2, 0.5)
    with pytest.raises(CudaUnavailableError, match=r"device='cuda'.*(gpu|device='cpu')") as info:
        simulate(spec, samples=10, seed=1, device="cuda")
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(CudaUnavailableError, match="device='cuda'"):
        repeater_protocol(2, 0.5, method="monte-carlo", samples=10, seed=1, device="cuda")


def test_importing_the_cuda_module_does_not_import_numba_cuda():
    code = "import sys, pqms_physics.kernels.protocol_cuda; print('numba.cuda' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"


def _gpu_and_cpu(spec, n, t_trunc):
    from pqms_physics.kernels import protocol_cpu, protocol_cuda

    args = kernel_args(spec)
    base = np.uint64(ref.base_key(12345))
    gpu = protocol_cuda.simulate_block(*protocol_cuda.device_args(args), base, 0, n, t_trunc)
    cpu = protocol_cpu.simulate_block(*args, base, 0, n, t_trunc, 64)
    return gpu, cpu


@needs_gpu
def test_gpu_equals_cpu_bit_for_bit_without_decoherence_at_1e6_runs():
    # T_coh = inf: every exp is exp(-0) = 1, so not even libdevice's last bit can differ
    spec = ProtocolSpec(8, 0.1, p_swap=0.5, link_werner=0.98, cutoff=(16, 31, 55))
    gpu, cpu = _gpu_and_cpu(spec, 1_000_000, 20_000)
    for a, b in zip(gpu, cpu, strict=True):
        np.testing.assert_array_equal(a, b)


@needs_gpu
@pytest.mark.parametrize("scheme, segments, cutoff", [("nested", 8, (16, 31, 55)), ("swap-asap", 5, 40)])
def test_gpu_equals_cpu_at_1e6_runs_with_decoherence(scheme, segments, cutoff):
    spec = ProtocolSpec(segments, 0.1, p_swap=0.5, scheme=scheme, link_werner=0.98, coherence_time=400.0, cutoff=cutoff)
    (gh, ghw, gs), (ch, chw, cs) = _gpu_and_cpu(spec, 1_000_000, 20_000)
    np.testing.assert_array_equal(gh, ch)  # the waiting times: identical
    np.testing.assert_array_equal(gs[:2], cs[:2])
    # w in fixed point: identical unless libdevice's exp differs in the last bit at a rounding edge (one unit)
    assert np.all(np.abs(ghw - chw) <= ch)
    assert abs(int(gs[2]) - int(cs[2])) <= 1_000_000 and abs(int(gs[3]) - int(cs[3])) <= 1_000_000
    assert math.isclose(int(gs[2]), int(cs[2]), rel_tol=1e-9)


@needs_gpu
def test_gpu_public_path_matches_the_cpu():
    kw = dict(p_swap=0.5, link_werner=0.98, cutoff=(16, 31, 55), method="monte-carlo", samples=300_000, seed=4)
    gpu = repeater_protocol(8, 0.1, device="cuda", **kw)
    cpu = repeater_protocol(8, 0.1, **kw)
    np.testing.assert_array_equal(gpu.pmf, cpu.pmf)
    assert (gpu.mean_time, gpu.mean_werner) == (cpu.mean_time, cpu.mean_werner)
