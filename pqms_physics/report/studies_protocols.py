"""The protocol-in-time studies of ``pqms report``: the waiting-time distribution and the cutoff trade-off.

* ``waiting_time``: a nested repeater of :data:`WAITING_SEGMENTS` segments (probabilistic links and swaps, memories
  that decohere while they wait); the exact pmf and cdf of the waiting time of the first end-to-end pair, drawn over
  the histogram of :data:`WAITING_RUNS` Monte Carlo protocol runs on the counter stream (independent engines).
* ``cutoff_tradeoff``: the same chain with a memory cutoff (the same at every nesting level): mean fidelity of the
  delivered pairs and the BB84 secret-key rate in bits per round against the cutoff, for several coherence times.

Times are in attempt rounds (one round = the heralding time of one segment,
:func:`pqms_physics.network.protocols.spec.round_time_s`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pqms_physics._provenance import derive_seed

if TYPE_CHECKING:  # studies.py imports this module for its STUDIES registry: import Study at call time
    from pqms_physics.report.studies import Study

#: Spawn key of the waiting-time study's Monte Carlo seed (fixed; see pqms_physics.report.studies.STUDY_KEYS).
WAITING_TIME_KEY: int = 3
#: The chain of both studies: segments, link and swap success probabilities, fresh-link Werner parameter.
WAITING_SEGMENTS: int = 4
WAITING_P_LINK: float = 0.3
WAITING_P_SWAP: float = 0.5
WAITING_LINK_WERNER: float = 0.98
#: Memory coherence time (rounds) of the waiting-time study, and Monte Carlo runs (full, quick).
WAITING_COHERENCE_ROUNDS: float = 100.0
WAITING_RUNS: tuple[int, int] = (400_000, 40_000)
#: Coherence times (rounds) and cutoffs (rounds) of the cutoff study.
CUTOFF_COHERENCE_ROUNDS: tuple[float, ...] = (30.0, 100.0, 500.0)
CUTOFF_GRID: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48)


def _chain_parameters() -> dict:
    return {
        "scheme": "nested",
        "segments": WAITING_SEGMENTS,
        "p_link": WAITING_P_LINK,
        "p_swap": WAITING_P_SWAP,
        "link_werner": WAITING_LINK_WERNER,
    }


def study_waiting_time(quick: bool = False, seed: int = 0) -> Study:
    """Exact waiting-time pmf/cdf of a nested repeater, over a Monte Carlo histogram of the same protocol."""
    from pqms_physics.network.protocols.api import repeater_protocol
    from pqms_physics.report.studies import Study

    runs = WAITING_RUNS[1] if quick else WAITING_RUNS[0]
    run_seed = derive_seed(seed, WAITING_TIME_KEY)
    kwargs = dict(p_swap=WAITING_P_SWAP, link_werner=WAITING_LINK_WERNER, coherence_time=WAITING_COHERENCE_ROUNDS)
    exact = repeater_protocol(WAITING_SEGMENTS, WAITING_P_LINK, **kwargs)
    mc = repeater_protocol(
        WAITING_SEGMENTS,
        WAITING_P_LINK,
        **kwargs,
        method="monte-carlo",
        samples=runs,
        seed=run_seed,
        t_trunc=exact.t_trunc,
    )
    t_max = int(exact.quantile(0.999))
    t = np.arange(t_max + 1)
    pmf_exact, pmf_mc = exact.pmf[: t_max + 1], mc.pmf[: t_max + 1]
    rows = tuple(
        (
            int(k),
            float(pmf_exact[k]),
            float(exact.cdf(k)),
            float(pmf_mc[k]),
            None if not np.isfinite(exact.werner[k]) else float(exact.werner[k]),
        )
        for k in t
    )
    z_time = (mc.mean_time - exact.mean_time) / mc.mean_time_stderr
    caption = (
        f"Waiting time of the first end-to-end pair, nested repeater of {WAITING_SEGMENTS} segments "
        f"(p_link = {WAITING_P_LINK}, p_swap = {WAITING_P_SWAP}, T_coh = {WAITING_COHERENCE_ROUNDS:g} "
        f"rounds): exact pmf and cdf over {runs:,} Monte Carlo runs. E[T] = {exact.mean_time:.2f} rounds "
        f"exact, {mc.mean_time:.2f} +- {mc.mean_time_stderr:.2f} sampled."
    )
    return Study(
        name="waiting_time",
        caption=caption,
        parameters={**_chain_parameters(), "coherence_time_rounds": WAITING_COHERENCE_ROUNDS, "runs": runs},
        columns=("t_rounds", "pmf_exact", "cdf_exact", "pmf_monte_carlo", "werner_exact_given_t"),
        rows=rows,
        functions=(
            "pqms_physics.network.protocols.api.repeater_protocol (exact)",
            "pqms_physics.network.protocols.api.repeater_protocol (monte-carlo)",
        ),
        plot="plot_waiting_time",
        plot_args=(t, pmf_exact, pmf_mc),
        plot_kwargs={"mc_label": f"Monte Carlo, {runs:,} runs"},
        seeds=(run_seed,),
        summary={
            "mean_time_exact_rounds": exact.mean_time,
            "mean_time_mc_rounds": mc.mean_time,
            "mean_time_mc_stderr": mc.mean_time_stderr,
            "z_mean_time": z_time,
            "mean_fidelity_exact": exact.mean_fidelity,
            "truncated_mass": exact.truncated_mass,
        },
    )


def study_cutoff_tradeoff(quick: bool = False, seed: int | None = None) -> Study:
    """Mean delivered fidelity and secret-key rate against the memory cutoff (exact; ``seed`` unused)."""
    from pqms_physics.network.protocols.api import repeater_protocol
    from pqms_physics.report.studies import Study

    grid = CUTOFF_GRID[::2] if quick else CUTOFF_GRID
    fidelity: dict[str, np.ndarray] = {}
    key_rate: dict[str, np.ndarray] = {}
    rows = []
    best = {}
    for t_coh in CUTOFF_COHERENCE_ROUNDS:
        label = f"T_coh = {t_coh:g} rounds"
        f_row, k_row = [], []
        for tau in grid:
            r = repeater_protocol(
                WAITING_SEGMENTS,
                WAITING_P_LINK,
                p_swap=WAITING_P_SWAP,
                link_werner=WAITING_LINK_WERNER,
                coherence_time=t_coh,
                cutoff=tau,
            )
            skr = r.secret_key_rate("bb84")
            f_row.append(r.mean_fidelity)
            k_row.append(skr)
            rows.append((t_coh, tau, r.mean_time, r.mean_fidelity, skr))
        fidelity[label], key_rate[label] = np.array(f_row), np.array(k_row)
        best[label] = int(grid[int(np.argmax(k_row))])
    caption = (
        f"Memory cutoff trade-off, nested repeater of {WAITING_SEGMENTS} segments (p_link = {WAITING_P_LINK}, "
        f"p_swap = {WAITING_P_SWAP}, w0 = {WAITING_LINK_WERNER}): a shorter cutoff keeps fresher pairs "
        f"(higher fidelity) but restarts more often; the BB84 key rate peaks in between (exact engine)."
    )
    return Study(
        name="cutoff_tradeoff",
        caption=caption,
        parameters={
            **_chain_parameters(),
            "coherence_time_rounds": list(CUTOFF_COHERENCE_ROUNDS),
            "cutoffs_rounds": list(grid),
            "key_protocol": "bb84",
        },
        columns=(
            "coherence_time_rounds",
            "cutoff_rounds",
            "mean_time_rounds",
            "mean_fidelity",
            "secret_key_bits_per_round",
        ),
        rows=tuple(rows),
        functions=(
            "pqms_physics.network.protocols.api.repeater_protocol",
            "pqms_physics.network.protocols.result.ProtocolResult.secret_key_rate",
        ),
        plot="plot_cutoff_tradeoff",
        plot_args=(np.array(grid), fidelity, key_rate),
        summary={"best_cutoff_rounds": best},
    )


#: The fibre repeater of the rate study: segments, swap success (linear-optics Bell measurement), fresh-link Werner
#: parameter, detector efficiency, source repetition rate (Hz), memory coherence times (s) and distances (km).
RATE_SEGMENTS: int = 8
RATE_P_SWAP: float = 0.5
RATE_LINK_WERNER: float = 0.99
RATE_DETECTOR_EFFICIENCY: float = 0.9
RATE_REPETITION_HZ: float = 1e8
RATE_COHERENCE_S: tuple[float, ...] = (1e-3, 1e-2, 1e-1, 1.0)
RATE_DISTANCES_KM: tuple[float, float, int] = (20.0, 2000.0, 13)


def study_protocol_rates(quick: bool = False, seed: int | None = None) -> Study:
    """Ebit/s and secret bits/s against distance for several memory coherence times, with PLOB (exact)."""
    from pqms_physics.network.protocols.rates import protocol_rate
    from pqms_physics.report.studies import Study

    lo, hi, num = RATE_DISTANCES_KM
    distance = np.geomspace(lo, hi, (num + 1) // 2 if quick else num)
    ebits: dict[str, np.ndarray] = {}
    secret: dict[str, np.ndarray] = {}
    plob = np.zeros(distance.size)
    rows = []
    for t_coh in RATE_COHERENCE_S:
        label = f"T_coh = {t_coh * 1e3:g} ms" if t_coh < 1 else f"T_coh = {t_coh:g} s"
        e_row, s_row = [], []
        for k, length in enumerate(distance):
            r = protocol_rate(
                float(length),
                RATE_SEGMENTS,
                repetition_rate_hz=RATE_REPETITION_HZ,
                coherence_time_s=t_coh,
                link_werner=RATE_LINK_WERNER,
                p_swap=RATE_P_SWAP,
                detector_efficiency=RATE_DETECTOR_EFFICIENCY,
            )
            e_row.append(r.ebits_per_s)
            s_row.append(r.secret_bits_per_s)
            plob[k] = r.plob_bits_per_s
            rows.append(
                (
                    t_coh,
                    float(length),
                    r.round_time_s,
                    r.modes,
                    r.mean_time_rounds,
                    r.mean_fidelity,
                    r.ebits_per_s,
                    r.secret_bits_per_s,
                    r.plob_bits_per_s,
                )
            )
        ebits[label], secret[label] = np.array(e_row), np.array(s_row)
    beats = {
        label: next((float(d) for d, s, p in zip(distance, vals, plob) if s > p), None)
        for label, vals in secret.items()
    }
    memory_note = (
        f"memories T_coh as labelled (no cutoff), {RATE_SEGMENTS} segments, p_swap = {RATE_P_SWAP}, "
        f"{RATE_REPETITION_HZ:.0e} Hz"
    )
    caption = (
        f"Rate against distance of a nested fibre repeater ({RATE_SEGMENTS} segments, midpoint stations, "
        f"0.2 dB/km, detector efficiency {RATE_DETECTOR_EFFICIENCY}, {RATE_REPETITION_HZ:.0e} Hz pulses "
        f"multiplexed within each heralding round, p_swap = {RATE_P_SWAP}, w0 = {RATE_LINK_WERNER}) for memory "
        f"coherence times of 1 ms to 1 s, against the repeaterless PLOB bound at the same repetition rate. "
        f"Without a cutoff the waiting time does not depend on the memory, so the ebit curves coincide; the "
        f"key rate does."
    )
    return Study(
        name="protocol_rates",
        caption=caption,
        parameters={
            "scheme": "nested",
            "segments": RATE_SEGMENTS,
            "p_swap": RATE_P_SWAP,
            "link_werner": RATE_LINK_WERNER,
            "detector_efficiency": RATE_DETECTOR_EFFICIENCY,
            "repetition_rate_hz": RATE_REPETITION_HZ,
            "loss_db_per_km": 0.2,
            "bsm_success": 0.5,
            "coherence_time_s": list(RATE_COHERENCE_S),
            "key_protocol": "bb84",
        },
        columns=(
            "coherence_time_s",
            "distance_km",
            "round_time_s",
            "modes",
            "mean_time_rounds",
            "mean_fidelity",
            "ebits_per_s",
            "secret_bits_per_s",
            "plob_bits_per_s",
        ),
        rows=tuple(rows),
        functions=(
            "pqms_physics.network.protocols.rates.protocol_rate",
            "pqms_physics.network.protocols.api.repeater_protocol",
        ),
        plot="plot_protocol_rates",
        plot_args=(distance, ebits, secret, plob),
        plot_kwargs={"memory_note": memory_note},
        summary={"first_distance_km_key_above_plob": beats},
    )


__all__ = ["study_waiting_time", "study_cutoff_tradeoff", "study_protocol_rates"]
