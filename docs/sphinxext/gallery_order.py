"""Order of the gallery's sections and of the examples within them (used by docs/conf.py)."""

from __future__ import annotations

from pathlib import Path

#: The gallery's sections (sub-folders of examples/), in this order.
SECTIONS = ["getting_started", "missing_modalities", "regulation", "other_data"]

# Examples listed here come first in their section, in this order; the others follow by file name.
ORDER = [
    "plot_quickstart.py",
    "plot_dataframe_pipeline.py",
    "plot_grid_search.py",
    "plot_imbalanced_missing_rates.py",
    "plot_modality_combinations.py",
    "plot_modality_importance.py",
    "plot_acquisition.py",
    "plot_regulation_history.py",
    "plot_regression.py",
    "plot_sequences_vs_minirocket.py",
]


def section_order(folder: str) -> tuple[int, str]:
    """Sort key for sphinx-gallery's ``subsection_order``: the folders of ``SECTIONS`` in that order."""
    name = Path(folder).name
    return (SECTIONS.index(name) if name in SECTIONS else len(SECTIONS), name)


class ExampleOrder:
    """Sort key for sphinx-gallery's ``within_subsection_order``."""

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        name = Path(filename).name
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)
