"""The floor of the speed study: RedCoreClassifier's training written as one plain PyTorch loop.

:class:`PlainLoop` trains the network of a ``RedCoreClassifier`` without
skorch, DataLoader or input validation, so that the estimator's overhead can
be measured against it. It restates no setting of the estimator: every piece
is read from the public objects of a copy of the estimator fitted for one
epoch (``net_``, the skorch net, and ``inputs_``):

* the module: a new instance of the class of ``net_.module_`` with the net's
  ``module__*`` arguments (skorch's ``get_params_for("module")``);
* Algorithm 1: a new :class:`~sklearn_redcore._regulation.SupervisionRegulator`
  given every argument of its constructor from the attribute of that name of
  ``net_.regulator`` (:func:`fresh_regulator`);
* the objective of a mini-batch: the module's loss parts and
  :func:`~sklearn_redcore._redcore_training.eta_weighted_objective` with the
  net's ``imputation_weight`` and ``eta_scope``, the function that
  ``RedCoreNet.training_objective`` itself calls;
* the optimiser: the net's class and arguments (skorch's
  ``get_params_for_optimizer``), after clipping the gradient norm at the
  net's ``gradient_clip_value``;
* the mini-batches: ``batch_size`` rows of a permutation drawn each epoch
  from a generator seeded, as torch's own RNG, with
  ``seed_from(random_state)``;
* the inputs: X transformed by the fitted ``inputs_``, then the module's
  ``prepare_training_inputs``.

At a fixed number of epochs both give the same probabilities, operation for
operation. What the loop does not reproduce it refuses: a callback that
changes training (a stopping rule, ``weight_averaging``, a learning-rate
schedule; monitors, which only record, are fine), held-out validation data,
and training rows without any modality (which ``fit`` drops).
"""

from __future__ import annotations

import inspect
import time
from typing import Any

import numpy as np
import torch
from sklearn.base import clone
from torch.nn.utils import clip_grad_norm_

from .._inputs import NetworkInputs
from .._redcore_training import eta_weighted_objective, regulator_inputs
from .._regulation import SupervisionRegulator
from .._runtime import seed_from, torch_threads

__all__ = ["PlainLoop", "fresh_regulator"]


def fresh_regulator(regulator: SupervisionRegulator) -> SupervisionRegulator:
    """A new regulator, Algorithm 1 at its start, with every setting of ``regulator``."""
    names = inspect.signature(type(regulator)).parameters
    return type(regulator)(**{name: getattr(regulator, name) for name in names})


def _training_changes(net) -> list[str]:
    """What makes the net's training differ from :class:`PlainLoop`'s (empty when nothing does)."""
    defaults = {name for name, _ in net.get_default_callbacks()}
    changes = [
        f"the callback {name!r}"
        for name, callback in net.callbacks_
        if name not in defaults and not hasattr(callback, "history_keys")  # monitors declare what they record
    ]
    return changes + (["held-out validation data (early_stopping)"] if net.train_split is not None else [])


class PlainLoop:
    """A ``RedCoreClassifier``'s training as a plain PyTorch loop, on inputs prepared once.

    Parameters
    ----------
    estimator : RedCoreClassifier
        The estimator whose training the loop reproduces (not modified). It
        must train for a fixed number of epochs: ``early_stopping=False``,
        ``tol=None``, ``weight_averaging=None`` and a constant learning rate.
    X : ndarray of shape (n_samples, n_features)
        Training data, NaN for missing values; every row has a modality.
    y : array-like of shape (n_samples,)
        Class labels.

    Attributes
    ----------
    net : RedCoreNet
        The net of ``estimator`` fitted for one epoch, whose settings the loop reads.
    data : NetworkInputs
        X as the network reads it (transformed by the fitted ``inputs_``).
    targets : ndarray of int
        The class indices of y.
    epochs, seed, n_threads : int
        The estimator's ``max_epochs``, ``seed_from(random_state)`` and
        ``n_threads`` (the same probabilities as the estimator need a fixed
        ``random_state``: None draws a seed here and another in each fit).
    """

    def __init__(self, estimator: Any, X: np.ndarray, y: Any) -> None:
        template = clone(estimator).set_params(max_epochs=1).fit(X, y)
        changes = _training_changes(template.net_)
        if changes:
            raise ValueError(f"The plain loop does not reproduce {', '.join(changes)}.")
        self.net = template.net_
        self.data = template.inputs_.transform(X)
        if not self.data.present.any(axis=1).all():
            raise ValueError("Every row of X must have a modality (fit drops the others; the plain loop does not).")
        self.targets = np.searchsorted(template.classes_, y)
        self.epochs = int(estimator.max_epochs)
        self.seed = seed_from(estimator.random_state)
        self.n_threads = estimator.n_threads
        self._with_steps = getattr(self.net.module_, "reads_observed_steps", False)

    def train(self, *, compiled: bool = False) -> tuple[torch.nn.Module, list[float]]:
        """Train a new module as the estimator's ``fit`` does.

        Parameters
        ----------
        compiled : bool, default=False
            Run the forward pass through ``torch.compile(module)``.

        Returns
        -------
        module : torch.nn.Module
            The trained module, in evaluation mode.
        epoch_seconds : list of float
            The time of each epoch (the first includes building the module,
            the regulator and the optimiser).
        """
        net, device, times = self.net, self.net.device, []
        with torch.random.fork_rng(devices=[]), torch_threads(self.n_threads):
            torch.manual_seed(self.seed)
            start = time.perf_counter()
            module = net.module(**net.get_params_for("module")).to(device)
            regulator = fresh_regulator(net.regulator)
            groups, settings = net.get_params_for_optimizer("optimizer", module.named_parameters())
            optimizer = net.optimizer(*groups, **settings)
            parameters = [p for group in optimizer.param_groups for p in group["params"]]
            tensors = self.data.to_tensors(device, with_steps=self._with_steps)
            prepare = getattr(module, "prepare_training_inputs", None)
            tensors = prepare(tensors) if prepare is not None else tensors
            y = torch.as_tensor(self.targets, device=device)
            generator = torch.Generator().manual_seed(self.seed)  # the shuffles' own RNG
            forward = torch.compile(module) if compiled else module
            module.train()
            for _ in range(self.epochs):
                order = torch.randperm(len(y), generator=generator).to(device)
                for first in range(0, len(y), net.batch_size):
                    rows = order[first : first + net.batch_size]
                    optimizer.zero_grad()
                    parts = module.loss(
                        forward(**{k: v.index_select(0, rows) for k, v in tensors.items()}), y.index_select(0, rows)
                    )
                    eta = regulator.step(**regulator_inputs(parts, regulator))
                    eta_weighted_objective(
                        parts,
                        eta,
                        imputation_weight=net.imputation_weight,
                        eta_scope=net.eta_scope,
                        regulate=regulator.regulate,
                    ).backward()
                    if net.gradient_clip_value is not None:
                        clip_grad_norm_(parameters, max_norm=net.gradient_clip_value)
                    optimizer.step()
                now = time.perf_counter()
                times.append(now - start)
                start = now
        return module.eval(), times

    def predict_proba(self, module: torch.nn.Module, data: NetworkInputs | None = None) -> np.ndarray:
        """Class probabilities of a trained module: the softmax of its joint head on prepared inputs.

        Parameters
        ----------
        module : torch.nn.Module
            A module returned by :meth:`train`.
        data : NetworkInputs or None, default=None
            Prepared inputs (``None``: the training rows, :attr:`data`).

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        data = self.data if data is None else data
        with torch.inference_mode(), torch_threads(self.n_threads):
            logits = module(**data.to_tensors(self.net.device, with_steps=self._with_steps)).logits
            return torch.softmax(logits.double(), dim=1).cpu().numpy()
