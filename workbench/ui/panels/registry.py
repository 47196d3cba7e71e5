"""The window's panels, declared in one list: the main window loops over it.

Each entry is a :class:`Panel` subclass; its NAME gives the dock a stable object name
(``dock.<name>``) so the saved layout finds it again.
"""

from __future__ import annotations

from workbench.ui.panels.annotations import AnnotationsPanel
from workbench.ui.panels.base import Panel
from workbench.ui.panels.conflicts import ConflictsPanel
from workbench.ui.panels.details import DetailsPanel
from workbench.ui.panels.figures import FiguresPanel
from workbench.ui.panels.history import HistoryPanel
from workbench.ui.panels.notes import NotesPanel
from workbench.ui.panels.profile import ProfilePanel
from workbench.ui.panels.replies import RepliesPanel
from workbench.ui.panels.search import SearchPanel
from workbench.ui.panels.suppliers import SuppliersPanel
from workbench.ui.panels.timeline import TimelinePanel

#: Dock panels in the order they are laid out by default: each panel's AREA names its side,
#: TABIFY_WITH the first panel of its tab group. Below the table, the timeline and the record
#: (replies, history, annotations, figures, conflicts, search); on the right, the supplier
#: profile with the suppliers list, the notes and a shipment's details.
DOCK_PANELS: tuple[type[Panel], ...] = (
    TimelinePanel, RepliesPanel, HistoryPanel, AnnotationsPanel, FiguresPanel, ConflictsPanel,
    SearchPanel, ProfilePanel, SuppliersPanel, NotesPanel, DetailsPanel,
)


def dock_name(panel: type[Panel]) -> str:
    return f"dock.{panel.NAME}"
