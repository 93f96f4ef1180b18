"""The old bot's prompt layout loads: `<root>/<profile>/<profile>.system.md`, `.user.md`, extras."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.errors import PromptProfileError
from prompts.loader import list_profiles, load_profile
from tests.migration.conftest import ORIGINAL

OLD_ROOT = ORIGINAL / "agents"


def test_old_layout_gives_system_primer_and_extra_sections() -> None:
    profile = load_profile(OLD_ROOT, "default")
    assert profile.system.startswith("You are Pixel, the helper of the Retro Consoles Discord.")
    assert profile.user_primer == "Members are hobbyists restoring 1980s and 1990s game consoles."
    assert profile.extras == {"house_rules": "Never share ROM download links.\n"}
    assert profile.system_text().endswith("## House Rules\nNever share ROM download links.")


def test_old_layout_profiles_are_listed() -> None:
    assert list_profiles(OLD_ROOT) == ["default"]


def test_the_new_names_win_where_a_folder_has_both(tmp_path: Path) -> None:
    folder = tmp_path / "support"
    folder.mkdir()
    (folder / "system.md").write_text("New system.")
    (folder / "support.system.md").write_text("Old system.")
    assert load_profile(tmp_path, "support").system == "New system."


def test_a_folder_with_neither_name_names_both(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PromptProfileError) as raised:
        load_profile(tmp_path, "empty")
    assert "system.md is missing" in str(raised.value)
    assert "empty.system.md" in str(raised.value)
