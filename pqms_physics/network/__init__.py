"""Entanglement distribution: sources, swapping, repeater chains and rate bounds.

* :mod:`~pqms_physics.network.sources`: SPDC pair sources;
* :mod:`~pqms_physics.network.swapping`: the noisy Bell measurement (Dür–Briegel–Cirac–Zoller model);
* :mod:`~pqms_physics.network.chains`: exact states and fidelities of repeater chains;
* :mod:`~pqms_physics.network.bounds`: fibre loss, PLOB/TGW bounds, attempts and rates.
"""
