"""calendarapp/lib/forms.py: the plain select writes the markup Django's Select does."""

import pytest
from django import forms

from calendarapp.lib.forms import PlainSelect

CHOICES = [
    ("", "Everyone's customers"),
    ("me", "My customers"),
    ("o'brien", "O'Brien & <Sons>"),
    ("Nordics", [("DK", "Denmark"), ("SE", "Sweden")]),
    (7, "Seven"),
]


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        ("", None),
        ("o'brien", {"id": "id_owner"}),
        ("SE", {"id": "id_x", "required": True, "disabled": False, "data-note": 'a "b"'}),
        (7, None),
    ],
)
def test_the_plain_select_renders_what_djangos_select_renders(value, attrs):
    expected = forms.Select(choices=CHOICES).render("owner", value, attrs)
    assert PlainSelect(choices=CHOICES).render("owner", value, attrs) == expected


def test_a_form_field_with_the_plain_select_shows_its_choice_selected_and_escaped():
    class Form(forms.Form):
        owner = forms.ChoiceField(choices=CHOICES[:3], widget=PlainSelect)

    html = str(Form({"owner": "o'brien"})["owner"])
    assert '<option value="o&#x27;brien" selected>O&#x27;Brien &amp; &lt;Sons&gt;</option>' in html
    assert html.startswith('<select name="owner" required id="id_owner">')
