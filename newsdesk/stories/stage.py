"""Story stages as the pipeline runs them (near-duplicates, clustering).

Story clustering is not built yet (its issue is open); until then no story stage runs and
articles carry no story_id.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import Stage


def story_stages() -> list["Stage"]:
    return []
