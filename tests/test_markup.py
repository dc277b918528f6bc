"""Every page is valid HTML, checked by the Nu Html Checker (vnu-jar from npm)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from .pages import html_pages
from .test_access_matrix import url_for

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def vnu():
    if not VNU_JAR.exists() or not shutil.which("java"):
        pytest.skip("needs Java and vnu-jar: run `npm ci` (scripts/test does)")
    return VNU_JAR


# Forms sent empty or wrong, so their error messages are on the page too:
# (url name, role, posted data).
FORMS_WITH_ERRORS = [
    ("account_login", "anonymous", {"login": "not-an-email", "password": ""}),
    ("invitations:join_request", "anonymous", {"email": "not-an-email"}),
    ("members:profile_edit", "member", {"linkedin_url": "not a link", "first_name": ""}),
    ("hr_gatherings:create", "staff", {"title": ""}),
    ("hr_invitations:campaign_create", "staff", {"name": ""}),
    ("hr_members:job_create", "staff", {"title": ""}),
    ("hr_members:news_create", "staff", {"title": ""}),
    ("hr_members:organisation_create", "staff", {"name": "", "org_number": "123"}),
]


def render_pages(world, directory: Path) -> dict[str, str]:
    """Write every page in both languages to files; return file -> label."""
    files = {}
    for language in ("nb", "en"):
        for name, role in html_pages():
            client = Client(headers={"accept-language": language})
            if role != "anonymous":
                client.force_login(world[f"{role}_user"])
            response = client.get(url_for(name, world))
            path = directory / f"{name.replace(':', '_')}-{role}-{language}.html"
            path.write_bytes(response.content)
            files[str(path)] = f"{name} as {role} in {language}"
        for name, role, data in FORMS_WITH_ERRORS:
            client = Client(headers={"accept-language": language})
            if role != "anonymous":
                client.force_login(world[f"{role}_user"])
            response = client.post(reverse(name), data)
            assert response.status_code == 200, f"{name} did not show its errors"
            assert b"error" in response.content, f"{name} shows no error"
            path = directory / f"{name.replace(':', '_')}-errors-{role}-{language}.html"
            path.write_bytes(response.content)
            files[str(path)] = f"{name} with errors as {role} in {language}"
    return files


@pytest.mark.slow
def test_every_page_is_valid_html(vnu, world, tmp_path):
    files = render_pages(world, tmp_path)

    result = subprocess.run(
        ["java", "-jar", str(vnu), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == []
