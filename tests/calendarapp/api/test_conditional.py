"""ETag / If-Match on one record and Idempotency-Key on POST: no lost update, no double create."""

import datetime

import pytest
import yaml
from django.test import Client

from calendarapp.models import OnceKey, Plan
from customers.models import Person
from customers.services import person_save
from tests import factories
from tests.support import at_once, needs_postgresql

pytestmark = pytest.mark.django_db


def _patch(client, url, body, **headers):
    return client.patch(url, body, content_type="application/json", headers=headers)


def test_every_detail_endpoint_gives_an_etag(admin_client, calendar_admin, cfo):
    plan = factories.plan(
        owner=calendar_admin, start=datetime.date(2027, 3, 2), customers=[cfo.customer]
    )
    tradition = factories.tradition(customer=cfo.customer, start=datetime.date(2027, 11, 15))
    for url in (
        f"/api/people/{cfo.pk}",
        f"/api/customers/{cfo.customer_id}",
        f"/api/plans/{plan.pk}",
        f"/api/traditions/{tradition.pk}",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"].startswith('"') and len(response["ETag"]) > 10, url


def test_the_etag_changes_when_a_field_changes_and_only_then(sales_client, cfo):
    first = sales_client.get(f"/api/people/{cfo.pk}")["ETag"]
    assert sales_client.get(f"/api/people/{cfo.pk}")["ETag"] == first
    person_save(person=cfo, customer=cfo.customer, name="Mette", job_title="CEO")
    assert sales_client.get(f"/api/people/{cfo.pk}")["ETag"] != first


def test_a_patch_with_the_current_etag_saves_and_answers_the_new_one(sales_client, cfo):
    etag = sales_client.get(f"/api/people/{cfo.pk}")["ETag"]
    response = _patch(sales_client, f"/api/people/{cfo.pk}", {"job_title": "CEO"}, If_Match=etag)
    assert response.status_code == 200
    assert response["ETag"] == sales_client.get(f"/api/people/{cfo.pk}")["ETag"] != etag
    cfo.refresh_from_db()
    assert cfo.job_title == "CEO"


def test_a_stale_if_match_is_a_412_naming_the_fields_changed_since_and_saves_nothing(
    sales_client, cfo
):
    etag = sales_client.get(f"/api/people/{cfo.pk}")["ETag"]
    person_save(person=cfo, customer=cfo.customer, name="Mette", job_title="CEO", phone="+45 1")
    response = _patch(sales_client, f"/api/people/{cfo.pk}", {"notes": "Golf"}, If_Match=etag)
    assert response.status_code == 412
    assert response.json() == {
        "errors": {
            "job_title": ["Changed by someone else since you read it."],
            "phone": ["Changed by someone else since you read it."],
        }
    }
    cfo.refresh_from_db()
    assert (cfo.job_title, cfo.notes) == ("CEO", "")


def test_a_stale_if_match_on_delete_keeps_the_record(sales_client, cfo):
    etag = sales_client.get(f"/api/people/{cfo.pk}")["ETag"]
    person_save(person=cfo, customer=cfo.customer, name="Mette Juul")
    response = sales_client.delete(f"/api/people/{cfo.pk}", headers={"If-Match": etag})
    assert response.status_code == 412
    assert list(response.json()["errors"]) == ["name"]
    assert Person.objects.filter(pk=cfo.pk).exists()


@pytest.mark.parametrize("header", ["*", 'W/"x", {etag}'])
def test_if_match_star_or_a_list_holding_the_etag_passes(sales_client, cfo, header):
    etag = sales_client.get(f"/api/people/{cfo.pk}")["ETag"]
    response = _patch(
        sales_client, f"/api/people/{cfo.pk}", {"notes": "x"}, If_Match=header.format(etag=etag)
    )
    assert response.status_code == 200


def test_an_if_match_that_is_no_version_of_the_record_is_a_412_naming_the_header(sales_client, cfo):
    response = _patch(sales_client, f"/api/people/{cfo.pk}", {"notes": "x"}, If_Match='"abc"')
    assert response.status_code == 412
    assert list(response.json()["errors"]) == ["If-Match"]


def test_a_patch_without_if_match_still_saves(sales_client, cfo):
    response = _patch(sales_client, f"/api/people/{cfo.pk}", {"notes": "Golf"})
    assert response.status_code == 200


def test_a_derived_field_changing_with_the_day_does_not_make_an_etag_stale(
    admin_client, calendar_admin, cfo, time_machine
):
    # The customer's touch status is read-only: it changes with no one writing.
    url = f"/api/customers/{cfo.customer_id}"
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    etag = admin_client.get(url)["ETag"]
    time_machine.move_to(datetime.datetime(2027, 6, 1, 9, tzinfo=datetime.UTC))
    admin_client.force_login(calendar_admin)
    assert _patch(admin_client, url, {"notes": "x"}, If_Match=etag).status_code == 200


def _post_person(client, customer, key, name="Ole"):
    return client.post(
        "/api/people",
        {"customer": customer.pk, "name": name},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_the_same_idempotency_key_gives_the_first_answer_and_creates_nothing_new(
    sales_client, customer
):
    first = _post_person(sales_client, customer, "k-1")
    second = _post_person(sales_client, customer, "k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Person.objects.filter(customer=customer).count() == 1


def test_a_key_reused_with_another_body_is_a_422_naming_the_header(sales_client, customer):
    _post_person(sales_client, customer, "k-1")
    response = _post_person(sales_client, customer, "k-1", name="Jonas")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Person.objects.filter(customer=customer).count() == 1


def test_keys_are_per_user(sales_client, calendar_admin, customer):
    _post_person(sales_client, customer, "k-1")
    admin = Client()
    admin.force_login(calendar_admin)
    assert _post_person(admin, customer, "k-1").status_code == 201
    assert Person.objects.filter(customer=customer).count() == 2


def test_a_refused_post_frees_its_key(sales_client, customer):
    refused = sales_client.post(
        "/api/people",
        {"customer": customer.pk, "name": ""},
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert refused.status_code == 400
    assert not OnceKey.objects.exists()
    assert _post_person(sales_client, customer, "k-1").status_code == 201


def test_a_key_older_than_a_day_may_be_used_again(sales_client, customer, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    _post_person(sales_client, customer, "k-1")
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC))
    assert "Idempotent-Replayed" not in _post_person(sales_client, customer, "k-1")
    assert Person.objects.filter(customer=customer).count() == 2


def test_a_key_that_is_not_printable_ascii_is_a_400_naming_the_header(sales_client, customer):
    response = _post_person(sales_client, customer, "x" * 256)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]


def test_every_create_endpoint_takes_an_idempotency_key(admin_client, customer):
    bodies = {
        "/api/customers": {"name": "Bornholm A/S", "country": "DK"},
        "/api/traditions": {
            "title": "Rush",
            "kind": "busy_season",
            "customer": customer.pk,
            "start": "2027-11-15",
            "end": "2027-12-31",
        },
        "/api/plans": {
            "title": "Webinar",
            "kind": "webinar",
            "start": "2027-03-02",
            "end": "2027-03-02",
            "customers": [customer.pk],
        },
    }
    for url, body in bodies.items():
        answers = [
            admin_client.post(
                url, body, content_type="application/json", headers={"Idempotency-Key": url}
            )
            for _ in range(2)
        ]
        assert [a.status_code for a in answers] == [201, 201], (url, answers[0].content)
        assert answers[1].json() == answers[0].json(), url
    assert Plan.objects.count() == 1


# PostgreSQL: two requests at the same moment, released by a barrier.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_with_one_key_at_once_create_one_person(sales_manager):
    needs_postgresql()
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager)

    def post():
        client = Client()
        client.force_login(sales_manager)
        response = _post_person(client, customer, "same")
        return response.status_code, response.json()

    first, second = at_once(post, post)
    assert first == second
    assert first[0] == 201
    assert Person.objects.filter(customer=customer).count() == 1
    assert OnceKey.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_patches_of_different_fields_with_one_etag_save_one_and_refuse_the_other(
    sales_manager,
):
    needs_postgresql()
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager)
    cfo = person_save(customer=customer, name="Mette", job_title="CFO")
    reader = Client()
    reader.force_login(sales_manager)
    etag = reader.get(f"/api/people/{cfo.pk}")["ETag"]

    def patch(body):
        def run():
            client = Client()
            client.force_login(sales_manager)
            return _patch(client, f"/api/people/{cfo.pk}", body, If_Match=etag).status_code

        return run

    statuses = at_once(patch({"job_title": "CEO"}), patch({"notes": "Golf"}))
    assert sorted(statuses) == [200, 412]
    cfo.refresh_from_db()
    assert (cfo.job_title != "CFO") != (cfo.notes == "Golf")


def test_the_schema_states_the_headers_and_their_answers(sales_client):
    schema = yaml.safe_load(sales_client.get("/api/schema").content)
    one = schema["paths"]["/api/people/{id}"]
    assert one["get"]["responses"]["200"]["headers"]["ETag"]
    for method in ("patch", "delete"):
        assert "If-Match" in [p["name"] for p in one[method]["parameters"] if p["in"] == "header"]
        assert "412" in one[method]["responses"]
    create = schema["paths"]["/api/people"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"] if p["in"] == "header"]
    assert "422" in create["responses"]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
