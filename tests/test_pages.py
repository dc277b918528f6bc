"""Every page that answers 200 renders in Norwegian and in English."""

import re

import pytest
from django.test import Client

from .pages import NOT_HTML
from .test_access_matrix import MATRIX, ROLES, url_for

PAGES = [
    (name, role)
    for name, answers in sorted(MATRIX.items())
    for role, expected in zip(ROLES, answers, strict=True)
    if expected == "200" and name not in NOT_HTML
]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(("name", "role"), PAGES)
def test_page_renders_in_language(name, role, language, world):
    client = Client(headers={"accept-language": language})
    if role != "anonymous":
        client.force_login(world[f"{role}_user"])

    response = client.get(url_for(name, world))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<html lang="{language}"', html), "page does not declare its language"
    assert response.headers["Content-Language"] == language
