"""The API's bodies and answers as pydantic models: FastAPI checks requests against them
(a body that does not match gets 422) and documents them in ``/openapi.json``.

A request's body is read strictly: a number must be a finite JSON number (no NaN,
Infinity or 1e309), an integer a JSON integer (not ``2.0``, not ``true``), text a JSON
string (not a number), a flag ``true`` or ``false``; no key may be unknown.
Numbers the engine computed may be ``null`` where they overflowed (JSON has no NaN).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, ValidationError
from pydantic_core import CoreSchema, core_schema

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from .limits import LIMITS, Limits
from .setup import DATASETS

__all__ = ["BodyIn", "ConfigIn", "Config", "NewSession", "ParamIn", "SampleIn", "TrainIn", "AnswerIn",
           "Empty", "State", "Rows", "Step", "Derivation", "Quiz", "QuizResult", "Options",
           "Error", "Limits", "OneOf", "CONFIG_KEYS", "recorded_settings"]


class OneOf:
    """``Annotated[str, OneOf(names)]``: a name that must be one of ``names`` (a registry's
    keys), checked and documented as an enum, as ``Literal`` is, from the registry itself.

    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(Annotated[str, OneOf(["sgd", "adam"])]).json_schema()
    {'enum': ['sgd', 'adam'], 'type': 'string'}
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(names)

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.literal_schema(self.names)


DatasetName = Annotated[str, OneOf(DATASETS)]
Activation = Annotated[str, OneOf(ACTIVATIONS)]
LossName = Annotated[str, OneOf(LOSSES)]
OptimizerName = Annotated[str, OneOf(OPTIMIZERS)]
Number = float | None
Hidden = Annotated[int, Field(ge=1, le=LIMITS.max_neurons)]


class BodyIn(BaseModel):
    """A request body, read strictly: no unknown key, no NaN or infinity, no bool for a
    number and no text for either (every ``...In`` model of the API is one)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class ConfigIn(BodyIn):
    """A configuration; every field optional (missing: unchanged, or the default)."""

    dataset: DatasetName | None = None
    n_samples: int | None = Field(None, ge=LIMITS.min_samples, le=LIMITS.max_samples,
                                  description="toy sets' rows")
    noise: float | None = Field(None, ge=0, le=LIMITS.max_noise, description="toy sets' noise")
    n_classes: int | None = Field(None, ge=LIMITS.min_classes, le=LIMITS.max_classes,
                                  description="blobs' and spiral's classes (circle and xor "
                                  "have 2)")
    seed: int | None = Field(None, ge=0, le=LIMITS.max_seed)
    hidden: list[Hidden] | None = Field(None, max_length=LIMITS.max_hidden_layers,
                                        description="neurons per hidden layer")
    activations: list[Activation] | None = Field(
        None, min_length=1, max_length=LIMITS.max_hidden_layers + 1,
        description="one per layer, the output's last")
    loss: LossName | None = None
    optimizer: OptimizerName | None = None
    learning_rate: float | None = Field(None, gt=0, le=LIMITS.max_learning_rate)
    batch_size: int | None = Field(None, ge=1, le=LIMITS.max_rows)
    shuffle: bool | None = None
    test_share: float | None = Field(None, ge=0, le=LIMITS.max_test_share,
                                     description="the share of the rows held out as a test "
                                     "set (0: none)")
    alpha: float | None = Field(None, ge=0, le=LIMITS.max_alpha,
                                description="the L2 penalty (0: none)")


class Config(BaseModel):
    dataset: DatasetName
    n_samples: int
    noise: float
    n_classes: int
    seed: int
    hidden: list[int]
    activations: list[Activation]
    loss: LossName
    optimizer: OptimizerName
    learning_rate: float
    batch_size: int
    shuffle: bool
    test_share: float
    alpha: float


CONFIG_KEYS = list(Config.model_fields)
"""The keys of a configuration, in order (the page's address holds them)."""
_SETTINGS = ("optimizer", "learning_rate", "batch_size", "shuffle", "seed")


def recorded_settings(info: dict) -> dict:
    """The training settings a model file records (``nnmath train`` writes them under
    ``training``) that a configuration takes: each one checked as a request's would be,
    strictly (no bool for a number, no text for either); the others are left out.

    >>> recorded_settings({"training": {"optimizer": "adam", "learning_rate": 0,
    ...                                 "batch_size": True, "seed": 3}})
    {'optimizer': 'adam', 'seed': 3}
    """
    recorded = info.get("training")
    if not isinstance(recorded, dict):
        return {}
    out: dict[str, Any] = {}
    for key in _SETTINGS:
        try:
            if key in recorded:
                out |= ConfigIn.model_validate({key: recorded[key]}, strict=True).model_dump(
                    include={key}, exclude_none=True)
        except ValidationError:
            continue
    return out


class NewSession(BodyIn):
    config: ConfigIn | None = None


class ParamIn(BodyIn):
    name: str = Field(pattern=r"^[Wb][1-9][0-9]?$", examples=["W1"])
    index: list[Annotated[int, Field(ge=0)]] = Field(min_length=1, max_length=2,
                                                     examples=[[0, 0]])
    value: float = Field(ge=-LIMITS.max_weight, le=LIMITS.max_weight, examples=[0.5])


class SampleIn(BodyIn):
    index: int = Field(ge=0, examples=[8])


class TrainIn(BodyIn):
    epochs: int = Field(1, ge=1, description="at most max_epochs_per_request, "
                        "rows × parameters × epochs at most max_work and steps × layers at "
                        "most max_steps (else 413): the State's max_epochs_now")


class AnswerIn(BodyIn):
    answer: float


class Empty(BodyIn):
    pass


class Error(BaseModel):
    detail: str


class Layer(BaseModel):
    activation: Activation
    W: list[list[Number]]
    b: list[Number]


class NetworkOut(BaseModel):
    layers: list[Layer]
    sizes: list[int]
    n_params: int


class DataOut(BaseModel):
    name: str
    feature_names: list[str]
    class_names: list[str] | None
    task: Literal["binary", "multiclass", "regression"]
    n_samples: int
    n_shown: int = Field(description="the rows GET .../data sends (the first ones)")
    version: int = Field(description="changes when the session's data change: then "
                         "GET .../data again (the rows are not in a State)")


class Rows(BaseModel):
    """The data's first rows (at most n_shown), sent once per data: never with a State."""

    version: int = Field(description="the State's data.version these rows are of")
    X: list[list[float]]
    y: list[int] | list[float] | list[list[float]]


class HistoryPoint(BaseModel):
    epoch: int
    loss: Number


class View(BaseModel):
    kind: Literal["curve", "map", "none"]
    x: list[float] | None = None
    y: list[float] | None = None
    p: list[list[Number]] | None = None
    outputs: list[str] | None = None
    classes: list[str] | None = None
    value: str | None = None


class State(BaseModel):
    session: str
    config: Config
    network: NetworkOut
    data: DataOut
    sample: int
    epoch: int
    loss: Number
    history: list[HistoryPoint]
    view: View
    limits: Limits
    max_epochs_now: int = Field(description="the most epochs a /train request may ask for now")
    activations: list[list[Number]] = Field(description="a of every layer (output last) for "
                                            "the selected sample at the current weights")
    test_rows: list[int] = Field([], description="the rows held out (from 0): never trained "
                                 "on")
    test_loss: Number = Field(None, description="the mean loss over the held-out rows")
    test_history: list[HistoryPoint] = Field([], description="the held-out rows' loss per "
                                             "epoch")
    stepped: bool = Field(False, description="whether an Update was applied since the "
                          "network last changed otherwise (its step's derivation: "
                          "at=step)")


class StepLayer(BaseModel):
    index: int
    activation: Activation
    W: list[list[Number]]
    b: list[Number]
    z: list[Number]
    a: list[Number]
    delta: list[Number]
    dL_dW: list[list[Number]]
    dL_db: list[Number]
    W_after: list[list[Number]]
    b_after: list[Number]


class FactorOut(BaseModel):
    name: str
    value: Number
    meaning: str


class ChainOut(BaseModel):
    symbol: str
    product: Number
    gradient: Number
    factors: list[FactorOut]


class WarningOut(BaseModel):
    kind: str
    message: str


class PreparedCell(BaseModel):
    """What one raw cell became (:class:`nnmath.datasets.preprocess.Step`)."""

    column: str
    kind: str
    raw: str | None
    filled: float | str | None
    values: list[float]
    text: str
    unknown: bool = False


class ScalingOut(BaseModel):
    mean: list[Number]
    std: list[Number]


class Step(BaseModel):
    x: list[float]
    target: list[float]
    loss_name: LossName
    learning_rate: float
    layers: list[StepLayer]
    output: list[Number]
    loss: Number
    gradients: dict[str, list[list[Number]] | list[Number]]
    updated: dict[str, list[list[Number]] | list[Number]]
    output_after: list[Number]
    loss_after: Number
    chains: dict[str, ChainOut]
    warnings: list[WarningOut]
    html: str
    # before the network, when there are such steps: an uploaded table's raw cells and
    # what each became (one-hot, fill value), then the scaling (nnmath explain's)
    cells: list[Any] | None = None
    preparation: list[PreparedCell] | None = None
    x_scaled: list[Number] | None = None
    scaling: ScalingOut | None = None


class Derivation(BaseModel):
    param: str
    index: list[int]
    symbol: str
    value: Number
    factors: list[FactorOut]
    html: str


class Quiz(BaseModel):
    quiz: str
    question: str
    asks: Literal["gradient", "factor"]
    param: str
    index: list[int]
    factor: str | None
    html: str


class QuizResult(BaseModel):
    correct: bool
    expected: Number
    tolerance: Number
    html: str


class Options(BaseModel):
    """What the page offers, from the engine's registries and the server's limits: the page
    holds no copy of a name or a limit."""

    datasets: list[DatasetName]
    dataset_keys: dict[str, list[str]] = Field(description="the configuration keys each "
                                               "data set reads")
    dataset_labels: dict[str, str] = Field(description="longer names of some data sets")
    uploaded_dataset: DatasetName = Field(description="the data set of an uploaded CSV file")
    activations: list[Activation]
    hidden_activations: list[Activation] = Field(description="the activations a hidden "
                                                 "layer may have")
    losses: list[LossName]
    optimizers: list[OptimizerName]
    config_keys: list[str] = Field(description="the keys of a configuration, in order")
    limits: Limits
    defaults: Config
