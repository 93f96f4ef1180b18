"""The few errors a user can fix themselves; everything else is logged and answered politely."""

from __future__ import annotations

from pydantic import ValidationError

# Echoing these back would print a password into a terminal or a log.
SECRET_VARIABLES = frozenset({"DATABASE_URL"})


class CommunityBotError(Exception):
    """Base of the errors that carry a message meant for the person running the bot."""


class ConfigError(CommunityBotError):
    """Bad or missing configuration; the message names each variable and what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))

    @classmethod
    def from_validation(cls, exc: ValidationError) -> ConfigError:
        problems = []
        for error in exc.errors():
            location = [str(part) for part in error["loc"] if not str(part).isdigit()]
            variable = location[0].upper() if location else ""
            message = error["msg"].removeprefix("Value error, ")
            given = error.get("input")
            shown = (
                ""
                if variable.endswith(("TOKEN", "_KEY"))
                or variable in SECRET_VARIABLES
                or isinstance(given, dict)
                else f" (got {given!r})"
            )
            problems.append(f"{variable}: {message}{shown}" if variable else f"{message}{shown}")
        return cls(problems)


class PromptProfileError(CommunityBotError):
    """The selected prompt profile does not exist or has no system prompt."""


class KnowledgeBaseError(CommunityBotError):
    """A knowledge source cannot be read or searched."""
