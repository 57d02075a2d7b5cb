"""One read session per request for the hot reads (``web.reads``): a GET of a view marked to share it reads in
the session the signed-in user was loaded in, the user stays detached as before, and the session is closed when
the request ends; any other request keeps its own sessions."""

from __future__ import annotations

from sqlalchemy import inspect

from jobs.access import accounts
from jobs.storage.enums import Role
from jobs.storage.models import User
from web import reads


def test_a_get_of_the_offers_page_shares_one_session_which_the_request_closes(app, runtime, people_of_every_role):
    seeker = people_of_every_role[Role.SEEKER]
    with runtime.db.session() as session:
        version = session.get(User, seeker.user_id).session_version
    with app.test_request_context("/m/", method="GET"):
        assert reads.sharing()
        with reads.read_session(detach=True) as loaded_in:
            user = accounts.active_user(loaded_in, seeker.user_id, version)
        assert user is not None and inspect(user).detached
        with reads.read_session() as read_in:
            assert read_in is loaded_in and read_in.in_transaction()
    assert not loaded_in.in_transaction()  # closed at the end of the request


def test_posts_and_unmarked_pages_read_in_sessions_of_their_own(app):
    for path, method in (("/m/", "POST"), ("/m/messages", "GET"), ("/nowhere", "GET")):
        with app.test_request_context(path, method=method):
            assert not reads.sharing()
            with reads.read_session() as first:
                pass
            with reads.read_session() as second:
                assert second is not first
