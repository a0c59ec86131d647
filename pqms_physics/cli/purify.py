"""``pqms purify``: entanglement purification from the command line (rounds, fixed points, nested, target).

A thin edge over :mod:`pqms_physics.network.purification`: every subcommand parses options, calls the library
and prints a table (default), ``--json`` or ``--csv``; bad arguments exit 2 with one line naming the parameter.
"""

from __future__ import annotations

import click

from pqms_physics.cli._common import INT_LIST, PROBABILITY, emit, library_errors, output_options


class FloatListType(click.ParamType):
    """A comma-separated list of floats, e.g. ``0.8,0.9,0.99``."""

    name = "F[,F...]"

    def convert(self, value, param, ctx):
        if isinstance(value, (list, tuple)):
            return [float(v) for v in value]
        try:
            return [float(part) for part in str(value).split(",")]
        except ValueError:
            self.fail(f"must be a comma-separated list of numbers, got {value!r}", param, ctx)


FLOAT_LIST = FloatListType()


def _noise_options(func):
    func = click.option(
        "--measurement-fidelity",
        type=PROBABILITY,
        default=1.0,
        show_default=True,
        help="eta: each measured bit is right with probability eta.",
    )(func)
    func = click.option(
        "--gate-fidelity",
        type=PROBABILITY,
        default=1.0,
        show_default=True,
        help="p2: each CNOT is followed by two-qubit depolarising noise of parameter p2.",
    )(func)
    func = click.option(
        "--protocol",
        type=click.Choice(["dejmps", "bbpssw"]),
        default="dejmps",
        show_default=True,
        help="Purification protocol.",
    )(func)
    return func


@click.group("purify")
def purify_cmd():
    """Entanglement purification (DEJMPS, BBPSSW): rounds, fixed points, nested repeaters, target mode.

    \b
    Example:
      pqms purify rounds --fidelity 0.7,0.8,0.9 --rounds 4 --gate-fidelity 0.99
      pqms purify fixed-point --gate-fidelity 0.99 --measurement-fidelity 0.99
      pqms purify nested --link-fidelity 0.95 --hops 1,2,4,8,16 --rounds 1
      pqms purify target --target 0.999 --hops 10
    """


@purify_cmd.command("rounds")
@click.option(
    "--fidelity",
    type=FLOAT_LIST,
    default="0.7,0.8,0.9",
    show_default=True,
    help="Werner input fidelities, comma-separated, each in [0, 1].",
)
@click.option("--rounds", type=click.IntRange(0, 100), default=3, show_default=True, help="Number of rounds.")
@click.option(
    "--scheme",
    type=click.Choice(["recurrence", "pumping"]),
    default="recurrence",
    show_default=True,
    help="recurrence: two identical copies per round; pumping: a fresh raw pair per round.",
)
@_noise_options
@output_options
def rounds_cmd(fidelity, rounds, scheme, protocol, gate_fidelity, measurement_fidelity, fmt):
    """Fidelity, success probability and raw pairs after each round, per Werner input fidelity.

    \b
    Example:
      pqms purify rounds --fidelity 0.7,0.9 --rounds 4 --scheme pumping
    """
    import numpy as np

    from pqms_physics.network.purification import entanglement_pumping, recurrence
    from pqms_physics.validation import in_range_array

    with library_errors():
        f = in_range_array("fidelity", fidelity, 0.0, 1.0)
        weights = np.stack([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3], axis=-1)
        run = recurrence if scheme == "recurrence" else entanglement_pumping
        s = run(
            weights, rounds, protocol=protocol, gate_fidelity=gate_fidelity, measurement_fidelity=measurement_fidelity
        )
    rows = []
    for i, f0 in enumerate(f):
        for k in range(rounds + 1):
            p = float(s.success_probabilities[k - 1, i]) if k else None
            rows.append((float(f0), k, float(s.fidelities[k, i]), p, float(s.raw_pairs[k, i])))
    params = {
        "protocol": protocol,
        "scheme": scheme,
        "gate_fidelity": gate_fidelity,
        "measurement_fidelity": measurement_fidelity,
        "rounds": rounds,
    }
    emit(
        fmt,
        "purify rounds",
        ("input_fidelity", "round", "fidelity", "success_probability", "raw_pairs"),
        rows,
        parameters=params,
        title="Purification rounds (pqms_physics.network.purification)",
    )


@purify_cmd.command("fixed-point")
@_noise_options
@output_options
def fixed_point_cmd(protocol, gate_fidelity, measurement_fidelity, fmt):
    """Smallest purifiable Werner fidelity F_min and largest reachable fidelity F_max.

    \b
    Example:
      pqms purify fixed-point --protocol bbpssw --gate-fidelity 0.98
    """
    from pqms_physics.network.purification import purification_fixed_point

    with library_errors():
        fp = purification_fixed_point(protocol, gate_fidelity=gate_fidelity, measurement_fidelity=measurement_fidelity)
    rows = [(protocol, gate_fidelity, measurement_fidelity, fp.f_min, fp.f_max, fp.purifiable)]
    emit(
        fmt,
        "purify fixed-point",
        ("protocol", "gate_fidelity", "measurement_fidelity", "f_min", "f_max", "purifiable"),
        [tuple(None if isinstance(v, float) and v != v else v for v in r) for r in rows],
        parameters={"protocol": protocol},
        title="Fixed points of the recurrence (identical copies)",
    )


@purify_cmd.command("nested")
@click.option("--link-fidelity", type=PROBABILITY, default=0.95, show_default=True, help="Werner link fidelity.")
@click.option(
    "--hops",
    type=INT_LIST,
    default="1,2,4,8,16,32",
    show_default=True,
    help="Numbers of elementary links, comma-separated.",
)
@click.option(
    "--rounds",
    type=click.IntRange(0, 20),
    default=1,
    show_default=True,
    help="Purification rounds at every nesting level.",
)
@click.option("--scheme", type=click.Choice(["recurrence", "pumping"]), default="recurrence", show_default=True)
@click.option("--link-length-km", type=click.FloatRange(0.0), default=None, help="Length of one hop (km).")
@_noise_options
@output_options
def nested_cmd(link_fidelity, hops, rounds, scheme, link_length_km, protocol, gate_fidelity, measurement_fidelity, fmt):
    """End-to-end fidelity and raw pairs per delivered pair of a nested (BDCZ) repeater with purification.

    \b
    Example:
      pqms purify nested --link-fidelity 0.95 --hops 1,2,4,8,16 --rounds 1 --link-length-km 50
    """
    from pqms_physics.network.purification import nested_repeater

    rows = []
    with library_errors():
        for n in hops:
            r = nested_repeater(
                link_fidelity,
                n,
                rounds,
                scheme=scheme,
                protocol=protocol,
                gate_fidelity=gate_fidelity,
                measurement_fidelity=measurement_fidelity,
                link_length_km=link_length_km,
            )
            rows.append((n, None if link_length_km is None else r.distance_km, r.fidelity, r.raw_pairs))
    params = {
        "link_fidelity": link_fidelity,
        "rounds": rounds,
        "scheme": scheme,
        "protocol": protocol,
        "gate_fidelity": gate_fidelity,
        "measurement_fidelity": measurement_fidelity,
    }
    emit(
        fmt,
        "purify nested",
        ("hops", "distance_km", "fidelity", "raw_pairs"),
        rows,
        parameters=params,
        title="Nested repeater with purification (pqms_physics.network.purification.nested_repeater)",
    )


@purify_cmd.command("target")
@click.option("--target", type=PROBABILITY, required=True, help="End-to-end fidelity to reach.")
@click.option("--hops", type=click.IntRange(1), required=True, help="Number of elementary links.")
@click.option(
    "--link-fidelities",
    type=FLOAT_LIST,
    default=None,
    help="Candidate Werner link fidelities, comma-separated (default: 0.8 ... 0.9999).",
)
@click.option(
    "--max-rounds",
    type=click.IntRange(0, 6),
    default=3,
    show_default=True,
    help="Largest number of rounds per level searched.",
)
@click.option("--scheme", type=click.Choice(["recurrence", "pumping"]), default="recurrence", show_default=True)
@_noise_options
@output_options
def target_cmd(target, hops, link_fidelities, max_rounds, scheme, protocol, gate_fidelity, measurement_fidelity, fmt):
    """Cheapest link fidelity and rounds per level reaching a target fidelity, or why it is unreachable.

    \b
    Example:
      pqms purify target --target 0.999 --hops 10 --gate-fidelity 0.999 --measurement-fidelity 0.999
    """
    from pqms_physics.network.purification import purification_target
    from pqms_physics.network.purification.target import DEFAULT_LINK_FIDELITIES

    with library_errors():
        r = purification_target(
            target,
            hops,
            link_fidelities=link_fidelities or DEFAULT_LINK_FIDELITIES,
            max_rounds=max_rounds,
            protocol=protocol,
            scheme=scheme,
            gate_fidelity=gate_fidelity,
            measurement_fidelity=measurement_fidelity,
        )
    rows = [(o["link_fidelity"], "-".join(map(str, o["rounds"])), o["fidelity"], o["raw_pairs"]) for o in r.options]
    summary = {
        "reachable": r.reachable,
        "f_min": r.f_min,
        "f_max": r.f_max,
        "link_fidelity_without_purification": r.link_fidelity_without_purification,
        "reason": r.reason,
    }
    params = {
        "target": target,
        "hops": hops,
        "protocol": protocol,
        "scheme": scheme,
        "gate_fidelity": gate_fidelity,
        "measurement_fidelity": measurement_fidelity,
    }
    emit(
        fmt,
        "purify target",
        ("link_fidelity", "rounds_per_level", "fidelity", "raw_pairs"),
        rows,
        parameters=params,
        summary=summary,
        title="Cheapest schedule per feasible link fidelity",
    )


__all__ = ["purify_cmd"]
