"""How names sort: in Danish order, without regard to case or the database's collation."""

from calendarapp.lib.names import name_key


def test_danish_letters_come_after_z_in_their_own_order():
    names = ["Åbenrå Is", "Zealand", "Østerbro", "Ærø Øl", "Aalborg", "zulu", "Ängelholm"]
    assert sorted(names, key=name_key) == [
        *("Aalborg", "Zealand", "zulu"),
        *("Ängelholm", "Ærø Øl", "Østerbro", "Åbenrå Is"),  # ä with æ; æ, ø, å
    ]


def test_case_and_other_accents_do_not_move_a_name():
    names = ["emil", "Émile", "Eve", "Müller", "Mx", "Nuñez", "Nuno"]
    assert sorted(names, key=name_key) == ["emil", "Émile", "Eve", "Mx", "Müller", "Nuñez", "Nuno"]
