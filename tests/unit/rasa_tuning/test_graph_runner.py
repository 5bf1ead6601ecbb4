"""bot/rasa_tuning/graph_runner.py: a graph gives the same results, node calls and errors as with dask."""

from __future__ import annotations

from typing import Any, Dict, List, Text

import pytest
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

from bot.rasa_tuning import graph_runner

CALLS: List[Text] = []


class Step(GraphComponent):
    """Adds its own number to what it was given; `fail` raises."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> Step:  # noqa: ANN001
        return cls(config)

    def run(self, **inputs: Any) -> Any:
        CALLS.append(self.config["name"])
        if self.config.get("fail"):
            raise ValueError("broken on purpose")
        return [self.config["name"], sorted(inputs.items(), key=lambda item: item[0])]


def _node(name: str, needs: Dict[str, str], **config: Any) -> SchemaNode:
    return SchemaNode(needs=needs, uses=Step, constructor_name="create", fn="run", config={"name": name, **config})


# A diamond over an input, a branch no target needs, and a node whose input is not given.
SCHEMA = GraphSchema(
    {
        "a": _node("a", {"message": "__message__"}),
        "b": _node("b", {"x": "a"}),
        "c": _node("c", {"x": "a", "message": "__message__"}),
        "d": _node("d", {"left": "b", "right": "c"}, is_target=True),
        "unused": _node("unused", {"x": "a"}),
        "lonely": _node("lonely", {"tracker": "__tracker__"}),
        "broken": _node("broken", {"x": "a"}, fail=True),
    }
)


@pytest.fixture
def runner(tmp_path) -> DaskGraphRunner:
    return DaskGraphRunner(SCHEMA, LocalModelStorage(tmp_path), ExecutionContext(SCHEMA, "test"))


def _both(runner: DaskGraphRunner, **kwargs: Any):
    outcomes = []
    for run in (graph_runner._original_run, graph_runner.run):
        CALLS.clear()
        try:
            outcomes.append((run(runner, **kwargs), sorted(CALLS), None))
        except Exception as error:  # noqa: BLE001 - the kind of error is what is compared
            outcomes.append((None, sorted(CALLS), (type(error), str(error))))
    return outcomes


@pytest.mark.parametrize(
    "kwargs",
    [
        {"inputs": {"__message__": "hello"}, "targets": ["d"]},
        {"inputs": {"__message__": "hello"}, "targets": ["b", "c"]},
        {"inputs": {"__message__": "hello"}, "targets": None},  # the schema's targets
        {"inputs": {"__message__": "hello"}, "targets": ["d", "a"]},
    ],
)
def test_the_same_results_from_the_same_node_calls(runner, kwargs):
    dask, ours = _both(runner, **kwargs)
    assert ours == dask
    assert "unused" not in ours[1]


def test_a_missing_input_reaches_the_node_as_its_name_as_with_dask(runner):
    dask, ours = _both(runner, inputs={}, targets=["lonely"])
    assert ours == dask


def test_errors_are_the_same(runner):
    dask, ours = _both(runner, inputs={"__message__": "hello"}, targets=["broken"])
    assert dask[2][0] is GraphComponentException and ours == dask
    dask, ours = _both(runner, inputs={"__message__": "d"}, targets=["d"])  # an input naming a node
    assert dask[2][0] is GraphRunError and ours[2][0] is GraphRunError


def test_the_order_is_worked_out_once_per_set_of_targets(runner):
    graph_runner.run(runner, inputs={"__message__": "hi"}, targets=["d"])
    plan = runner.__dict__["_bot_plans"][("d",)]
    assert [name for name, _, _ in plan] in (["a", "b", "c", "d"], ["a", "c", "b", "d"])
    graph_runner.run(runner, inputs={"__message__": "again"}, targets=["d"])
    assert runner.__dict__["_bot_plans"][("d",)] is plan
