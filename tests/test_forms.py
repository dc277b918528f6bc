"""Every form draws its fields from one set of templates: labels without colons, every input
labelled, each checkbox before its label."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings as django_settings
from django.forms.renderers import TemplatesSetting, get_default_renderer
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from .pages import html_pages
from .test_access_matrix import url_for
from .test_markup import FORMS_WITH_ERRORS

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(django_settings.BASE_DIR) / "templates"
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


class FormMarkup(HTMLParser):
    """The labels, legends and inputs of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.events = []  # ("input", attrs) / ("label", for, text)
        self.labels = []  # [for, text, inputs inside]
        self.legends = []
        self._open_labels = []
        self._legend = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._open_labels.append([attrs.get("for"), "", []])
        elif tag == "legend":
            self._legend = ""
        elif tag in ("input", "select", "textarea"):
            attrs["_tag"] = tag
            self.events.append(("input", attrs))
            for label in self._open_labels:
                label[2].append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "label" and self._open_labels:
            label = self._open_labels.pop()
            label[1] = " ".join(label[1].split())
            self.labels.append(label)
            self.events.append(("label", label[0], label[1]))
        elif tag == "legend" and self._legend is not None:
            self.legends.append(" ".join(self._legend.split()))
            self._legend = None

    def handle_data(self, data):
        for label in self._open_labels:
            label[1] += data
        if self._legend is not None:
            self._legend += data

    def unlabelled_inputs(self):
        labelled = {label[0] for label in self.labels} | {
            input_id for label in self.labels for input_id in label[2]
        }
        return [
            attrs.get("name") or attrs.get("id")
            for kind, attrs, *_rest in self.events
            if kind == "input"
            and attrs.get("type") not in UNLABELLED_TYPES
            and attrs.get("id") not in labelled
            and not attrs.get("aria-label")
            and not attrs.get("aria-labelledby")
        ]

    def checkboxes_after_their_label(self):
        """Checkboxes whose label text comes before the box."""
        late = []
        seen_labels = set()
        for event in self.events:
            if event[0] == "label":
                seen_labels.add(event[1])
            elif event[1].get("type") == "checkbox" and event[1].get("id") in seen_labels:
                late.append(event[1].get("name"))
        return late


def rendered_pages(world):
    """(description, html) of every page, and of the forms sent empty or wrong."""
    for name, role in html_pages():
        yield f"{name} as {role}", client_for(role, world).get(url_for(name, world))
    for name, role, data in FORMS_WITH_ERRORS:
        yield f"{name} with errors", client_for(role, world).post(reverse(name), data)


def client_for(role, world) -> Client:
    client = Client(headers={"accept-language": "en"})
    if role != "anonymous":
        client.force_login(world[f"{role}_user"])
    return client


def parsed(html: str) -> FormMarkup:
    markup = FormMarkup()
    markup.feed(html)
    return markup


def test_forms_render_through_the_templates_setting_renderer():
    renderer = get_default_renderer()

    assert django_settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"
    assert isinstance(renderer, TemplatesSetting)
    for name in ("field.html", "div.html", "label.html"):
        origin = Path(get_template(f"django/forms/{name}").origin.name)
        assert origin == TEMPLATES_DIR / "django" / "forms" / name


class _SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your badge.")
    agree = forms.BooleanField(label="I agree")
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect
    )


def test_a_field_has_its_label_above_without_a_colon_and_help_and_error_tied_to_it():
    form = _SampleForm(data={"name": ""})

    html = str(form["name"].as_field_group())

    assert '<label class="field__label" for="id_name">Name</label>' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert html.index("id_name_helptext") < html.index("<input") < html.index('id="id_name_error"')
    assert str(form["name"].label_tag()) == '<label for="id_name">Name</label>'


def test_a_checkbox_comes_before_its_label_and_choices_sit_in_a_fieldset():
    html = str(_SampleForm())

    assert html.index('type="checkbox"') < html.index(">I agree</label>")
    assert '<legend class="field__label">Colour</legend>' in html
    assert html.count("<fieldset") == 1


def test_every_form_page_labels_its_inputs_without_colons_and_boxes_first(world):
    problems = []
    seen_inputs = 0
    for page, response in rendered_pages(world):
        if response.status_code != 200:
            continue  # tests/test_pages.py answers for pages that do not open
        markup = parsed(response.content.decode())
        seen_inputs += len(markup.events)
        for _for, text, _inputs in markup.labels:
            if text.endswith(":"):
                problems.append(f"{page}: label {text!r} ends with a colon")
        for legend in markup.legends:
            if legend.endswith(":"):
                problems.append(f"{page}: legend {legend!r} ends with a colon")
        for field in markup.unlabelled_inputs():
            problems.append(f"{page}: input {field!r} has no label")
        for field in markup.checkboxes_after_their_label():
            problems.append(f"{page}: checkbox {field!r} comes after its label")

    assert seen_inputs > 100  # the pages were really read
    assert problems == [], "\n".join(problems)
