"""Order of the examples in the gallery (used by docs/conf.py)."""

from __future__ import annotations

from pathlib import Path

# Examples listed here come first, in this order; the others follow by file name.
ORDER = [
    "plot_quickstart.py",
    "plot_imbalanced_missing_rates.py",
    "plot_modality_combinations.py",
    "plot_modality_importance.py",
    "plot_regulation_history.py",
    "plot_dataframe_pipeline.py",
    "plot_grid_search.py",
    "plot_sequences_vs_minirocket.py",
]


class ExampleOrder:
    """Sort key for sphinx-gallery's ``within_subsection_order``."""

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        name = Path(filename).name
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)
