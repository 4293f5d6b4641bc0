"""Settings, declared once (name, default, help), read from the environment.

The CLI exposes the same names as options (`--db` for NEWSDESK_DB, ...); `newsdesk settings`
prints them, and a docs test checks that the README lists each one.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(slots=True, frozen=True)
class Settings:
    db: str = field(default="newsdesk.db", metadata={
        "env": "NEWSDESK_DB", "help": "the store: a SQLite file path or a postgresql:// URL"})
    admin_token: str = field(default="", metadata={
        "env": "NEWSDESK_ADMIN_TOKEN",
        "help": "token for /admin pages; empty means a random one printed at start"})
    secret: str = field(default="", metadata={
        "env": "NEWSDESK_SECRET", "help": "key for signing form (CSRF) tokens; random if empty"})
    broker: str = field(default="", metadata={
        "env": "NEWSDESK_BROKER",
        "help": "Celery broker URL (amqp://... or redis://...); empty runs the pipeline in-process"})
    queue_prefix: str = field(default="", metadata={
        "env": "NEWSDESK_QUEUE_PREFIX",
        "help": "prefix of every broker queue name, so that several pipelines (or test runs) "
                "can share one broker"})
    feedback_per_hour: int = field(default=20, metadata={
        "env": "NEWSDESK_FEEDBACK_PER_HOUR", "help": "feedback posts allowed per client per hour"})
    sections: str = field(default="Politics,World,Business,Technology,Science,Health,Sport,Culture",
                          metadata={"env": "NEWSDESK_SECTIONS",
                                    "help": "the site's sections, comma-separated"})

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(f.metadata["env"])
            if raw is not None:
                values[f.name] = type(f.default)(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        # Random secrets are per process: fine for one server; set them for several.
        if not settings.admin_token or not settings.secret:
            settings = cls(**{**{f.name: getattr(settings, f.name) for f in fields(cls)},
                              "admin_token": settings.admin_token or secrets.token_urlsafe(18),
                              "secret": settings.secret or secrets.token_urlsafe(32)})
        return settings

    @property
    def section_list(self) -> list[str]:
        return [s.strip() for s in self.sections.split(",") if s.strip()]


def describe() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting."""
    return [(f.metadata["env"], str(f.default), f.metadata["help"]) for f in fields(Settings)]
