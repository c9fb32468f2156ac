"""The web service's database connections, on both engines: shared, bounded, checked."""

from __future__ import annotations

import logging
import os
import threading

import pytest

from publisher.audience.migrations import CURRENT
from publisher.audience.store import connect, database_url
from publisher.config import load_config
from publisher.model import Subscriber
from tests.mailkit import add_subscribers
from tests.smtpserver import free_port
from tests.webkit import Service, form, request

pytestmark = pytest.mark.usefixtures("engine")
ONE_CLICK = form(**{"List-Unsubscribe": "One-Click"})


def start(project, extra: str = "") -> Service:
    port = free_port()
    (project / "publisher.toml").write_text(
        f'[web]\nbase_url = "http://127.0.0.1:{port}/"\n{extra}', encoding="utf-8"
    )
    return Service(project, port)


@pytest.fixture
def people(project):
    return [Subscriber(email=f"p{i}@example.org", name=f"P {i}") for i in range(16)]


def tokens(project, people) -> list[str]:
    listed = add_subscribers(project, people)
    return [listed.get(person.email).token for person in people]


def statuses(project) -> dict[str, str]:
    """Each subscriber's status, read without a schema check (one test changes the schema)."""
    config = load_config(project)
    with connect(database_url(config), config.project) as store:
        return dict(store.rows("SELECT email, status FROM subscribers"))


def test_requests_one_after_another_share_one_connection(project, people):
    service = start(project)
    try:
        for token in tokens(project, people)[:6]:
            assert request(service.url + "unsubscribe/" + token)[0] == 200
        assert request(service.url + "health")[0] == 200
        assert service.app.stores.opened == 1
    finally:
        service.close()


def test_a_burst_of_unsubscribes_opens_no_more_connections_than_allowed(project, people):
    service = start(project, "database_connections = 2\n")
    answers: list[int] = []
    try:
        links = [service.url + "unsubscribe/" + token for token in tokens(project, people)]
        gate = threading.Barrier(len(links))

        def post(link: str) -> None:
            gate.wait()
            answers.append(request(link, ONE_CLICK)[0])

        threads = [threading.Thread(target=post, args=(link,)) for link in links]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [200] * len(links)
        assert 1 <= service.app.stores.opened <= 2
        assert set(statuses(project).values()) == {"unsubscribed"}
    finally:
        service.close()


def test_connections_all_busy_is_an_error_page_after_the_timeout(project, people, caplog):
    service = start(project, "database_connections = 1\ntimeout = 0.3\n")
    link = service.url + "unsubscribe/" + tokens(project, people)[0]
    try:
        with caplog.at_level(logging.ERROR, "publisher.web"), service.app.stores.store():
            status, body, _ = request(link, ONE_CLICK)
        assert status == 503 and "Traceback" not in body
        assert "all 1 database connections stayed busy" in caplog.text
        assert "web.database_connections" in caplog.text
        assert "Traceback" not in caplog.text  # a known failure is a line in the log
        assert statuses(project)["p0@example.org"] == "active"
        # Once the connection is free again, the same post goes through.
        assert request(link, ONE_CLICK)[0] == 200
        assert statuses(project)["p0@example.org"] == "unsubscribed"
    finally:
        service.close()


def test_a_schema_changed_under_the_service_is_refused_until_it_fits(project, people):
    service = start(project)
    link = service.url + "unsubscribe/" + tokens(project, people)[0]
    try:
        assert request(link)[0] == 200
        set_version(project, CURRENT + 1)  # a newer publisher upgraded the database
        assert request(link)[0] == 503
        assert request(link, ONE_CLICK)[0] == 503
        assert request(service.url + "health")[0] == 503
        assert statuses(project)["p0@example.org"] == "active"
        set_version(project, CURRENT)
        assert request(link)[0] == 200
    finally:
        service.close()


def set_version(project, version: int) -> None:
    config = load_config(project)
    with connect(database_url(config), config.project) as store:  # no schema check
        store.execute("UPDATE schema_version SET version = ?", (version,))


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_connection_the_server_dropped_is_replaced(project, people):
    import psycopg

    service = start(project)
    link = service.url + "unsubscribe/" + tokens(project, people)[0]
    try:
        assert request(link)[0] == 200
        with psycopg.connect(os.environ["PUBLISHER_DATABASE_URL"], autocommit=True) as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid != pg_backend_pid()"
            ).fetchall()
        assert ended == [(True,)]
        assert request(link, ONE_CLICK)[0] == 200
        assert service.app.stores.opened == 2
        assert statuses(project)["p0@example.org"] == "unsubscribed"
    finally:
        service.close()
