"""Errors that reach the reporter as one plain sentence."""


class WorkbenchError(Exception):
    """A problem the user can act on; ``str(err)`` is one sentence, shown as is."""


class ImportRefused(WorkbenchError):
    """A whole file cannot be imported; the case is left exactly as it was."""


class CaseFileError(WorkbenchError):
    """A case file is missing, damaged, too new, or not a case file at all."""
