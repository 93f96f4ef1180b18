"""Prompt profiles: a folder per profile under PROMPT_ROOT, read once and cached by the caller.

A profile holds `system.md` (required), `user.md` (an optional primer sent before the
conversation) and any other `*.md` files as extra sections, appended to the system prompt under
their file name. `SYSTEM_PROMPT` replaces the profile's system prompt inline.

The old bot's layout loads too: `<root>/<profile>/<profile>.system.md`, `<profile>.user.md` and
extra files (`<profile>.rules.md` is the section "Rules"), with `PROMPT_ROOT=agents` as it had it,
so a community switching over keeps its prompt files as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from community_bot.errors import PromptProfileError

INSTRUCTIONS_DIR = Path(__file__).resolve().parent / "instructions"
SYSTEM_FILE = "system.md"
PRIMER_FILE = "user.md"


@dataclass(frozen=True)
class PromptProfile:
    """The text that shapes the bot's voice for one community or channel."""

    name: str
    system: str
    user_primer: str | None = None
    extras: dict[str, str] = field(default_factory=dict)

    def system_text(self) -> str:
        """The system prompt with extra sections appended under readable headings."""
        sections = [self.system.strip()]
        for name, text in sorted(self.extras.items()):
            label = name.replace("_", " ").replace("-", " ").title()
            sections.append(f"## {label}\n{text.strip()}")
        return "\n\n".join(sections)


def load_profile(root: Path, name: str, system_override: str | None = None) -> PromptProfile:
    """Read one profile folder; a missing profile names PROMPT_PROFILE and PROMPT_ROOT."""
    folder = root / name
    if not folder.is_dir():
        available = ", ".join(list_profiles(root)) or "none"
        raise PromptProfileError(
            f"PROMPT_PROFILE={name!r}: no folder {folder} under PROMPT_ROOT={root} "
            f"(available: {available})"
        )
    system_path = _find(folder, SYSTEM_FILE)
    if system_override is None and not system_path.is_file():
        raise PromptProfileError(
            f"PROMPT_PROFILE={name!r}: {folder / SYSTEM_FILE} is missing"
            f" (or {folder / f'{name}.{SYSTEM_FILE}'}, the old bot's name for it)"
        )
    system = system_override if system_override is not None else _read(system_path)
    primer_path = _find(folder, PRIMER_FILE)
    primer = _read(primer_path).strip() or None if primer_path.is_file() else None
    special = {SYSTEM_FILE, PRIMER_FILE, f"{name}.{SYSTEM_FILE}", f"{name}.{PRIMER_FILE}"}
    extras = {
        path.stem.removeprefix(f"{name}."): _read(path)
        for path in sorted(folder.glob("*.md"))
        if path.name not in special and _read(path).strip()
    }
    return PromptProfile(name=name, system=system, user_primer=primer, extras=extras)


def _find(folder: Path, file_name: str) -> Path:
    """`system.md`, or the old bot's `<profile>.system.md` when only that one exists."""
    plain = folder / file_name
    old = folder / f"{folder.name}.{file_name}"
    return old if not plain.is_file() and old.is_file() else plain


def list_profiles(root: Path) -> list[str]:
    """Profile folders under a root (those with a system prompt, in either layout)."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _find(p, SYSTEM_FILE).is_file())


@cache
def instruction(name: str) -> str:
    """A fixed instruction fragment the graph adds around the profile (reference material etc.).

    Read once per process: nodes ask for these on every turn, from the event loop."""
    return _read(INSTRUCTIONS_DIR / f"{name}.md").strip()


def load_instructions() -> None:
    """Read every instruction now, at start-up, so no turn ever waits on a file."""
    for path in INSTRUCTIONS_DIR.glob("*.md"):
        instruction(path.stem)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptProfileError(f"cannot read prompt file {path}: {exc}") from exc
