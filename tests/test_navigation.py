"""The area menus: HR's grouped row with "More", and the phone menu behind a button."""

import re

import pytest
from django.urls import reverse

from alumni_network.navigation import HR_GROUPS, HR_MORE, resolve_groups

from .factories import StaffFactory


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


def area_nav(html: str) -> str:
    return html.split('<nav class="area-nav', 1)[1].split("</nav>", 1)[0]


def bar(html: str) -> str:
    return area_nav(html).split('<details class="area-nav__menu">', 1)[0]


def phone_menu(html: str) -> str:
    return area_nav(html).split('<details class="area-nav__menu">', 1)[1]


def top_row_labels(html: str) -> list[str]:
    row = bar(html).split('class="area-nav__row">', 1)[1].split('<li class="area-nav__more">')[0]
    return re.findall(r">([^<>]+)</a></li>", row)


def current_links(fragment: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="(page|true)"', fragment)


def hrefs(fragment: str) -> set[str]:
    return set(re.findall(r'<a href="([^"]+)"', fragment))


def test_the_hr_menu_has_the_overview_six_groups_and_more(staff_client):
    html = staff_client.get(reverse("hr_invitations:campaigns")).content.decode()

    assert top_row_labels(html) == [
        "Overview",
        "Register",
        "Campaigns",
        "Gatherings",
        "Members",
        "Content",
        "Outbox",
    ]
    more = bar(html).split('<li class="area-nav__more">', 1)[1]
    assert "<summary>More</summary>" in more
    assert hrefs(more) == {reverse("hr_members:roles")}


def test_the_overview_is_current_on_the_hr_home(staff_client):
    html = staff_client.get(reverse("hr_dashboard")).content.decode()

    assert current_links(bar(html)) == [(reverse("hr_dashboard"), "page")]
    assert "<summary>More</summary>" in bar(html)


def test_a_page_behind_more_marks_more(staff_client):
    html = staff_client.get(reverse("hr_members:roles")).content.decode()

    assert current_links(bar(html)) == [(reverse("hr_members:roles"), "page")]
    assert '<summary class="is-current">More</summary>' in bar(html)


def test_a_page_of_a_group_marks_the_group_and_the_page(staff_client):
    html = staff_client.get(reverse("hr_invitations:segments")).content.decode()

    # The group in the top row, the page in the second row (the deepest section wins).
    assert current_links(bar(html)) == [
        (reverse("hr_invitations:register"), "true"),
        (reverse("hr_invitations:segments"), "page"),
    ]
    subrow = bar(html).split('class="area-nav__subrow"', 1)[1]
    assert hrefs(subrow) == {
        reverse("hr_invitations:register"),
        reverse("hr_invitations:import_start"),
        reverse("hr_invitations:segments"),
        reverse("hr_invitations:join_requests"),
        reverse("hr_invitations:retention"),
    }


def test_a_group_of_one_page_has_no_second_row(staff_client):
    html = staff_client.get(reverse("hr_invitations:campaigns")).content.decode()

    assert current_links(bar(html)) == [(reverse("hr_invitations:campaigns"), "page")]
    assert "area-nav__subrow" not in html


def test_the_audit_log_is_offered_to_superusers_only(client, staff_client):
    assert (
        reverse("hr_members:audit_log")
        not in staff_client.get(reverse("hr_dashboard")).content.decode()
    )

    client.force_login(StaffFactory(is_superuser=True))
    html = client.get(reverse("hr_dashboard")).content.decode()

    assert reverse("hr_members:audit_log") in hrefs(bar(html))
    assert reverse("hr_members:audit_log") in hrefs(phone_menu(html))


def test_the_phone_menu_holds_every_page_of_the_bar(staff_client):
    html = staff_client.get(reverse("hr_invitations:segments")).content.decode()

    menu = phone_menu(html)
    assert menu.lstrip().startswith("<summary>Menu</summary>")
    every_page = {
        page["url"]
        for group in resolve_groups(HR_GROUPS, HR_MORE, "/", None)["groups"]
        for page in group["pages"]
    }
    assert hrefs(menu) == every_page | {reverse("hr_members:roles")}
    assert current_links(menu) == [(reverse("hr_invitations:segments"), "page")]


def test_the_member_menu_is_a_row_and_a_phone_menu(member_client):
    html = member_client.get(reverse("members:directory")).content.decode()

    assert current_links(bar(html)) == [(reverse("members:directory"), "page")]
    assert current_links(phone_menu(html)) == [(reverse("members:directory"), "page")]
    assert hrefs(bar(html)) == hrefs(phone_menu(html))
    assert reverse("members:profile_edit") in hrefs(phone_menu(html))


def test_every_hr_menu_page_answers(staff_client):
    menu = resolve_groups(HR_GROUPS, HR_MORE, "/", None)
    urls = [page["url"] for group in menu["groups"] for page in group["pages"]]
    urls += [page["url"] for page in menu["more"]]

    assert {url: staff_client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
