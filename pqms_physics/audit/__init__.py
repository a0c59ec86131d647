"""The seed-claims audit: each numerical claim of the design documents, evaluated with the toolkit.

* :mod:`~pqms_physics.audit.claims` holds one computation per claim (what the toolkit computes, never tuned
  toward the claimed value) and the verdict rule;
* :mod:`~pqms_physics.audit.runner` loads the claims (``data/seed_claims.toml``), runs them and renders
  :class:`AuditReport` as Markdown and JSON.
"""

from pqms_physics.audit.runner import DEFAULT_CLAIMS, AuditEntry, AuditReport, load_claims, run_audit

__all__ = ["run_audit", "load_claims", "AuditReport", "AuditEntry", "DEFAULT_CLAIMS"]
