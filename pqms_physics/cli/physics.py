"""``pqms fidelity``, ``pqms chsh`` and ``pqms nct``: physics queries from the command line.

Each command parses its options, calls library functions and prints their
results; the physics lives in :mod:`pqms_physics.network.chains`,
:mod:`pqms_physics.chsh` and :mod:`pqms_physics.nct`.
"""

from __future__ import annotations

import click

from pqms_physics.cli._common import (
    COUNT,
    INT_LIST,
    PROBABILITY,
    SEED,
    device_errors,
    emit,
    library_errors,
    output_options,
)
from pqms_physics.conventions import DEVICES, SAMPLERS

DEFAULT_HOPS = "1,2,4,8,16,32,64,128,256,512,1000"


@click.command("fidelity")
@click.option(
    "--link-fidelity",
    type=PROBABILITY,
    default=0.99,
    show_default=True,
    help="Fidelity F of each Werner link to Phi+ (squared fidelity, in [0, 1]).",
)
@click.option(
    "--hops",
    type=INT_LIST,
    default=DEFAULT_HOPS,
    show_default=True,
    help="Numbers of elementary links, comma-separated (1 = one link, no swap).",
)
@click.option(
    "--gate-fidelity",
    type=PROBABILITY,
    default=1.0,
    show_default=True,
    help="Duer gate fidelity p of each swap's Bell measurement, in [0, 1].",
)
@click.option(
    "--measurement-fidelity",
    type=PROBABILITY,
    default=1.0,
    show_default=True,
    help="Duer measurement fidelity eta (each measured bit correct with probability eta).",
)
@click.option(
    "--twirl/--no-twirl",
    default=False,
    show_default=True,
    help="Werner-twirl the pair after every swap (BDCZ analysis) instead of the exact state.",
)
@output_options
def fidelity_cmd(link_fidelity, hops, gate_fidelity, measurement_fidelity, twirl, fmt):
    """End-to-end fidelity of a repeater chain of Werner links versus the number of links.

    Exact (Bell-basis closed form) for any number of links; sequential swapping.

    \b
    Example:
      pqms fidelity --link-fidelity 0.999 --hops 1,10,100,1000 --gate-fidelity 0.999
    """
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import fidelity_vs_hops

    with library_errors():
        f = fidelity_vs_hops(
            werner_state(link_fidelity),
            hops,
            gate_fidelity=gate_fidelity,
            measurement_fidelity=measurement_fidelity,
            twirl=twirl,
        )
    rows = [(n, float(v)) for n, v in zip(hops, f)]
    params = {
        "link_fidelity": link_fidelity,
        "gate_fidelity": gate_fidelity,
        "measurement_fidelity": measurement_fidelity,
        "twirl": twirl,
        "hops": hops,
    }
    emit(
        fmt,
        "fidelity",
        ("hops", "fidelity"),
        rows,
        parameters=params,
        title="Fidelity to Phi+ of the end-to-end pair (pqms_physics.network.chains.fidelity_vs_hops)",
    )


@click.command("chsh")
@click.option(
    "--link-fidelity", type=PROBABILITY, default=1.0, show_default=True, help="Werner link fidelity F (1 = Phi+)."
)
@click.option(
    "--hops",
    type=INT_LIST,
    default="1",
    show_default=True,
    help="Numbers of links of an ideal-swap chain, comma-separated.",
)
@click.option(
    "--pairs", type=COUNT, default="1e6", show_default=True, help="Measured pairs per estimate (integer; 1e6 accepted)."
)
@click.option(
    "--seed",
    type=SEED,
    default=1,
    show_default=True,
    help="Seed of the sampler; every row uses this seed, so a row does not depend on the others.",
)
@click.option(
    "--sampler",
    type=click.Choice(list(SAMPLERS)),
    default="kernel",
    show_default=True,
    help="kernel: pair-by-pair Monte Carlo kernel; multinomial: exact multinomial counts.",
)
@click.option(
    "--setting-choice",
    type=click.Choice(["random", "blocks"]),
    default="random",
    show_default=True,
    help="Setting per pair uniformly at random, or four equal blocks.",
)
@click.option(
    "--level",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="Confidence level of the interval.",
)
@click.option(
    "--device",
    type=click.Choice(list(DEVICES)),
    default="cpu",
    show_default=True,
    help="Kernel device (kernel sampler only): all give identical counts for the same seed.",
)
@output_options
def chsh_cmd(link_fidelity, hops, pairs, seed, sampler, setting_choice, level, device, fmt):
    """Exact CHSH value and a finite-sample estimate with its confidence interval, per chain length.

    S is estimated at the optimal settings of each chain state from PAIRS sampled
    pairs; the error bar is sigma_S^2 = sum_k (1 - E_k^2)/N_k and the p-value is
    one-sided against the local bound S <= 2.

    \b
    Example:
      pqms chsh --link-fidelity 0.99 --hops 1,4,16 --pairs 1e6 --seed 7
    """
    from pqms_physics.chsh import chsh_value, estimate_chsh
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import chain_state

    rows = []
    with library_errors(), device_errors():
        link = werner_state(link_fidelity)
        for n in hops:
            rho = chain_state(link, n)
            est = estimate_chsh(rho, pairs, seed, sampler=sampler, setting_choice=setting_choice, device=device)
            lo, hi = est.ci(level)
            rows.append((n, chsh_value(rho), est.value, est.stderr, float(lo), float(hi), est.p_value, est.n_sigma))
    params = {
        "link_fidelity": link_fidelity,
        "pairs": pairs,
        "seed": seed,
        "sampler": sampler,
        "setting_choice": setting_choice,
        "level": level,
        "device": device,
        "hops": hops,
    }
    emit(
        fmt,
        "chsh",
        ("hops", "s_exact", "s_estimate", "stderr", "ci_low", "ci_high", "p_value_local", "n_sigma"),
        rows,
        parameters=params,
        title="CHSH value of the end-to-end pair (local bound 2, Tsirelson 2.828)",
    )


class SenderType(click.ParamType):
    """``none``, ``dephasing:GAMMA_PER_S:T_S``, ``amplitude-damping:GAMMA_PER_S:T_S``, ``depolarizing:P``,
    ``measure-z`` or ``cnot`` (not local: acts on both halves; shows the detector firing)."""

    name = "SPEC"
    _ARITY = {"none": 0, "dephasing": 2, "amplitude-damping": 2, "depolarizing": 1, "measure-z": 0, "cnot": 0}

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        kind, *args = str(value).strip().lower().split(":")
        if kind not in self._ARITY:
            self.fail(
                f"must be one of none, dephasing:GAMMA_PER_S:T_S, amplitude-damping:GAMMA_PER_S:T_S, "
                f"depolarizing:P, measure-z, cnot; got {value!r}",
                param,
                ctx,
            )
        if len(args) != self._ARITY[kind]:
            self.fail(f"{kind} takes {self._ARITY[kind]} number(s) after ':', got {value!r}", param, ctx)
        try:
            nums = tuple(float(a) for a in args)
        except ValueError:
            self.fail(f"the numbers in {value!r} must be real numbers", param, ctx)
        return (kind, *nums)


def sender_channel(spec: tuple):
    """Build the sender's Channel from a parsed ``--sender`` spec (library factories only)."""
    from pqms_physics.core.channels import Channel
    from pqms_physics.core.noise import amplitude_damping, dephasing, depolarizing, pauli_channel

    kind, *nums = spec
    if kind == "none":
        return None
    if kind == "dephasing":
        return dephasing(gamma_per_s=nums[0], t_s=nums[1])
    if kind == "amplitude-damping":
        return amplitude_damping(gamma_per_s=nums[0], t_s=nums[1])
    if kind == "depolarizing":
        return depolarizing(nums[0])
    if kind == "measure-z":
        return pauli_channel(0.0, 0.0, 0.5)  # completely dephasing = Z measurement, result kept by the sender
    import qutip as qt

    cnot = qt.Qobj([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dims=[[2, 2], [2, 2]])
    return Channel.from_unitary(cnot, label="CNOT sender->receiver (NOT local)")


@click.command("nct")
@click.option(
    "--pairs-per-pool",
    type=COUNT,
    default="1e6",
    show_default=True,
    help="Pairs N in each of the two pools (integer; 1e8 accepted).",
)
@click.option("--seed", type=SEED, default=1, show_default=True, help="Seed of the sampler.")
@click.option(
    "--runs",
    type=click.IntRange(1, 100_000),
    default=1,
    show_default=True,
    help="Independent runs: run i uses stream i of the same seed.",
)
@click.option(
    "--sender",
    type=SenderType(),
    default="dephasing:0.05:1.0",
    show_default=True,
    help="Sender's operation on her halves of pool 1: none, dephasing:GAMMA_PER_S:T_S, "
    "amplitude-damping:GAMMA_PER_S:T_S, depolarizing:P, measure-z, or cnot (NOT local).",
)
@click.option(
    "--basis",
    type=click.Choice(["z", "x", "y"]),
    default="z",
    show_default=True,
    help="Measurement basis of both qubits.",
)
@click.option(
    "--sampler",
    type=click.Choice(list(SAMPLERS)),
    default="kernel",
    show_default=True,
    help="kernel: pair-by-pair Monte Carlo kernel; multinomial: exact multinomial draw per pool.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="Significance level of the two-sided test 'no signal'.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, min_open=True),
    default=1e-6,
    show_default=True,
    help="A fixed threshold on |delta_mu| to evaluate honestly (the documents claim 1e-6).",
)
@click.option(
    "--device",
    type=click.Choice(list(DEVICES)),
    default="cpu",
    show_default=True,
    help="Kernel device (kernel sampler only): all give identical counts for the same seed.",
)
@output_options
def nct_cmd(pairs_per_pool, seed, runs, sender, basis, sampler, alpha, threshold, device, fmt):
    """Two-pool bias experiment: does the sender's operation move the receiver's mean outcome?

    The receiver measures his halves of both pools; delta_mu = mu_1 - mu_0 of his
    0/1 outcomes. Under quantum mechanics it is noise with sigma = sqrt(0.5/N)
    for any local operation of the sender; --sender cnot is not local and is
    detected.

    \b
    Example:
      pqms nct --pairs-per-pool 1e8 --sender dephasing:0.05:1.0 --seed 3
    """
    from pqms_physics.errors import PQMSValueError
    from pqms_physics.nct import pool_bias_experiment
    from pqms_physics.nct.power import no_signalling_stderr, threshold_pass_probability

    try:
        channel = sender_channel(sender)
    except PQMSValueError as exc:  # e.g. depolarizing:1.5 -> name the option, then the library's message
        raise click.BadParameter(str(exc), param_hint="'--sender'") from None
    rows = []
    with library_errors(), device_errors():
        for i in range(runs):
            r = pool_bias_experiment(
                pairs_per_pool, seed, sender_channel=channel, basis=basis, sampler=sampler, stream=i, device=device
            )
            rows.append((i, r.delta_mu, r.stderr, r.z, r.p_value, r.detected(alpha), r.expected_delta_mu))
        sigma = no_signalling_stderr(pairs_per_pool)
        claim = threshold_pass_probability(threshold, pairs_per_pool)
    summary = {
        "sigma_no_signalling": sigma,
        f"P(|delta_mu| < {threshold:g}) under no-signalling (exact)": claim.probability_exact,
        "runs_detected": sum(bool(r[5]) for r in rows),
    }
    params = {
        "pairs_per_pool": pairs_per_pool,
        "seed": seed,
        "runs": runs,
        "sender": ":".join([sender[0]] + [f"{x:g}" for x in sender[1:]]),
        "basis": basis,
        "sampler": sampler,
        "alpha": alpha,
        "device": device,
    }
    emit(
        fmt,
        "nct",
        ("stream", "delta_mu", "stderr", "z", "p_value", "detected", "expected_delta_mu"),
        rows,
        parameters=params,
        summary=summary,
        title="Pool-bias experiment (pqms_physics.nct.pool_bias_experiment)",
    )
