"""The README's command synopsis and the commands' help agree with the click commands."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dataset.cli import cli

README = Path(__file__).resolve().parents[2] / "README.md"
PROGRAM = "python -m dataset"


def synopsis() -> dict[str, str]:
    """The README's synopsis block: ``{command or "": its text, continuation lines included}``."""
    blocks, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append([])
        elif inside:
            blocks[-1].append(line)
    block = next(b for b in blocks if b and b[0].startswith(PROGRAM))
    entries: dict[str, str] = {}
    current = ""
    for line in block:
        if line.startswith(PROGRAM):
            words = line[len(PROGRAM) :].split()
            current = words[0] if words and words[0] in cli.commands else ""
            entries[current] = line[len(PROGRAM) :]
        elif line.strip():
            entries[current] += " " + line.strip()
    return entries


def option_names(command: click.Command) -> set[str]:
    """Every spelling of every option of ``command`` but the help option (-h/--help, shared by
    every command and listed once on the synopsis's first line)."""
    return {
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }


def named_options(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", text))


def test_the_synopsis_has_the_group_and_every_command():
    assert set(synopsis()) == {"", *cli.commands}


@pytest.mark.parametrize("name", ["", *sorted(cli.commands)])
def test_the_synopsis_lists_exactly_the_options_of_each_command(name):
    command = cli.commands[name] if name else cli
    help_names = set(cli.context_settings["help_option_names"]) if not name else set()
    assert named_options(synopsis()[name]) == option_names(command) | help_names


@pytest.mark.parametrize("name", ["", *sorted(cli.commands)])
def test_every_help_ends_with_an_example_that_uses_real_options(name):
    args = [name, "--help"] if name else ["--help"]
    result = CliRunner().invoke(cli, args, prog_name=PROGRAM)
    assert result.exit_code == 0, result.output
    last = [line.strip() for line in result.output.splitlines() if line.strip()][-1]
    assert last.startswith(f"Example: {PROGRAM} {name}".rstrip())
    example = last.removeprefix(f"Example: {PROGRAM} ")
    command = cli.commands[name] if name else cli.commands[example.split()[0]]
    assert named_options(example) <= option_names(command)
