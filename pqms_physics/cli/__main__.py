"""``python -m pqms_physics.cli``: the same as the ``pqms`` console script."""

from pqms_physics.cli import main

if __name__ == "__main__":
    main()
