"""Errors that reach the reporter as one plain sentence."""


class WorkbenchError(Exception):
    """A problem the user can act on; ``str(err)`` is one sentence, shown as is."""


class ImportRefused(WorkbenchError):
    """A whole file cannot be imported; the case is left exactly as it was."""


class NotShipments(ImportRefused):
    """A readable spreadsheet that is not a customs extract: it can be kept as a source instead.

    ``missing`` names the story's key columns that were not found (canonical names).
    """

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


class CaseFileError(WorkbenchError):
    """A case file is missing, damaged, too new, or not a case file at all."""
