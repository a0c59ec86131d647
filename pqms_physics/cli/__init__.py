"""The ``pqms`` command line (console script ``pqms = pqms_physics.cli:main``).

Commands: ``fidelity``, ``chsh``, ``nct`` (physics queries, :mod:`pqms_physics.cli.physics`),
``audit``, ``sweep``, ``report``, ``fpga-vectors`` (jobs, :mod:`pqms_physics.cli.jobs`).
Every command prints a readable table by default, ``--json`` / ``--csv`` for
scripts, takes ``--seed`` where randomness enters, and ends with exit code 2 and
a one-line message naming the parameter on bad arguments.

Examples
--------
.. code-block:: console

    $ pqms fidelity --link-fidelity 0.999 --hops 1,10,100
    $ pqms report --out results/
    $ python -m pqms_physics.cli --help
"""

from __future__ import annotations

import click

from pqms_physics.cli._common import PqmsGroup
from pqms_physics.cli.jobs import audit_cmd, fpga_vectors_cmd, report_cmd, sweep_cmd
from pqms_physics.cli.network import network_cmd
from pqms_physics.cli.physics import chsh_cmd, fidelity_cmd, nct_cmd
from pqms_physics.cli.protocol import protocol_cmd
from pqms_physics.cli.purify import purify_cmd


@click.group(cls=PqmsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="pqms_physics", prog_name="pqms")
def cli():
    """pqms_physics: repeater chains, CHSH estimation and no-signalling audits.

    \b
    Examples:
      pqms fidelity --link-fidelity 0.999 --hops 1,10,100,1000
      pqms chsh --link-fidelity 0.99 --hops 1,8 --pairs 1e6 --seed 7
      pqms nct --pairs-per-pool 1e8 --seed 3
      pqms report --out results/
    """


for _cmd in (
    fidelity_cmd,
    chsh_cmd,
    nct_cmd,
    audit_cmd,
    sweep_cmd,
    report_cmd,
    fpga_vectors_cmd,
    purify_cmd,
    network_cmd,
    protocol_cmd,
):
    cli.add_command(_cmd)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``pqms`` console script (and ``python -m pqms_physics.cli``)."""
    cli.main(args=argv, prog_name="pqms")
