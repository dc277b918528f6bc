"""Every Yes gets its personal code now, as a Yes answered from here on gets it with the answer.

Before, a code was given on first need, even by opening the badges (a GET). The
codes are drawn here against those the gatherings already hold, so the unique
constraint (gathering, code) is met without a retry.
"""

from django.db import migrations

from gatherings.door.codes import new_code


def free_code(taken: set) -> str:
    code = new_code()
    while code in taken:
        code = new_code()
    taken.add(code)
    return code


def give_codes(apps, schema_editor):
    Rsvp = apps.get_model("gatherings", "Rsvp")
    missing = list(Rsvp.objects.filter(answer="yes", code="").only("pk", "gathering_id"))
    if not missing:
        return
    taken: dict[int, set] = {}
    held = Rsvp.objects.filter(gathering_id__in={rsvp.gathering_id for rsvp in missing}).exclude(
        code=""
    )
    for gathering_id, code in held.values_list("gathering_id", "code"):
        taken.setdefault(gathering_id, set()).add(code)
    for rsvp in missing:
        rsvp.code = free_code(taken.setdefault(rsvp.gathering_id, set()))
    Rsvp.objects.bulk_update(missing, ["code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("gatherings", "0005_dashboard_indexes"),
    ]

    operations = [
        # Going back leaves the codes: they may be printed or emailed already.
        migrations.RunPython(give_codes, migrations.RunPython.noop),
    ]
