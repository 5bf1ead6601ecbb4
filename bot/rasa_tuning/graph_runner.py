"""Running Rasa's prediction graphs without dask's scheduler.

Rasa runs its NLU and policy graphs (a few dozen nodes, one message at a time)
with dask.get, whose scheduling costs about a millisecond per run, and a
message takes one NLU run and two to four policy runs. The graph is fixed once
the model is loaded, so the order of each target's nodes is worked out once and
then followed: every node is called exactly as dask calls it, with its
dependencies' (name, output) pairs in the order the schema lists them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

_original_run = DaskGraphRunner.run


def _plan(runner: DaskGraphRunner, targets: Tuple[Text, ...]) -> List[Tuple[Text, Any, Tuple[Text, ...]]]:
    """(node name, node, the names it needs) for every node the targets need, each after its needs."""
    plans: Dict[Tuple[Text, ...], Any] = runner.__dict__.setdefault("_bot_plans", {})
    if targets in plans:
        return plans[targets]
    schema = runner._graph_schema.minimal_graph_schema(list(targets))
    order: List[Tuple[Text, Any, Tuple[Text, ...]]] = []
    placed: set = set()

    def place(name: Text) -> None:
        if name in placed or name not in schema.nodes:
            return  # done, or an input placeholder the caller provides
        needs = tuple(schema.nodes[name].needs.values())
        for need in needs:
            place(need)
        placed.add(name)
        order.append((name, runner._instantiated_nodes[name], needs))

    for target in targets:
        place(target)
    plans[targets] = order
    return order


def run(
    self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
) -> Dict[Text, Any]:
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plan = _plan(self, run_targets)
    # As dask is given them: each input is the pair (name, value), like a node's output.
    results: Dict[Text, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in self._graph_schema.nodes:
            raise GraphRunError(f"Input value '{value}' clashes with a node name.")  # as Rasa refuses it
        results[name] = (name, value)
    try:
        for name, node, needs in plan:
            # dask passes a missing dependency as its name; GraphNode reports it.
            results[name] = node(*(results.get(need, need) for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def apply() -> None:
    DaskGraphRunner.run = run
