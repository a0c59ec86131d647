"""``pqms protocol``: waiting time and Werner parameter of a repeater protocol in time, from the command line.

The command parses its options, calls :func:`pqms_physics.network.protocols.api.repeater_protocol` and
prints the result; the physics lives in :mod:`pqms_physics.network.protocols`.
"""

from __future__ import annotations

import math

import click

from pqms_physics.cli._common import COUNT, PROBABILITY, SEED, emit, library_errors, output_options

OPEN_PROBABILITY = click.FloatRange(0.0, 1.0, min_open=True)
QUANTILES = (0.5, 0.9, 0.99)


class CutoffType(click.ParamType):
    """``none``, one integer (every level), or comma-separated integers (one per nesting level)."""

    name = "TAU[,TAU...]"

    def convert(self, value, param, ctx):
        if value is None or isinstance(value, (int, tuple)):
            return value
        text = str(value).strip().lower()
        if text in ("", "none"):
            return None
        out = []
        for part in text.split(","):
            try:
                v = int(part.strip())
            except ValueError:
                self.fail(
                    f"must be 'none', an integer number of rounds or a comma-separated list, got {value!r}", param, ctx
                )
            if v < 0:
                self.fail(f"must be >= 0 rounds, got {v}", param, ctx)
            out.append(v)
        return out[0] if len(out) == 1 else tuple(out)


class RoundsType(click.ParamType):
    """A time in rounds, ``> 0``, or ``inf``."""

    name = "ROUNDS"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            v = float(str(value).strip())
        except ValueError:
            self.fail(f"must be a number of rounds > 0 or 'inf', got {value!r}", param, ctx)
        if not v > 0:
            self.fail(f"must be > 0 rounds (or 'inf'), got {value!r}", param, ctx)
        return v


@click.command("protocol")
@click.option(
    "--segments",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Number of elementary links (a power of two for --scheme nested).",
)
@click.option(
    "--p-link",
    type=OPEN_PROBABILITY,
    default=0.1,
    show_default=True,
    help="Link generation probability per round and mode, in (0, 1].",
)
@click.option(
    "--p-swap", type=OPEN_PROBABILITY, default=1.0, show_default=True, help="Swap success probability, in (0, 1]."
)
@click.option(
    "--scheme",
    type=click.Choice(["nested", "swap-asap", "parallel"]),
    default="nested",
    show_default=True,
    help="Order of the swaps.",
)
@click.option(
    "--link-werner",
    type=PROBABILITY,
    default=1.0,
    show_default=True,
    help="Werner parameter w0 of a fresh link, in [0, 1] (fidelity (1 + 3 w0)/4).",
)
@click.option(
    "--coherence-time",
    type=RoundsType(),
    default="inf",
    show_default=True,
    help="Memory coherence time in rounds (w -> w exp(-dt/T_coh) while a link waits); inf: perfect.",
)
@click.option(
    "--cutoff",
    type=CutoffType(),
    default="none",
    show_default=True,
    help="Memory cutoff in rounds: one value, or one per nesting level (e.g. 16,31,55).",
)
@click.option(
    "--werner-cutoff",
    type=PROBABILITY,
    default=None,
    help="Discard a swap whose output Werner parameter would be below this value.",
)
@click.option(
    "--modes", type=click.IntRange(1), default=1, show_default=True, help="Multiplexed modes per segment attempt."
)
@click.option(
    "--distillation",
    type=CutoffType(),
    default="0",
    show_default=True,
    help="BBPSSW distillation rounds before each nesting level's swap: one value, or one per level (exact only).",
)
@click.option(
    "--method",
    type=click.Choice(["exact", "monte-carlo"]),
    default="exact",
    show_default=True,
    help="Exact engine, or the Monte Carlo engine (uses --samples and --seed).",
)
@click.option(
    "--samples", type=COUNT, default="1e5", show_default=True, help="Monte Carlo protocol runs (integer; 1e5 accepted)."
)
@click.option("--seed", type=SEED, default=1, show_default=True, help="Monte Carlo seed.")
@click.option(
    "--pmf",
    is_flag=True,
    default=False,
    help="Print the waiting-time distribution round by round (t, pmf, cdf, E[w | T = t]).",
)
@output_options
def protocol_cmd(
    segments,
    p_link,
    p_swap,
    scheme,
    link_werner,
    coherence_time,
    cutoff,
    werner_cutoff,
    modes,
    distillation,
    method,
    samples,
    seed,
    pmf,
    fmt,
):
    """Waiting time (rounds) and Werner parameter of the first end-to-end pair of a repeater chain.

    Time is counted in attempt rounds (one round = the heralding round trip of a segment, L0/c).
    Prints E[T], E[w], the mean fidelity, quantiles of T and the BB84 / six-state secret-key rates in bits
    per round; --pmf prints the distribution instead.

    \b
    Example:
      pqms protocol --segments 8 --p-link 0.1 --p-swap 0.5 --link-werner 0.98 \\
                    --coherence-time 400 --cutoff 16,31,55 --method monte-carlo --samples 1e6 --seed 7
    """
    from pqms_physics.network.protocols.api import repeater_protocol

    mc = method == "monte-carlo"
    with library_errors():
        res = repeater_protocol(
            segments,
            p_link,
            p_swap=p_swap,
            scheme=scheme,
            link_werner=link_werner,
            coherence_time=coherence_time,
            cutoff=cutoff,
            werner_cutoff=werner_cutoff,
            modes=modes,
            distillation=distillation or 0,
            method=method,
            samples=samples if mc else None,
            seed=seed if mc else None,
            progress=None,
        )
    params = {
        "segments": segments,
        "p_link": p_link,
        "p_swap": p_swap,
        "scheme": scheme,
        "link_werner": link_werner,
        "coherence_time": coherence_time if math.isfinite(coherence_time) else "inf",
        "cutoff": list(cutoff) if isinstance(cutoff, tuple) else cutoff,
        "werner_cutoff": werner_cutoff,
        "modes": modes,
        "distillation": list(distillation) if isinstance(distillation, tuple) else (distillation or 0),
        "method": method,
    }
    if mc:
        params.update(samples=samples, seed=seed, stream_version=res.stream_version)
    if pmf:
        cdf = res.cdf(list(range(res.t_trunc + 1)))
        rows = [
            (t, float(res.pmf[t]), float(cdf[t]), None if math.isnan(res.werner[t]) else float(res.werner[t]))
            for t in range(1, res.t_trunc + 1)
        ]
        emit(
            fmt,
            "protocol",
            ("t_rounds", "pmf", "cdf", "werner_given_t"),
            rows,
            parameters=params,
            summary={"truncated_mass": res.truncated_mass},
            title="Waiting-time distribution of the end-to-end pair (rounds)",
        )
        return
    rows = [
        ("mean_time_rounds", res.mean_time, res.mean_time_stderr),
        ("mean_werner", res.mean_werner, res.mean_werner_stderr),
        ("mean_fidelity", res.mean_fidelity, None if res.mean_werner_stderr is None else 0.75 * res.mean_werner_stderr),
    ]
    for q in QUANTILES:
        if q <= 1.0 - res.truncated_mass:
            rows.append((f"quantile_{q:g}_rounds", res.quantile(q), None))
    rows += [
        ("skr_bb84_bits_per_round", res.secret_key_rate("bb84"), None),
        ("skr_six_state_bits_per_round", res.secret_key_rate("six-state"), None),
        ("truncated_mass", res.truncated_mass, None),
    ]
    emit(
        fmt,
        "protocol",
        ("quantity", "value", "stderr"),
        rows,
        parameters=params,
        title=f"Repeater protocol in time ({method}; pqms_physics.network.protocols.repeater_protocol)",
    )


__all__ = ["protocol_cmd"]
