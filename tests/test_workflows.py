"""The GitHub Actions workflows: actionlint-clean, and running what the README documents."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.parts import unavailable

WORKFLOWS = ROOT / ".github" / "workflows"
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A run line is "ours" when it installs or runs this project; those must match the README.
OURS = re.compile(r"\bpublisher\b|pip install|pytest|\.ci/run")


def tool(name: str) -> str | None:
    """A linter from the test environment (its wheel puts it beside the interpreter) or PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    found = tool("actionlint")
    if found is None:
        unavailable("actionlint is not installed (pip install -e '.[test]')")
    return [found, "-oneline", "-no-color"]


def lint_env() -> dict[str, str]:
    env = dict(os.environ)
    shellcheck = tool("shellcheck")
    if shellcheck:  # actionlint checks the shell of every run: step when shellcheck is on PATH
        env["PATH"] = os.pathsep.join([str(Path(shellcheck).parent), env.get("PATH", "")])
    return env


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key "on" as True.
    return workflow.get("on", workflow.get(True))


def run_lines(workflow: dict) -> list[str]:
    lines = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            lines.extend(line.strip() for line in step.get("run", "").splitlines())
    return [line for line in lines if line]


def test_workflows_pass_actionlint(actionlint):
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert {Path(f).name for f in files} >= {"ci.yml", "publish.yml", "send.yml"}
    result = subprocess.run(
        [*actionlint, *files], cwd=ROOT, capture_output=True, text=True, env=lint_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n",
        encoding="utf-8",
    )
    result = subprocess.run([*actionlint, str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "no_such_thing" in result.stdout


@pytest.mark.parametrize("name", ["ci.yml", "publish.yml", "send.yml"])
def test_workflow_commands_are_the_readme_commands(name):
    ours = [line for line in run_lines(load(name)) if OURS.search(line)]
    assert ours
    missing = [line for line in ours if line not in README]
    assert not missing, f"{name} runs commands the README does not show: {missing}"


def test_ci_runs_the_readme_test_command():
    assert "bash .ci/run" in run_lines(load("ci.yml"))
    test_command = next(
        line for line in README.splitlines() if "pip install" in line and "pytest" in line
    )
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    on = triggers(load("ci.yml"))
    assert "push" in on and "pull_request" in on


def test_publish_runs_on_content_changes_and_uploads_only_when_configured():
    workflow = load("publish.yml")
    push = triggers(workflow)["push"]
    assert push["branches"] == ["main"]
    assert set(push["paths"]) == {"issues/**", "articles/**", "templates/**"}
    steps = workflow["jobs"]["publish"]["steps"]
    upload = next(s for s in steps if "publisher upload" in s.get("run", ""))
    assert upload["if"] == "env.PUBLISHER_SITE_URL != ''"
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps)


def test_send_is_manual_approved_and_one_run_per_issue():
    workflow = load("send.yml")
    on = triggers(workflow)
    assert list(on) == ["workflow_dispatch"]
    assert on["workflow_dispatch"]["inputs"]["issue"]["required"] is True
    assert "inputs.issue" in workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    job = workflow["jobs"]["send"]
    assert job["environment"]
    smtp = {k: v for k, v in job["env"].items() if k.startswith("PUBLISHER_SMTP_")}
    assert "PUBLISHER_SMTP_PASSWORD" in smtp
    assert all(v.startswith("${{ secrets.") for v in smtp.values())
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    # The shared database, never a file copied between machines (an unsubscribe recorded by
    # the web service meanwhile would be overwritten by the copy pushed back).
    assert job["env"]["PUBLISHER_DATABASE_URL"] == "${{ secrets.PUBLISHER_DATABASE_URL }}"
    assert "database pull" not in runs and "database push" not in runs
    assert "publisher build" in runs and "publisher send" in runs
    assert "postgres" in runs  # the install includes psycopg
    # Senders: a matrix of the requested size, where one failing does not cancel the others.
    assert on["workflow_dispatch"]["inputs"]["senders"]["default"] == "1"
    assert job["strategy"]["fail-fast"] is False
    assert "needs.plan.outputs.senders" in job["strategy"]["matrix"]["sender"]
    # Connections per sender: [send] connections unless the run asks for more.
    assert on["workflow_dispatch"]["inputs"]["connections"]["default"] == ""
    send = next(s for s in job["steps"] if "publisher send" in s.get("run", ""))
    assert send["env"]["CONNECTIONS"] == "${{ inputs.connections }}"
    assert '--connections "$CONNECTIONS"' in send["run"]


def test_workflows_never_expand_inputs_inside_scripts():
    # ${{ inputs.issue }} inside run: would let a crafted issue name run shell code.
    for path in WORKFLOWS.glob("*.yml"):
        for line in run_lines(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert "${{" not in line, f"{path.name}: {line}"


def test_workflows_run_only_existing_commands():
    import click

    from publisher.cli import main

    ctx = click.Context(main)
    for path in WORKFLOWS.glob("*.yml"):
        for line in run_lines(yaml.safe_load(path.read_text(encoding="utf-8"))):
            words = line.split()
            if ".venv/bin/publisher" not in words[:1]:
                continue
            command = main.get_command(ctx, words[1])
            assert command is not None, f"{path.name}: {line}"
            if hasattr(command, "commands"):  # a group: its subcommand must exist too
                assert words[2] in command.commands, f"{path.name}: {line}"
