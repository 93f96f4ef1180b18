"""Model routing by query complexity: a tier for a message, without calling a model.

`decide` is the `Router` the graph's route node calls; `policy` holds the weights to tune;
`community-bot route` shows a decision and evaluates a labeled set.
"""

from __future__ import annotations

from community_bot.routing.router import RouteChoice, decide

__all__ = ["RouteChoice", "decide"]
