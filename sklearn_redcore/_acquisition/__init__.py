"""Which modality to acquire next, per sample: the expected benefit of each missing modality to its prediction.

* ``_gain``: the public functions :func:`acquisition_gain` and
  :func:`acquisition_order` (validation, dispatch, the form of the result);
* ``_redcore``: the gains of a RedCore estimator, from its network (the
  plausible values of a missing representation, those of the reference rows
  nearest to the sample on its present modalities, and the joint head's
  predictions with each);
* ``_substitution``: the gains of any other estimator, by substituting values
  of the modality from reference rows;
* ``_criteria``: the benefit computed from the predictions over the plausible
  values (the expected entropy reduction, the explained variance).
"""

from ._gain import acquisition_gain, acquisition_order

__all__ = ["acquisition_gain", "acquisition_order"]
