"""Golden vectors for the FPGA RPU: per-pair records from the Monte Carlo kernels' stream and the
outputs the hardware must produce, computed by the bit-exact model :mod:`pqms_physics.rpu.model`.

Run ``python -m pqms_physics.rpu.vectors --out DIR [--seed N] [--suite default|full]`` (or call
:func:`write_fpga_vectors`); ``fpga/run_csim.sh`` does this, then builds and runs the C-sim
testbench, which must reproduce every output bit for bit.

File formats (text, ``#`` lines are comments, one file pair per case)
---------------------------------------------------------------------
``NAME.rpuin``::

    PQMS-RPU-IN 1
    mode 0|1            window W            n_windows n
    k_thresh RAW        veto_z RAW          prune_z RAW       prune_en 0|1     (Q16.16 raw)
    topk K              records W*n
    <record hex digits, at most 64 per line: cell = 4*setting + outcome, outcome = 2a + b>
    END

(one ``key value`` per line, in this order). ``NAME.rpuout``::

    PQMS-RPU-OUT 1
    windows F                                      (forwarded windows, then F lines)
    W index c0..c15 z e0 e1 e2 e3 s mode z_valid decision veto e_valid s_valid
    topk K                                         (then K lines, best first)
    T valid index z zsq
    summary n_forwarded n_decisions n_vetoes n_valid
    END

``z``, ``e*``, ``s`` are raw fixed-point integers (units of 2**-16), ``zsq = floor(z**2 2**34)``.
``manifest.txt`` lists the case names; ``manifest.json`` records seeds, the kernel stream version,
the package version and each case's configuration.

Records come from :func:`pqms_physics.kernels.reference.sample_records` (the counter-based stream
of :mod:`pqms_physics.kernels.rng`), so the RPU's per-window counts equal the kernels'
``window_counts`` for the same seed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

from pqms_physics.errors import check_choice, check_int
from pqms_physics.rpu.model import W_MAX, RPUConfig, RPURun, run_rpu, window_counts
from pqms_physics.rpu.tables import chsh_table, nct_table, signalling_table, werner_table  # noqa: F401

SUITES: tuple[str, ...] = ("default", "full")
DEFAULT_SEED: int = 20240611  #: base seed of the suites (chosen before any result was seen)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@dataclass(frozen=True)
class VectorCase:
    """One golden-vector case: a probability table sampled with the kernels' stream and the
    RPU registers to run it with (``seed_offset`` is added to the suite's base seed). A case
    with ``cells`` (all its records, ``4*setting + outcome``) is constructed by hand instead of
    sampled."""

    name: str
    probs: tuple[tuple[float, ...], ...]
    setting_choice: str
    config: RPUConfig
    n_windows: int
    seed_offset: int = 0
    stream: int = 0
    note: str = ""
    cells: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "config": self.config.to_dict()}


def _case(
    name: str,
    probs: Any,
    choice: str,
    mode: str,
    window: int,
    n_windows: int,
    *,
    seed_offset: int = 0,
    stream: int = 0,
    note: str = "",
    **cfg: Any,
) -> VectorCase:
    table = tuple(tuple(float(x) for x in row) for row in np.asarray(probs))
    return VectorCase(
        name, table, choice, RPUConfig(mode=mode, window=window, **cfg), n_windows, seed_offset, stream, note
    )


def _tie_case(name: str, pools: list[tuple[int, int, int, int]], z: float) -> VectorCase:
    """Windows whose |z| equals ``z`` exactly, with every threshold register set to ``z``:
    each window is one (n0, m0, n1, m1) pool pair written as records (b = 1 is outcome 01)."""
    cells: list[int] = []
    for n0, m0, n1, m1 in pools:
        cells += [1] * m0 + [0] * (n0 - m0) + [5] * m1 + [4] * (n1 - m1)
    window = len(cells) // len(pools)
    level = 2 * NormalDist().cdf(z - 2.0**-17) - 1  # critical value rounds up to exactly z
    cfg = RPUConfig(mode="nct", window=window, k_threshold=z, veto_confidence=level, prune_threshold=z)
    return VectorCase(name, (), "explicit", cfg, len(pools), note="exact ties with every threshold", cells=tuple(cells))


def suite_cases(suite: str = "default") -> tuple[VectorCase, ...]:
    """The cases of a suite. ``"default"`` (17 cases, 3.3e6 pairs, 4 seeds, windows 1 to W_MAX,
    both modes, every edge case) runs in the default test suite; ``"full"`` adds 18 cases and
    1.7e7 pairs over 3 more seeds and window sizes 16 to 65536 (``pytest -m slow``).

    Examples
    --------
    >>> [c.name for c in suite_cases()][:3]
    ['nct_w1000', 'nct_w4096', 'nct_w3']
    """
    check_choice("suite", suite, SUITES)
    prune = {"prune_threshold": 1.959964}
    nct, chsh = nct_table(0.9), chsh_table(0.95)
    one = [[1.0, 0, 0, 0]]
    cases = [
        _case(
            "nct_w1000",
            nct,
            "cyclic",
            "nct",
            1000,
            300,
            stream=1,
            **prune,
            note="no-signalling data, pruning at 1.96: ~5% of windows forwarded",
        ),
        _case(
            "nct_w4096",
            nct_table(1.0),
            "cyclic",
            "nct",
            4096,
            64,
            seed_offset=1,
            k_threshold=2.5,
            note="decision threshold above the guardian level",
        ),
        _case(
            "nct_w3",
            nct,
            "cyclic",
            "nct",
            3,
            30000,
            seed_offset=2,
            note="tiny windows: one pool of size 1, many undefined z, top-k ties",
        ),
        _case(
            "nct_random_w7",
            nct,
            "random",
            "nct",
            7,
            10000,
            seed_offset=3,
            note="random pools: windows with an empty pool",
        ),
        _case("nct_w1", nct, "cyclic", "nct", 1, 1000, note="W = 1: never both pools"),
        _case(
            "nct_signal_w1000",
            signalling_table(0.05),
            "cyclic",
            "nct",
            1000,
            200,
            stream=5,
            **prune,
            note="synthetic signalling stimulus: decisions fire",
        ),
        _case(
            "chsh_w1000",
            chsh_table(0.95),
            "random",
            "chsh",
            1000,
            200,
            seed_offset=1,
            stream=6,
            **prune,
            note="CHSH: pruning does not apply, all windows forwarded",
        ),
        _case(
            "chsh_w5",
            chsh,
            "random",
            "chsh",
            5,
            20000,
            seed_offset=2,
            stream=7,
            note="CHSH tiny windows: settings missing, S invalid",
        ),
        _case("nct_all_zero", one * 2, "cyclic", "nct", 100, 20, note="all-equal outcomes b = 0: M = 0, z undefined"),
        _case(
            "nct_all_one",
            [[0, 1.0, 0, 0], [0, 0, 0, 1.0]],
            "cyclic",
            "nct",
            64,
            16,
            note="all-equal outcomes b = 1: M = N, z undefined",
        ),
        _case("chsh_all_equal", one * 4, "cyclic", "chsh", 64, 16, note="E = 1, S = 2"),
        _case(
            "chsh_s_max",
            one * 3 + [[0, 1.0, 0, 0]],
            "cyclic",
            "chsh",
            64,
            16,
            note="E = (1, 1, 1, -1): S = 4, the format's extreme",
        ),
        _case("counter_saturation", one, "cyclic", "nct", W_MAX, 1, note="one counter reaches W_MAX = 2**20 - 1"),
        _case(
            "z_max",
            [[1.0, 0, 0, 0], [0, 1.0, 0, 0]],
            "cyclic",
            "nct",
            W_MAX,
            1,
            **prune,
            note="separated pools: z**2 = N = W_MAX, the largest |z|",
        ),
        _case("empty_run", nct, "cyclic", "nct", 1000, 0, note="n_windows = 0"),
        _tie_case("ties_z2", [(1, 0, 3, 3), (3, 3, 1, 0)], 2.0),
        _tie_case("ties_z1", [(5, 1, 25, 11), (25, 11, 5, 1)], 1.0),
    ]
    if suite == "full":
        for off in (4, 5, 6):
            for w, n in ((64, 16384), (1000, 1000), (65536, 16)):
                cases.append(_case(f"full_nct_s{off}_w{w}", nct, "cyclic", "nct", w, n, seed_offset=off, **prune))
            for w, n in ((16, 65536), (1000, 1000)):
                cases.append(_case(f"full_chsh_s{off}_w{w}", chsh, "random", "chsh", w, n, seed_offset=off))
            cases.append(
                _case(f"full_signal_s{off}", signalling_table(0.02), "cyclic", "nct", 4096, 128, seed_offset=off)
            )
    return tuple(cases)


def case_records(case: VectorCase, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Settings and outcomes of a case, from the kernels' NumPy twin (same stream)."""
    from pqms_physics.kernels.reference import sample_records

    if case.cells is not None:
        cells = np.array(case.cells, dtype=np.int64)
        return cells // 4, cells % 4
    pairs = case.config.window * case.n_windows
    if pairs == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return sample_records(
        np.array(case.probs), pairs, seed + case.seed_offset, setting_choice=case.setting_choice, stream=case.stream
    )


def _write_input(path: Path, case: VectorCase, cells: np.ndarray) -> None:
    reg = case.config.registers()
    head = ["PQMS-RPU-IN 1", f"# {case.name}: {case.note}"]
    head += [f"{k} {reg[k]}" for k in ("mode", "window")] + [f"n_windows {case.n_windows}"]
    head += [f"{k} {reg[k]}" for k in ("k_thresh", "veto_z", "prune_z", "prune_en", "topk")]
    head.append(f"records {cells.size}")
    digits = _HEX[cells.astype(np.intp)].tobytes()
    lines = [digits[i : i + 64] for i in range(0, len(digits), 64)]
    with open(path, "wb") as f:
        f.write(("\n".join(head) + "\n").encode())
        f.write(b"\n".join(lines) + (b"\n" if lines else b""))
        f.write(b"END\n")


def _write_output(path: Path, run: RPURun) -> None:
    fwd = [w for w in run.windows if w.forwarded]
    out = ["PQMS-RPU-OUT 1", f"windows {len(fwd)}"]
    for w in fwd:
        out.append(
            "W "
            + " ".join(
                str(int(v))
                for v in (
                    w.index,
                    *w.counts,
                    w.z_raw,
                    *w.e_raw,
                    w.s_raw,
                    w.mode == "chsh",
                    w.z_valid,
                    w.decision,
                    w.veto,
                    w.e_valid,
                    w.s_valid,
                )
            )
        )
    out.append(f"topk {len(run.topk)}")
    out += [f"T {int(t.valid)} {t.index} {t.z_raw} {t.zsq}" for t in run.topk]
    out.append(f"summary {run.n_forwarded} {run.n_decisions} {run.n_vetoes} {run.n_valid}")
    path.write_text("\n".join(out) + "\nEND\n")


@dataclass(frozen=True)
class VectorManifest:
    """What :func:`write_fpga_vectors` wrote: the directory, suite, base seed and case names,
    with the total numbers of pairs and windows."""

    out_dir: str
    suite: str
    seed: int
    cases: tuple[str, ...]
    pairs: int
    windows: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_fpga_vectors(out_dir: str | Path, *, seed: int = DEFAULT_SEED, suite: str = "default") -> VectorManifest:
    """Write the golden input records and expected outputs of a suite to ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Directory (created if missing); existing case files are overwritten.
    seed : int
        Base seed in ``[0, 2**64 - 1 - max offset]``; case ``c`` samples with
        ``seed + c.seed_offset`` (offsets 0 to 3, or 0 to 6 in the full suite).
    suite : {"default", "full"}
        See :func:`suite_cases`.

    Returns
    -------
    VectorManifest

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     m = write_fpga_vectors(d, seed=1)
    >>> m.pairs > 10**6, len(m.cases)
    (True, 17)
    """
    cases = suite_cases(suite)
    seed = check_int("seed", seed, 0, 2**64 - 1 - max(c.seed_offset for c in cases))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from pqms_physics import __version__
    from pqms_physics.kernels.rng import STREAM_VERSION

    pairs = windows = 0
    for case in cases:
        settings, outcomes = case_records(case, seed)
        cells = 4 * settings + outcomes
        run = run_rpu(window_counts(settings, outcomes, case.config.window), case.config)
        _write_input(out / f"{case.name}.rpuin", case, cells)
        _write_output(out / f"{case.name}.rpuout", run)
        pairs += int(cells.size)
        windows += case.n_windows
    names = tuple(c.name for c in cases)
    (out / "manifest.txt").write_text("\n".join(names) + "\n")
    meta = {
        "suite": suite,
        "seed": seed,
        "stream_version": STREAM_VERSION,
        "pqms_physics_version": __version__,
        "pairs": pairs,
        "windows": windows,
        "cases": [c.to_dict() for c in cases],
    }
    (out / "manifest.json").write_text(json.dumps(meta, indent=1) + "\n")
    return VectorManifest(str(out), suite, seed, names, pairs, windows)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m pqms_physics.rpu.vectors --out DIR [--seed N] [--suite S]``."""
    ap = argparse.ArgumentParser(
        prog="python -m pqms_physics.rpu.vectors", description="Write the RPU golden vectors (see fpga/README.md)."
    )
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="base seed")
    ap.add_argument("--suite", choices=SUITES, default="default")
    args = ap.parse_args(argv)
    m = write_fpga_vectors(args.out, seed=args.seed, suite=args.suite)
    print(
        f"wrote {len(m.cases)} cases ({m.pairs} pairs, {m.windows} windows, suite "
        f"{m.suite}, seed {m.seed}) to {m.out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
