"""The layers contract (pyproject.toml, [tool.importlinter]): each app imports only those below
it, core at the bottom, demo data above every app. `bin/dev test` runs `lint-imports` on the tree;
these tests show the contract holding, and refusing an import up from core."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_code(to: Path) -> Path:
    """The apps' Python files and pyproject.toml, as they are, somewhere they can be changed."""
    for package in root_packages():
        shutil.copytree(ROOT / package, to / package, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    return to


def test_every_app_keeps_to_its_layer():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_every_app_of_ours_is_in_the_contract():
    """An app left out of root_packages would be checked by nothing: core could import it."""
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert ours == set(root_packages()) - {"ecf"}


@pytest.mark.parametrize(
    ("module", "import_line", "broken"),
    [
        # core is the ground floor every app stands on
        ("core/clock.py", "from participants import models", "core.clock -> participants.models"),
        # demo data stands above every app
        ("schools/forms.py", "from demo import timeline", "schools.forms -> demo.timeline"),
    ],
    ids=["core importing participants", "an app importing demo"],
)
def test_an_import_up_the_layers_breaks_the_contract(tmp_path, module, import_line, broken):
    code = copy_of_the_code(tmp_path)
    changed = code / module
    changed.write_text(changed.read_text() + f"\n{import_line}  # noqa\n")

    result = lint_imports(code)

    assert result.returncode != 0
    assert "1 broken" in result.stdout
    assert broken in result.stdout
