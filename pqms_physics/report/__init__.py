"""The main job, ``pqms report``: standard figures, a sweep and the audit, with provenance.

* :mod:`~pqms_physics.report.studies` defines each study (data in, figure out, the CSV behind it);
* :mod:`~pqms_physics.report.runner` runs them and writes ``index.md`` with parameters, seeds and versions.
"""

from pqms_physics.report.runner import ReportResult, run_report

__all__ = ["run_report", "ReportResult"]
