"""Safe model files: :func:`save_model` and :func:`load_model`.

A pickle can run any code when it is loaded, so a pickled model from someone
else is a program from someone else. A model file of this package holds no
pickle: a JSON document (the estimator's class, which must be one of the
package's, its parameters, fitted attributes, training history and state)
and raw arrays of numbers (the statistics, the weights of the network and
of its optimiser), in an uncompressed zip with a SHA-256 digest. Reading it
trusts nothing it did not write:

* ``_container``: the zip's entries, sizes and digest, the JSON's bounds;
* ``_values``: the tagged values and the arrays they refer to;
* ``_fitted``: the parameters and fitted attributes against the estimator;
* ``_training_state``: the history, the weights and the optimiser's state;
* ``_budget``: the memory that building the network may take;
* ``_model_file``: :func:`save_model` and :func:`load_model`, in that order.
"""

from ._model_file import load_model, save_model

__all__ = ["load_model", "save_model"]
