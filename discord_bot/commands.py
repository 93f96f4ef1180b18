"""Slash commands: `/ask`, `/reset`, `/status`.

Each one defers at once (Discord allows 3 s to acknowledge) and answers by follow-up, because a
turn, a reset behind queued turns or a status probe can all take longer than that.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

import discord
from discord import app_commands

from community_bot.status import StatusReport
from discord_bot import wording
from discord_bot.outlets import NO_MENTIONS
from discord_bot.runtime import Runtime

log = logging.getLogger(__name__)


def may_reset(interaction: discord.Interaction, admin_role_ids: Collection[int]) -> bool:
    """Manage Messages in the channel, or one of the configured admin roles."""
    if interaction.guild is None:
        return True  # a DM's memory belongs to the one person in it
    if interaction.permissions.manage_messages:
        return True
    roles = getattr(interaction.user, "roles", [])
    return any(role.id in admin_role_ids for role in roles)


def _duration(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


def format_status(report: StatusReport) -> str:
    """A compact status card, within one message."""
    lines = ["**Models**"]
    for model in report.models:
        mark = "✅" if model.available else "❌"
        note = f" ({model.note})" if model.note else ""
        lines.append(f"{mark} {model.tier}: `{model.model}`{note}")
    for provider in report.providers:
        lines.append(f"{'✅' if provider.state == 'closed' else '⚠️'} {provider.line()}")
    sources = ", ".join(report.knowledge_sources) or "none"
    lines.append(f"**Knowledge**: {sources}")
    lines.append(
        f"**Uptime**: {_duration(report.uptime_seconds)} · **Today**: "
        f"${report.cost_today_usd:.4f} over {report.turns_today} turns"
    )
    lines.extend(f"-# {note}" for note in report.notes)
    text = "\n".join(lines)
    return text if len(text) <= 2000 else text[:1999] + "…"


def build_tree(
    client: discord.Client, runtime: Runtime
) -> app_commands.CommandTree[discord.Client]:
    """The command tree with the three commands, bound to `runtime`."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(
        client, allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True)
    )

    @tree.command(name="ask", description="Ask the assistant a question.")
    @app_commands.describe(question="Your question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.defer(thinking=True)
        if interaction.guild is None and not runtime.discord.discord_allow_dms:
            await _follow_up(interaction, wording.DMS_DISABLED)
            return
        refusal = runtime.refusal(interaction.user.id, question)
        if refusal is not None:
            await _follow_up(interaction, refusal or wording.rate_limited(1))
            return
        runtime.ask(interaction, question.strip())

    @tree.command(name="reset", description="Forget this channel's conversation.")
    @app_commands.default_permissions(manage_messages=True)  # hidden from others; still checked
    async def reset(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not may_reset(interaction, runtime.discord.discord_admin_role_ids):
            await _follow_up(interaction, wording.RESET_REFUSED, ephemeral=True)
            return
        runtime.reset(interaction)

    @tree.command(name="status", description="Models, knowledge sources, uptime and today's cost.")
    async def status(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = format_status(await runtime.backend.status())
        except Exception:
            log.exception("status failed")
            text = wording.TURN_FAILED
        await _follow_up(interaction, text, ephemeral=True)

    @tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("slash command failed", exc_info=error)
        if interaction.response.is_done():
            await _follow_up(interaction, wording.TURN_FAILED, ephemeral=True)
        else:
            await interaction.response.send_message(
                wording.TURN_FAILED, ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    return tree


async def _follow_up(
    interaction: discord.Interaction, text: str, *, ephemeral: bool = False
) -> None:
    try:
        await interaction.followup.send(text, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.exception(
            "follow-up failed for /%s", interaction.command.name if interaction.command else "?"
        )
