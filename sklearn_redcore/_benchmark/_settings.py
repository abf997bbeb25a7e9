"""Missing-rate settings: one training missing rate per modality, under the name the tables show.

A setting in which every modality misses at the same rate is named "shared
r"; one whose rates differ, "imbalanced (r1, r2, ...)". :data:`SETTINGS`
holds every named setting of the benchmarks on three modalities (the mfeat
protocol), :data:`DEFAULT_SETTINGS` the five of the README's table and of
``redcore benchmark``; :func:`settings_for` makes the suites' settings for
any number of modalities.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "DEFAULT_IMBALANCED_RATES",
    "DEFAULT_SETTINGS",
    "DEFAULT_SHARED_RATES",
    "SETTINGS",
    "imbalanced_name",
    "named_settings",
    "parse_rates",
    "rates_for",
    "setting_name",
    "settings_for",
    "settings_from_options",
    "shared_name",
]

#: The shared rates and the imbalanced rates (three modalities) of the README's table and of ``redcore benchmark``.
DEFAULT_SHARED_RATES = (0.0, 0.5, 0.8)
DEFAULT_IMBALANCED_RATES = ((0.8, 0.5, 0.2), (0.2, 0.5, 0.8))


def shared_name(rate: float) -> str:
    """``"shared 0.5"``: the name of a setting where every modality misses at ``rate``."""
    return f"shared {float(rate)}"


def imbalanced_name(rates: Sequence[float]) -> str:
    """``"imbalanced (0.8, 0.5, 0.2)"``: the name of a setting of one rate per modality."""
    return f"imbalanced ({', '.join(str(float(rate)) for rate in rates)})"


def setting_name(rates: Sequence[float]) -> str:
    """The name of a setting: shared when every rate is the same, imbalanced otherwise.

    >>> setting_name((0.5, 0.5, 0.5)), setting_name((0.8, 0.2))
    ('shared 0.5', 'imbalanced (0.8, 0.2)')
    """
    return shared_name(rates[0]) if len(set(rates)) == 1 else imbalanced_name(rates)


def named_settings(*rates: Sequence[float]) -> dict[str, tuple[float, ...]]:
    """Settings by name, from their rates (one sequence of rates per modality each)."""
    return {setting_name(r): tuple(float(x) for x in r) for r in rates}


#: Every named setting of the benchmarks on three modalities, in the order the scripts offer them.
SETTINGS = named_settings(
    *[(rate,) * 3 for rate in (0.0, 0.3, 0.5, 0.7, 0.8, 0.9)],
    (0.8, 0.5, 0.5),
    (0.8, 0.5, 0.2),
    (0.5, 0.5, 0.8),
    (0.2, 0.5, 0.8),
    (0.5, 0.8, 0.2),
)
#: The README's five settings (three modalities), those of ``redcore benchmark`` by default.
DEFAULT_SETTINGS = named_settings(*[(rate,) * 3 for rate in DEFAULT_SHARED_RATES], *DEFAULT_IMBALANCED_RATES)


def settings_for(n_modalities: int, names: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """Settings for ``n_modalities`` by name: "shared R" and "imbalanced" (from 0.8 down to 0.2).

    >>> settings_for(2, ["shared 0.5", "imbalanced"])
    {'shared 0.5': (0.5, 0.5), 'imbalanced (0.8, 0.2)': (0.8, 0.2)}
    """
    settings = {}
    for name in names:
        if name == "imbalanced":
            rates = tuple(np.round(np.linspace(0.8, 0.2, n_modalities), 2).tolist())
            settings[imbalanced_name(rates)] = rates
        else:
            rate = float(name.removeprefix("shared "))
            settings[shared_name(rate)] = (rate,) * n_modalities
    return settings


def rates_for(setting: str, rates: Sequence[float], n_modalities: int) -> list[float]:
    """A setting's rates for ``n_modalities``: a shared rate applies to any number of modalities.

    >>> rates_for("shared 0.5", (0.5, 0.5, 0.5), 2)
    [0.5, 0.5]
    """
    if len(rates) == n_modalities:
        return list(rates)
    if len(set(rates)) > 1:
        raise ValueError(f"setting {setting!r} gives rates for {len(rates)} modalities, not {n_modalities}")
    return [rates[0]] * n_modalities


def parse_rates(text: str, n_modalities: int | None = None) -> list[float]:
    """Missing rates from ``"0.8,0.5,0.2"``, each in [0, 1) (and ``n_modalities`` of them when given)."""
    try:
        rates = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"missing rates must be numbers separated by commas, got {text!r}") from None
    bad = [r for r in rates if not 0 <= r < 1]
    if bad:
        raise ValueError(f"missing rate {bad[0]} is outside [0, 1)")
    if n_modalities is not None and len(rates) != n_modalities:
        raise ValueError(f"{text!r} gives {len(rates)} missing rates for {n_modalities} modalities")
    return rates


def settings_from_options(shared: Sequence[str], imbalanced: Sequence[str], n_modalities: int) -> dict[str, list]:
    """The settings of ``redcore benchmark --shared R ... --imbalanced R1,R2,... ...``."""
    settings: dict[str, list[float]] = {}
    for text in shared:
        rates = parse_rates(text)
        if len(rates) != 1:
            raise ValueError(f"--shared takes one rate per setting, got {text!r}")
        settings[shared_name(rates[0])] = rates * n_modalities
    for text in imbalanced:
        rates = parse_rates(text, n_modalities)
        settings[imbalanced_name(rates)] = rates
    if not settings:
        raise ValueError("no missing-rate setting: give --shared and/or --imbalanced")
    return settings
