"""The API's bodies and answers as pydantic models: FastAPI checks requests against them
(a body that does not match gets 422) and documents them in ``/openapi.json``.

Numbers the engine computed may be ``null`` where they overflowed (JSON has no NaN).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .limits import MAX_ROWS

__all__ = ["ConfigIn", "Config", "NewSession", "ParamIn", "SampleIn", "TrainIn", "AnswerIn",
           "Empty", "State", "Step", "Derivation", "Quiz", "QuizResult", "Options", "Error",
           "Limits"]

DatasetName = Literal["psa", "circle", "xor", "blobs", "spiral", "csv"]
Activation = Literal["sigmoid", "tanh", "relu", "identity", "softmax"]
LossName = Literal["ssr", "mse", "bce", "cross_entropy"]
OptimizerName = Literal["sgd", "momentum", "adam"]
Number = float | None
Hidden = Annotated[int, Field(ge=1, le=64)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ConfigIn(_In):
    """A configuration; every field optional (missing: unchanged, or the default)."""

    dataset: DatasetName | None = None
    n_samples: int | None = Field(None, ge=4, le=1000, description="toy sets' rows")
    noise: float | None = Field(None, ge=0, le=1, description="toy sets' noise")
    n_classes: int | None = Field(None, ge=2, le=6, description="blobs' and spiral's classes "
                                  "(circle and xor have 2)")
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    hidden: list[Hidden] | None = Field(None, max_length=6,
                                        description="neurons per hidden layer")
    activations: list[Activation] | None = Field(
        None, min_length=1, max_length=7, description="one per layer, the output's last")
    loss: LossName | None = None
    optimizer: OptimizerName | None = None
    learning_rate: float | None = Field(None, gt=0, le=10)
    batch_size: int | None = Field(None, ge=1, le=MAX_ROWS)
    shuffle: bool | None = None


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


class NewSession(_In):
    config: ConfigIn | None = None


class ParamIn(_In):
    name: str = Field(pattern=r"^[Wb][1-9][0-9]?$", examples=["W1"])
    index: list[Annotated[int, Field(ge=0)]] = Field(min_length=1, max_length=2,
                                                     examples=[[0, 0]])
    value: float = Field(ge=-1e6, le=1e6, examples=[0.5])


class SampleIn(_In):
    index: int = Field(ge=0, examples=[8])


class TrainIn(_In):
    epochs: int = Field(1, ge=1, description="at most max_epochs_per_request, and "
                        "rows × parameters × epochs at most max_work (else 413)")


class AnswerIn(_In):
    answer: float


class Empty(_In):
    pass


class Error(BaseModel):
    detail: str


class Limits(BaseModel):
    max_sessions: int
    max_params: int
    max_upload_bytes: int
    max_epochs_per_request: int
    max_rows: int
    max_work: int


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
    datasets: list[str]
    activations: list[str]
    losses: list[str]
    optimizers: list[str]
    limits: Limits
    defaults: Config
