"""The missing-modality study: the ``redcore benchmark`` command and the harness of ``benchmarks/``.

* ``_models``: the models a study compares, by name (``_pipelines``: the
  baselines' first steps; ``_pytabkit``, ``_anchors``, ``_specialists``:
  RealMLP and TabM, MiniRocket, the per-combination specialists);
* ``_settings``: the named missing-rate settings;
* ``_run``: one run of a study (a split, its mask, every model fitted and
  scored); ``_study``: every setting and seed, in parallel, on one data set
  or a suite of them;
* ``_report``: the outputs (tables, figures, the scripts' files);
* ``_arguments``: the options the benchmark scripts share;
* ``_cli`` (with ``_user_data``, a user's table and its modalities): the
  command line around the study;
* ``_speed``: the measurements of the speed study (``benchmarks/bench_speed.py``),
  whose floor ``_plain_loop`` is the estimator's training as a plain
  PyTorch loop; ``_paired``, ``_gradient_shares``, ``_data``: what the
  regulation and scale-out studies add; ``_suites``: the suites' data sets.
"""

from .._lazy import lazy_getattr

#: Where each name lives; a name loads its module on first use, so that the
#: command line builds its parser (and answers ``--help``) without torch.
_MODULES = {
    "MODEL_NAMES": "._models",
    "Model": "._run",
    "main": "._cli",
    "make_model": "._models",
    "parse_params": "._arguments",
    "run_data_study": "._study",
    "run_study": "._study",
    "run_suite": "._study",
    "summarize_study": "._study",
}


__getattr__ = lazy_getattr(__name__, _MODULES)


__all__ = [
    "MODEL_NAMES",
    "Model",
    "main",
    "make_model",
    "parse_params",
    "run_data_study",
    "run_study",
    "run_suite",
    "summarize_study",
]
