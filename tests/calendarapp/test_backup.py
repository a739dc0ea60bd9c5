"""README's backup and restore (`pg_dump -Fc`, `pg_restore` into a fresh database) keeps the data.

PostgreSQL only: CI's PostgreSQL run (REQUIRE_SERVICES=1) runs it, elsewhere it skips.
"""

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from tests import factories
from tests.support import skip_or_fail


def client_environment(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """The connection arguments and environment for the PostgreSQL client programs."""
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pg_dump_restored_into_a_fresh_database_has_the_customers(tmp_path):
    if connection.vendor != "postgresql":
        skip_or_fail("the backup test needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not all(shutil.which(program) for program in ("pg_dump", "pg_restore", "createdb")):
        skip_or_fail("the backup test needs pg_dump, pg_restore and createdb (postgresql-client)")
    factories.customer("Backed Up A/S", "DK", budget_close_month=9)
    settings_dict = connection.settings_dict
    arguments, environment = client_environment(settings_dict)
    dump = tmp_path / "calendar.dump"
    restored = f"restore_{uuid.uuid4().hex[:12]}"

    def run(*command: str) -> None:
        result = subprocess.run(
            [*command], env=environment, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr

    run("pg_dump", "-Fc", *arguments, "--file", str(dump), settings_dict["NAME"])
    run("createdb", *arguments, restored)
    try:
        run("pg_restore", "--no-owner", *arguments, "--dbname", restored, str(dump))
        params = {**connection.get_connection_params(), "dbname": restored}
        with psycopg.connect(**params) as copy:
            rows = copy.execute(
                "SELECT name, country, budget_close_month FROM customers_customer"
            ).fetchall()
        assert rows == [("Backed Up A/S", "DK", 9)]
    finally:
        run("dropdb", *arguments, "--if-exists", restored)
