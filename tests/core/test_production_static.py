"""The production image's static step: `collectstatic` with the production settings and their
manifest storage (WhiteNoise's, which follows every reference a CSS or JS file makes, source maps
included, and fails on one it cannot find), run as the Dockerfile runs it. Then WhiteNoise serves
what it collected compressed and cached for ever.

It reads static/, which `npm run build` writes (bin/dev test builds it first)."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from core.static import StaticFilesStorage

ROOT = Path(__file__).resolve().parents[2]

# Collects into the folder it is given, with the production settings as the image has them.
COLLECT = """
import sys
from django.conf import settings
settings.STATIC_ROOT = sys.argv[1]
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def dockerfile_collectstatic_environment() -> dict[str, str]:
    """The variables the Dockerfile sets for its collectstatic step (the settings refuse to load
    without them), read from that RUN instruction."""
    instructions = re.split(r"\n(?=[A-Z]+ )", (ROOT / "Dockerfile").read_text().replace("\\\n", " "))
    [step] = [line for line in instructions if line.startswith("RUN ") and "collectstatic" in line]
    words = shlex.split(step.removeprefix("RUN "))
    environment = dict(word.split("=", 1) for word in words[: words.index("python")])
    image = dict(
        pair.split("=", 1)
        for line in instructions
        if line.startswith("ENV ")
        for pair in shlex.split(line.removeprefix("ENV "))
    )
    assert image["DJANGO_SETTINGS_MODULE"] == "ecf.settings.production"
    return {**image, **environment}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    if not (ROOT / "static" / "app" / "application.css").exists():
        pytest.fail("static/ is not built: `bin/dev test` builds it (or run `npm run build`)")
    static_root = tmp_path_factory.mktemp("staticfiles")
    # Only what the image has: nothing of this test run's own settings or databases.
    environment = {"PATH": "/usr/bin:/bin", **dockerfile_collectstatic_environment()}
    finished = subprocess.run(
        [sys.executable, "-c", COLLECT, str(static_root)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return static_root


def manifest(static_root: Path) -> dict[str, str]:
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def test_collectstatic_with_the_production_storage_succeeds_and_names_the_apps_files(collected):
    paths = manifest(collected)
    for name in (
        "app/application.css",
        "app/init.js",
        "app/school-search.js",
        "app/select-search.js",
        "app/accessible-autocomplete.min.js",
        "app/accessible-autocomplete.min.css",
        "govuk/govuk-frontend.min.js",
        "admin/css/base.css",
    ):
        hashed = paths[name]
        assert hashed != name and (collected / hashed).is_file()
        # WhiteNoise keeps a compressed copy wherever compressing saves something (not tiny files).
        if (collected / hashed).stat().st_size > 4096:
            for suffix in (".gz", ".br"):
                assert (collected / f"{hashed}{suffix}").is_file(), f"{hashed} has no {suffix} copy"


def test_every_file_a_template_names_is_in_the_manifest(collected):
    """In production a `{% static %}` the manifest lacks is a server error on that page."""
    named = {
        match
        for template in (ROOT / "templates").rglob("*.html")
        for match in re.findall(r"""{%\s*static\s+["']([^"']+)["']""", template.read_text())
    }
    named |= {
        match
        for app in ROOT.glob("*/templates")
        for template in app.rglob("*.html")
        for match in re.findall(r"""{%\s*static\s+["']([^"']+)["']""", template.read_text())
    }
    assert "app/application.css" in named
    assert sorted(named - manifest(collected).keys()) == []


# Closing a response sends request_finished, whose handler looks at the database connection.
@pytest.mark.django_db
def test_the_collected_files_are_served_compressed_and_cached_for_ever(collected, settings):
    settings.STATIC_ROOT = collected
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "core.static.StaticFilesStorage"},
    }
    client = Client()  # a new handler, so WhiteNoise reads the settings above
    hashed = manifest(collected)["app/application.css"]

    for accepted, encoding in (("gzip, deflate, br", "br"), ("gzip, deflate", "gzip")):
        response = client.get(f"/static/{hashed}", headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert response["Content-Type"].startswith("text/css")
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control and "public" in cache_control
        assert int(re.search(r"max-age=(\d+)", cache_control)[1]) >= 365 * 24 * 60 * 60
        assert "Accept-Encoding" in response["Vary"]
        response.close()


def test_each_files_url_is_its_hashed_name_worked_out_once(collected, settings):
    settings.STATIC_ROOT = collected
    storage = StaticFilesStorage()
    hashed = manifest(collected)["app/application.css"]
    assert storage.url("app/application.css") == f"{settings.STATIC_URL}{hashed}"
    storage.hashed_files = {}  # were it read again, it would now be missing
    assert storage.url("app/application.css") == f"{settings.STATIC_URL}{hashed}"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("app/init.js")
