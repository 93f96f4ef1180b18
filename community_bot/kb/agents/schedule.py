"""When each agent is next due: its cron schedule (UTC), else every SOURCE_AGENTS_INTERVAL seconds.

Pure decisions on datetimes given by the caller, so they are tested with a hand-set clock. A run
that finishes late is not repeated for the slots it missed: the next time is computed from when
the run ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from croniter import croniter

from community_bot.kb.agents.config import AgentConfig


def next_run(agent: AgentConfig, after: datetime, interval_s: float) -> datetime:
    if agent.schedule:
        following: datetime = croniter(agent.schedule, after).get_next(datetime)
        return following
    return after + timedelta(seconds=interval_s)


class Schedule:
    def __init__(self, agents: Sequence[AgentConfig], interval_s: float, now: datetime) -> None:
        self._agents = {agent.id: agent for agent in agents}
        self._interval_s = interval_s
        self._due = {agent.id: next_run(agent, now, interval_s) for agent in agents}

    def due(self, now: datetime) -> list[AgentConfig]:
        """Agents whose time has come, in file order."""
        return [agent for key, agent in self._agents.items() if self._due[key] <= now]

    def ran(self, agent_ids: Iterable[str], finished: datetime) -> None:
        for key in agent_ids:
            self._due[key] = next_run(self._agents[key], finished, self._interval_s)

    def next_time(self) -> datetime | None:
        return min(self._due.values(), default=None)

    def seconds_until_next(self, now: datetime) -> float | None:
        upcoming = self.next_time()
        return None if upcoming is None else max(0.0, (upcoming - now).total_seconds())
