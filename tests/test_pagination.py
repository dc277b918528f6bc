"""Every HR list that can grow is paged by one include, and paging keeps the filter."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invitations.campaigns.lifecycle import create_campaign
from invitations.models import JoinRequest
from members import audit
from members.models import AuditLog, Organisation

from .factories import StaffFactory
from .gatherings.factories import GatheringFactory
from .invitations.factories import LeaverFactory, RegisterImportFactory, SegmentFactory


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(StaffFactory(is_superuser=True, email="root@fjordvik.example"))
    return client


def page_links(html: str) -> list[str]:
    """The hrefs of the pagination links, in order, as the template escaped them."""
    nav = html.split('class="pagination"', 1)[1].split("</nav>", 1)[0]
    return [part.split('"', 1)[0] for part in nav.split('href="')[1:]]


def leavers(count: int, **fields):
    return LeaverFactory.create_batch(count, **fields)


def test_the_register_shows_page_two_and_keeps_the_filter(staff_client):
    leavers(51, department="Drift")
    leavers(3, department="Salg")

    response = staff_client.get(
        reverse("hr_invitations:register"), {"department": "Drift", "page": 2}
    )

    html = response.content.decode()
    assert len(response.context["page"].object_list) == 1
    assert "Page 2 of 2" in html
    assert "Showing 51–51 of 51" in html
    assert page_links(html) == ["?department=Drift&amp;page=1"]


@pytest.mark.parametrize("pages", (1, 3))
def test_the_register_page_query_count_is_pinned(staff_client, django_assert_num_queries, pages):
    leavers(50 * pages - 10)

    # session, user, is-member (menu), 3 filter option lists, count, page
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("hr_invitations:register"), {"page": 2})

    assert response.status_code == 200


def test_the_audit_log_shows_page_two_and_keeps_the_filter(superuser_client):
    oldest = audit.record(action=AuditLog.Action.EXPORT)
    for _number in range(50):
        audit.record(action=AuditLog.Action.EXPORT)
    audit.record(action=AuditLog.Action.ERASURE)

    response = superuser_client.get(
        reverse("hr_members:audit_log"), {"action": "export", "page": 2}
    )

    html = response.content.decode()
    assert [entry.pk for entry in response.context["page"]] == [oldest.pk]
    assert "Page 2 of 2" in html
    assert page_links(html) == [
        "?action=export&amp;page=1",
    ]


@pytest.mark.parametrize("pages", (1, 3))
def test_the_audit_log_page_query_count_is_pinned(
    superuser_client, django_assert_max_num_queries, pages
):
    for number in range(50 * pages - 10):
        audit.record(
            action=AuditLog.Action.EXPORT,
            detail=audit.Detail.MEMBERS_EXPORT,
            params={"format": f"csv {number}"},
        )

    with django_assert_max_num_queries(7):
        response = superuser_client.get(reverse("hr_members:audit_log"), {"page": 2})

    assert response.status_code == 200


def make_join_requests(*, waiting: int, decided: int):
    JoinRequest.objects.bulk_create(
        JoinRequest(name=f"Venter {number}", email=f"venter{number}@example.org", years="2010")
        for number in range(waiting)
    )
    now = timezone.now()
    JoinRequest.objects.bulk_create(
        JoinRequest(
            name=f"Avgjort {number}",
            email=f"avgjort{number}@example.org",
            years="2010",
            status=JoinRequest.Status.REJECTED,
            decided_at=now - timedelta(minutes=number),
        )
        for number in range(decided)
    )


def test_join_requests_page_the_waiting_and_the_decided_apart(staff_client):
    make_join_requests(waiting=21, decided=26)

    response = staff_client.get(
        reverse("hr_invitations:join_requests"), {"page": 2, "decided_page": 2}
    )

    html = response.content.decode()
    assert [item.name for item, _suggestions in response.context["pending"]] == ["Venter 20"]
    assert [item.name for item in response.context["decided_page"]] == ["Avgjort 25"]
    navs = html.split('class="pagination"')[1:]
    assert 'aria-label="Pages of waiting requests"' in html
    assert 'href="?page=1&amp;decided_page=2"' in navs[0]
    assert 'href="?page=2&amp;decided_page=1#decided"' in navs[1]


@pytest.mark.parametrize("pages", (1, 3))
def test_join_requests_page_query_count_is_pinned(staff_client, django_assert_num_queries, pages):
    make_join_requests(waiting=20 * pages, decided=25 * pages)

    # session, user, is-member (menu), two counts, two pages, two register matches, the audit
    with django_assert_num_queries(10):
        response = staff_client.get(reverse("hr_invitations:join_requests"), {"page": 1})

    assert response.status_code == 200


def test_campaigns_show_page_two(staff_client, staff_user):
    segment = SegmentFactory()
    for number in range(26):
        create_campaign(name=f"Kampanje {number:02}", segment=segment, user=staff_user)

    response = staff_client.get(reverse("hr_invitations:campaigns"), {"page": 2})

    assert [campaign.name for campaign, _funnel in response.context["rows"]] == ["Kampanje 00"]
    assert page_links(response.content.decode()) == ["?page=1"]


def test_gatherings_show_page_two(staff_client):
    start = timezone.now() + timedelta(days=10)
    for number in range(26):
        GatheringFactory(title=f"Samling {number:02}", start=start + timedelta(days=number))

    response = staff_client.get(reverse("hr_gatherings:list"), {"page": 2})

    assert [gathering.title for gathering in response.context["page"]] == ["Samling 00"]
    assert "Page 2 of 2" in response.content.decode()


@pytest.mark.parametrize("pages", (1, 3))
def test_gatherings_page_query_count_is_pinned(staff_client, django_assert_max_num_queries, pages):
    GatheringFactory.create_batch(25 * pages - 5)

    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("hr_gatherings:list"), {"page": 2})

    assert response.status_code == 200


def test_imports_show_page_two(staff_client):
    for number in range(11):
        RegisterImportFactory(file_name=f"register-{number:02}.csv")

    response = staff_client.get(reverse("hr_invitations:import_start"), {"page": 2})

    assert [item.file_name for item in response.context["page"]] == ["register-00.csv"]
    assert page_links(response.content.decode()) == ["?page=1"]


def test_segments_show_page_two(staff_client):
    SegmentFactory.create_batch(51)

    response = staff_client.get(reverse("hr_invitations:segments"), {"page": 2})

    assert len(response.context["page"].object_list) == 1
    assert "Page 2 of 2" in response.content.decode()


def test_organisations_show_page_two(staff_client):
    Organisation.objects.bulk_create(
        # An organisation number: HR curated it, so HR's list shows it.
        Organisation(name=f"Firma {number:02}", org_number=f"9{number:08}")
        for number in range(51)
    )

    response = staff_client.get(reverse("hr_members:organisation_list"), {"page": 2})

    assert [org.name for org in response.context["page"]] == ["Firma 50"]
    assert page_links(response.content.decode()) == ["?page=1"]


def test_a_far_page_links_to_the_first_and_the_last(staff_client):
    SegmentFactory.create_batch(50 * 4)

    html = staff_client.get(reverse("hr_invitations:segments"), {"page": 2}).content.decode()
    assert page_links(html) == ["?page=1", "?page=3", "?page=4"]

    html = staff_client.get(reverse("hr_invitations:segments"), {"page": 3}).content.decode()
    assert page_links(html) == ["?page=1", "?page=2", "?page=4"]


def test_a_short_list_has_no_pagination(staff_client):
    SegmentFactory.create_batch(3)

    html = staff_client.get(reverse("hr_invitations:segments")).content.decode()

    assert 'class="pagination"' not in html
