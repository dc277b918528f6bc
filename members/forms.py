"""Forms of the member area and of HR's member pages."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .directory import FLAGS, MIN_QUERY_LENGTH
from .models import GuidelinesVersion, Job, Member, NewsItem, Organisation, Visibility
from .organisations import organisation_key
from .photos import process_photo
from .privacy import FLAG_LABELS, GROUPS
from .profiles import split_competences

# Links are typed as text: "linkedin.com/in/kari" is fine (https is assumed),
# where a browser's URL field would refuse it, and a URL field echoing what
# someone mistyped back into its value is invalid HTML.
URL_TEXT_ATTRS = {"inputmode": "url", "autocomplete": "url", "spellcheck": "false"}


def competence_input() -> forms.TextInput:
    """A text input whose datalist htmx fills with matching competences as one types."""
    return forms.TextInput(
        attrs={
            "list": "competence-options",
            "autocomplete": "off",
            "data-hx-get": reverse_lazy("members:competence_options"),
            "data-hx-trigger": "input changed delay:250ms",
            "data-hx-target": "#competence-options",
            "data-hx-swap": "innerHTML",
        }
    )


class EmployerInput(forms.TextInput):
    """A text input whose datalist htmx fills with organisations the member may see."""

    template_name = "members/includes/employer_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "list": "employer-options",
                "autocomplete": "off",
                "data-hx-get": reverse_lazy("members:employer_options"),
                "data-hx-trigger": "input changed delay:250ms",
                "data-hx-target": "#employer-options",
                "data-hx-swap": "innerHTML",
                **(attrs or {}),
            }
        )


# Whom a "Who sees this" choice is about, for screen readers: each select says it.
VISIBILITY_PARTS = {
    "photo": _("your photo"),
    "personal_email": _("your personal email"),
    "phone": _("your phone"),
    "work": _("your employer and title"),
    "location": _("where you live"),
    "linkedin": _("your LinkedIn profile"),
    "bio": _("a few words about you"),
    "competences": _("your competences"),
    "languages": _("your languages"),
    "history": _("your years and departments"),
    "availability": _("what you are open to"),
}

# Under the legend "What are you open to?" each flag needs only its object.
FLAG_CHOICE_LABELS = {
    "open_to_returning": _("Coming back to the company"),
    "open_to_projects": _("Project work"),
    "open_to_speaking": _("Giving a talk"),
    "open_to_hosting": _("Hosting a gathering"),
    "open_to_mentoring": _("Mentoring"),
}


@dataclass(frozen=True)
class ProfileRow:
    """Fields filled in together, and the choice of who sees them (None: always shown)."""

    fields: list[forms.BoundField]
    visibility: forms.BoundField | None = None
    legend: str = ""  # a row of checkboxes is one fieldset under this legend


@dataclass(frozen=True)
class ProfileSection:
    slug: str
    heading: str
    rows: list[ProfileRow]


class ProfileForm(forms.ModelForm):
    """The profile and, next to each part, who may see it."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        required=False,
    )
    employer_name = forms.CharField(
        label=_("Current employer"),
        max_length=200,
        required=False,
        widget=EmployerInput(),
    )
    competence_names = forms.CharField(
        label=_("Competences"),
        required=False,
        max_length=1000,
        help_text=_("Separate with commas, e.g. “Project management, Python, Offshore wind”."),
        widget=competence_input(),
    )
    photo_upload = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB. We crop it square and remove its metadata."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    linkedin_url = forms.URLField(
        label=_("LinkedIn profile"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.TextInput(attrs=URL_TEXT_ATTRS),
    )

    class Meta:
        model = Member
        fields = [
            "personal_email",
            "phone",
            "title",
            "location",
            "linkedin_url",
            "bio",
            "languages",
            "started_year",
            "left_year",
            "departments",
            *FLAGS,
            "wants_gathering_emails",
            "wants_news_emails",
            "wants_job_emails",
            "in_directory",
            *(f"{g}_visibility" for g in GROUPS),
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "languages": _("E.g. “Norwegian, English, German”."),
            "departments": _("The departments you worked in, separated by commas."),
            "in_directory": _("Untick to leave the directory: other members will not find you."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["language"].initial = user.language
        self.fields["employer_name"].initial = (
            self.instance.employer.name if self.instance.employer_id else ""
        )
        if self.instance.pk:
            self.fields["competence_names"].initial = ", ".join(
                c.name for c in self.instance.competences.all()
            )
        year = timezone.localdate().year
        for name in ("started_year", "left_year"):
            self.fields[name].widget = forms.NumberInput(attrs={"min": 1900, "max": year})
            self.fields[name].min_value = 1900
            self.fields[name].max_value = year
        for group in GROUPS:
            visibility = self.fields[f"{group}_visibility"]
            visibility.label = _("Who sees this")
            visibility.widget = forms.Select(
                choices=Visibility.choices,
                attrs={
                    "aria-label": _("Who sees this (%(part)s)") % {"part": VISIBILITY_PARTS[group]}
                },
            )
        for flag, label in FLAG_CHOICE_LABELS.items():
            self.fields[flag].label = label
        if not self.instance.photo:
            del self.fields["remove_photo"]  # nothing to remove yet

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        if not upload:
            return None
        return process_photo(upload)

    def clean(self):
        cleaned = super().clean()
        started, left = cleaned.get("started_year"), cleaned.get("left_year")
        if started and left and left < started:
            self.add_error("left_year", _("You cannot have left before you started."))
        cleaned["competence_list"] = split_competences(cleaned.get("competence_names", ""))
        if len(cleaned["competence_list"]) > 30:
            self.add_error("competence_names", _("At most 30 competences."))
        return cleaned

    def apply_user_fields(self):
        user = self.instance.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.language = self.cleaned_data["language"]

    @property
    def employment_changed(self) -> bool:
        return bool({"employer_name", "title"} & set(self.changed_data))

    def sections(self) -> list[ProfileSection]:
        """The page's few sections, each a list of rows with their "Who sees this" choice."""

        def row(*names, group=None, legend=""):
            return ProfileRow(
                fields=[self[n] for n in names if n in self.fields],
                visibility=self[f"{group}_visibility"] if group else None,
                legend=legend,
            )

        return [
            ProfileSection(
                "about",
                _("About you"),
                [
                    row("first_name", "last_name"),
                    row("photo_upload", "remove_photo", group="photo"),
                    row("bio", group="bio"),
                ],
            ),
            ProfileSection(
                "work",
                _("Work and competence"),
                [
                    row("employer_name", "title", group="work"),
                    row("competence_names", group="competences"),
                    row("languages", group="languages"),
                ],
            ),
            ProfileSection(
                "contact",
                _("Contact"),
                [
                    row("personal_email", group="personal_email"),
                    row("phone", group="phone"),
                    row("location", group="location"),
                    row("linkedin_url", group="linkedin"),
                ],
            ),
            ProfileSection(
                "history",
                _("Your time at the company"),
                [row("started_year", "left_year", "departments", group="history")],
            ),
            ProfileSection(
                "availability",
                _("Availability"),
                [row(*FLAGS, group="availability", legend=_("What are you open to?"))],
            ),
            ProfileSection(
                "settings",
                _("Directory, email and language"),
                [
                    row("in_directory"),
                    row(
                        "wants_gathering_emails",
                        "wants_news_emails",
                        "wants_job_emails",
                        legend=_("Which emails do you want?"),
                    ),
                    row("language"),
                ],
            ),
        ]


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    employer = forms.CharField(label=_("Employer or title"), required=False, max_length=100)
    competence = forms.CharField(
        label=_("Competence"),
        required=False,
        max_length=80,
        widget=competence_input(),
    )
    department = forms.CharField(label=_("Department"), required=False, max_length=100)
    location = forms.CharField(label=_("Location"), required=False, max_length=100)
    year = forms.IntegerField(
        label=_("At the company in"), required=False, min_value=1900, max_value=2100
    )
    flag = forms.ChoiceField(
        label=_("Open to"),
        required=False,
        choices=[("", _("Anything")), *((f, FLAG_LABELS[f]) for f in FLAGS)],
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("q", "employer", "competence", "department", "location"):
            value = " ".join((cleaned.get(name) or "").split())
            if value and len(value) < MIN_QUERY_LENGTH:
                self.add_error(
                    name,
                    _("Type at least %(count)d characters to search.")
                    % {"count": MIN_QUERY_LENGTH},
                )
            cleaned[name] = value
        return cleaned


class CompetenceSearchForm(forms.Form):
    competence = forms.CharField(
        label=_("Competence"),
        max_length=80,
        widget=competence_input(),
    )
    open_to_returning = forms.BooleanField(
        label=_("Only members open to returning"), required=False, initial=True
    )

    def clean_competence(self):
        value = " ".join(self.cleaned_data["competence"].split())
        if len(value) < MIN_QUERY_LENGTH:
            raise forms.ValidationError(
                _("Type at least %(count)d characters to search.") % {"count": MIN_QUERY_LENGTH}
            )
        return value


class JobForm(forms.ModelForm):
    link = forms.URLField(
        label=_("Link to the advertisement"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.TextInput(attrs=URL_TEXT_ATTRS),
    )
    competence_names = forms.CharField(
        label=_("Competences"),
        required=False,
        max_length=1000,
        help_text=_("Members with these competences who are open to returning hear about it."),
        widget=competence_input(),
    )

    class Meta:
        model = Job
        fields = ["title", "description", "location", "link", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["competence_names"].initial = ", ".join(
                c.name for c in self.instance.competences.all()
            )

    def clean_competence_names(self):
        return split_competences(self.cleaned_data.get("competence_names", ""))


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class GuidelinesForm(forms.ModelForm):
    class Meta:
        model = GuidelinesVersion
        fields = ["text_nb", "text_en"]
        widgets = {
            "text_nb": forms.Textarea(attrs={"rows": 14}),
            "text_en": forms.Textarea(attrs={"rows": 14}),
        }


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my profile and personal data are erased for good."),
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "org_number", "city"]
        help_texts = {
            "name": _("As members should see it, e.g. “Equinor ASA”."),
            "org_number": _("Nine digits from the Brønnøysund Register Centre, if you know it."),
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # Same key as another ("Aker Solutions AS" beside "Aker Solutions") is a duplicate;
        # a duplicate made before this check may still be saved under its own name.
        if name != self.instance.name:
            key = organisation_key(name)
            others = Organisation.objects.exclude(pk=self.instance.pk).values_list(
                "name", flat=True
            )
            if any(organisation_key(other) == key for other in others.iterator()):
                raise forms.ValidationError(_("An organisation with this name already exists."))
        return name

    def clean_org_number(self):
        number = "".join(self.cleaned_data["org_number"].split())
        if number and not (number.isascii() and number.isdecimal() and len(number) == 9):
            raise forms.ValidationError(_("An organisation number has nine digits."))
        taken = Organisation.objects.filter(org_number=number).exclude(pk=self.instance.pk)
        if number and taken.exists():
            raise forms.ValidationError(_("Another organisation has this number."))
        return number


class SuggestionQueryForm(forms.Form):
    """What was typed into a field that suggests values (htmx asks as a member types).

    Read through a form, not straight from request.GET: the CharField refuses NUL
    characters, which PostgreSQL cannot search for, and over-long text.
    """

    term = forms.CharField(required=False, max_length=200, strip=False)


def suggestion_term(value: str) -> str | None:
    """The typed text to search suggestions for, or None when no search can match it."""
    form = SuggestionQueryForm({"term": value})
    return form.cleaned_data["term"] if form.is_valid() else None
