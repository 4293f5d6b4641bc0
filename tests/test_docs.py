"""The README and `newsdesk --help` never disagree: every setting and command is documented."""
from pathlib import Path

from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.config import describe

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_in_the_readme():
    for env, _default, _help in describe():
        assert f"`{env}`" in README, env


def test_every_command_is_in_the_readme():
    import typer.main

    group = typer.main.get_command(app)
    for name in group.commands:
        assert f"newsdesk {name}" in README, name


def test_help_lists_the_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("ingest", "serve", "demo", "enrich", "export"):
        assert name in result.output
