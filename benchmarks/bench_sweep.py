"""A 1e4-point repeater-chain sweep through the engine versus the same numbers computed and written by hand.

Goal (chains issue): "A 1e4-point sweep (hops x link fidelity x gate x measurement
fidelity) in under 10 s on 2 cores."

Each variant runs as a fresh ``python`` process (imports included, as ``pqms sweep``
would), best of ``--repeats``:

* ``baseline``: import the same stack, evaluate the grid with one call of
  ``pqms_physics.network.chains.werner_chain_fidelity`` and write the xarray Dataset with
  ``to_netcdf`` (no config, no chunks, no checkpoints);
* ``engine auto``: ``run_sweep`` with default workers (in-process here: the
  estimated work is far below ``POOL_MIN_WORK_S``);
* ``engine pool``: ``run_sweep(workers=2)``, a spawned process pool;
* ``engine in-process (chunks of 100)``: ``chunk_points=100``, ``workers=1`` (100 checkpoint files).

Prints wall times and their ratio to the baseline, the load average, and checks that
every variant wrote the same numbers.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CONFIG = """\
[sweep]
quantity = "fidelity_vs_hops"
chunk_points = {chunk}

[parameters]
hops = [1, 2, 3, 4, 8, 16, 32, 100, 300, 1000]
link_fidelity = {{ start = 0.9, stop = 0.9999, num = 50 }}
gate_fidelity = [0.99, 0.995, 0.999, 0.9999, 1.0]
measurement_fidelity = [0.99, 0.995, 0.999, 1.0]
"""

BASELINE = """\
import sys, numpy as np, xarray as xr
from pqms_physics.network.chains import werner_chain_fidelity
hops = np.array([1, 2, 3, 4, 8, 16, 32, 100, 300, 1000])
f = np.linspace(0.9, 0.9999, 50)
p = np.array([0.99, 0.995, 0.999, 0.9999, 1.0])
e = np.array([0.99, 0.995, 0.999, 1.0])
H, F, P, E = np.meshgrid(hops, f, p, e, indexing="ij")
fid = werner_chain_fidelity(F, H, P, E, twirl=False)
ds = xr.Dataset({"fidelity": (("hops", "link_fidelity", "gate_fidelity", "measurement_fidelity"), fid)},
                coords={"hops": hops, "link_fidelity": f, "gate_fidelity": p, "measurement_fidelity": e})
ds.to_netcdf(sys.argv[1], engine="h5netcdf")
"""

ENGINE = """\
import sys
from pqms_physics.sweep.engine import run_sweep
if __name__ == "__main__":
    workers = None if sys.argv[3] == "auto" else int(sys.argv[3])
    ds = run_sweep(sys.argv[1], sys.argv[2], workers=workers, progress=False, resume=False)
    print(ds.attrs["executor"], ds.attrs["n_chunks"])
"""


def wall(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import numpy as np
    import xarray as xr

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "engine.py").write_text(ENGINE)
        (d / "baseline.py").write_text(BASELINE)
        (d / "big.toml").write_text(CONFIG.format(chunk=2500))
        (d / "small.toml").write_text(CONFIG.format(chunk=100))
        variants = {
            "baseline (one vectorised call + to_netcdf)": [sys.executable, str(d / "baseline.py"), str(d / "b.nc")],
            "engine auto (chunks of 2500)": [
                sys.executable,
                str(d / "engine.py"),
                str(d / "big.toml"),
                str(d / "auto.nc"),
                "auto",
            ],
            "engine pool, 2 workers (chunks of 2500)": [
                sys.executable,
                str(d / "engine.py"),
                str(d / "big.toml"),
                str(d / "pool.nc"),
                "2",
            ],
            "engine in-process (chunks of 100)": [
                sys.executable,
                str(d / "engine.py"),
                str(d / "small.toml"),
                str(d / "small.nc"),
                "1",
            ],
        }
        env_note = f"load average before: {os.getloadavg()}"
        results = {}
        for name, cmd in variants.items():
            runs = [wall(cmd) for _ in range(args.repeats)]
            results[name] = (min(t for t, _ in runs), runs[0][1])
        base = next(iter(results.values()))[0]
        print(
            textwrap.dedent(f"""\
            1e4-point fidelity_vs_hops sweep (10 x 50 x 5 x 4), fresh process each, best of {args.repeats}
            machine: {os.cpu_count()} CPUs; {env_note}; after: {os.getloadavg()}""")
        )
        for name, (t, out) in results.items():
            print(f"  {name:45s} {t:6.2f} s   ratio to baseline {t / base:5.2f}   {out}")
        ref = xr.load_dataset(d / "b.nc", engine="h5netcdf").fidelity
        for f in ("auto.nc", "pool.nc", "small.nc"):
            got = xr.load_dataset(d / f, engine="h5netcdf").fidelity
            assert np.array_equal(got.values, ref.transpose(*got.dims).values), f
        auto = results["engine auto (chunks of 2500)"][0]
        print(f"  all variants wrote identical numbers; goal 'engine auto < 10 s': {'met' if auto < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
