"""Model routing by query complexity: a tier for a message, without calling a model.

`decide` is the `Router` the graph's route node calls: a model learned from labeled messages
(`learned`, `features`, trained by `python -m bench.routing_train`). `rules` is the hand-tuned v1,
kept as the baseline and the fallback. `community-bot route` shows a decision and evaluates a
labeled set.
"""

from __future__ import annotations

from community_bot.routing.choice import RouteChoice
from community_bot.routing.router import decide

__all__ = ["RouteChoice", "decide"]
