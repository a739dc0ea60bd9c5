"""`import_customers` and `export_customers`: the same import, errors printed, exit codes."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from customers.models import Contract, Customer
from tests import factories


@pytest.fixture
def manage_py(monkeypatch):
    """Run a command as `manage.py` does, but keep the test's database connection open.

    `run_from_argv` closes every connection when a command ends; on PostgreSQL that
    would end the transaction the test runs in.
    """
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    return lambda *argv: execute_from_command_line(["manage.py", *argv])


def write(tmp_path, text: str, name: str = "in.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_file_is_imported_and_the_command_says_how_many(db, tmp_path, capsys):
    call_command("import_customers", write(tmp_path, "name,country\nAcme,DK\n"))

    assert "Imported customers: 1 created, 0 updated." in capsys.readouterr().out
    assert Customer.objects.count() == 1


def test_a_dry_run_writes_nothing(db, tmp_path, capsys):
    call_command("import_customers", write(tmp_path, "name,country\nAcme,DK\n"), "--dry-run")

    assert "Would import customers: 1 created" in capsys.readouterr().out
    assert not Customer.objects.exists()


def test_errors_are_printed_and_the_command_exits_1(db, tmp_path, capsys, manage_py):
    path = write(tmp_path, "name,country\nAcme,DK\nBeta,Denmrk\n")

    with pytest.raises(SystemExit) as exit_:
        manage_py("import_customers", path)

    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "line 3, country: “Denmrk” is not a country code" in err
    assert "1 problem; nothing was imported." in err
    assert not Customer.objects.exists()


def test_success_exits_0(db, tmp_path, manage_py):
    path = write(tmp_path, "name,country\nAcme,DK\n")

    # manage.py exits 0 when the command returns instead of raising SystemExit.
    manage_py("import_customers", path)

    assert Customer.objects.count() == 1


def test_a_missing_file_or_an_unreadable_one_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_customers", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_customers", write(tmp_path, ""))


def test_kind_says_what_a_csv_holds(db, tmp_path):
    factories.customer("Acme", "DK")
    text = "customer,customer_country,name,end_date\nAcme,DK,Cloud,2027-06-30\n"

    call_command("import_customers", write(tmp_path, text), "--kind", "contracts")

    assert Contract.objects.get().name == "Cloud"


def test_an_exported_workbook_imports_back_into_an_empty_database(db, tmp_path, capsys):
    acme = factories.customer("Acme", "DK", notes="Tuesdays")
    factories.contract(acme, datetime.date(2027, 6, 30), name="Cloud")
    path = str(tmp_path / "all.xlsx")
    call_command("export_customers", path)
    Customer.objects.all().delete()

    call_command("import_customers", path)

    assert Customer.objects.get().notes == "Tuesdays"
    assert Contract.objects.get().customer.name == "Acme"


def test_export_refuses_other_file_types(db, tmp_path):
    with pytest.raises(CommandError, match="must end in .xlsx or .csv"):
        call_command("export_customers", str(tmp_path / "out.pdf"))
