"""Exports of other products (GitHub, GitLab, Google Workspace, Okta, Slack, AWS,
DNSimple, MFA lists) made into a dataset:
one module per format behind one small interface (:class:`ExportFormat`).

A data-layer package: it may import the model and the data modules (values, schema,
plans, roles, errors, reading, input files, saving), never the engine, the audit, a
report or the command line.
"""

from mfa_sim.data.importers.base import ExportFormat, FileHead, Gap, LeftOut, Mapped
from mfa_sim.data.importers.import_report import FileImport, Imported, ImportReport
from mfa_sim.data.importers.run import import_export

__all__ = ["ExportFormat", "FileHead", "FileImport", "Gap", "ImportReport", "Imported",
           "LeftOut", "Mapped", "import_export"]
