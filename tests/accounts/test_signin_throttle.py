"""Sign-in throttling (django-axes): per account and per address, on the web and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _web(client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": email, "password": password},
                       REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def _api(api_for, email: str, password: str, ip: str = "10.0.0.1"):
    return api_for(None).post("/api/auth/token/", {"email": email, "password": password},
                              format="json", REMOTE_ADDR=ip)


def _let_cool_off_pass() -> None:
    """Time travel: every recorded failure is now older than the cool-off."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


def test_it_throttles_30_wrong_passwords_on_the_web_form(client, officer):
    statuses = [_web(client, officer.email, f"wrong {i}").status_code for i in range(30)]
    # The form answers 200 with an error until the limit; the attempt that reaches it and
    # every one after get 429.
    assert statuses[:LIMIT - 1] == [200] * (LIMIT - 1)
    assert statuses[LIMIT - 1:] == [429] * (30 - LIMIT + 1)
    page = _web(client, officer.email, "wrong again")
    assert page.status_code == 429
    assert "Try again in 15 minutes" in page.content.decode()
    assert int(page["Retry-After"]) == 15 * 60


def test_it_throttles_30_wrong_passwords_on_the_token_endpoint(api_for, officer):
    responses = [_api(api_for, officer.email, f"wrong {i}") for i in range(30)]
    statuses = [r.status_code for r in responses]
    assert statuses[:LIMIT - 1] == [400] * (LIMIT - 1)
    assert statuses[LIMIT - 1:] == [429] * (30 - LIMIT + 1)
    error = responses[-1].json()["error"]
    assert error["code"] == "too_many_attempts"
    assert "Try again in 15 minutes" in error["message"]
    assert error["fields"] == {}
    assert responses[-1]["Retry-After"] == str(15 * 60)


def test_it_refuses_the_right_password_during_the_lockout(client, api_for, officer):
    for i in range(LIMIT):
        _api(api_for, officer.email, f"wrong {i}")
    assert _api(api_for, officer.email, PASSWORD).status_code == 429
    assert _web(client, officer.email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_lets_the_right_password_in_after_the_cool_off(client, api_for, officer):
    for i in range(LIMIT):
        _web(client, officer.email, f"wrong {i}")
    assert _web(client, officer.email, PASSWORD).status_code == 429
    _let_cool_off_pass()
    assert _web(client, officer.email, PASSWORD).status_code == 302
    assert _api(api_for, officer.email, PASSWORD).status_code == 201


def test_it_locks_the_account_from_any_address(api_for, officer):
    """Per account: spreading the guesses over addresses does not help."""
    for i in range(LIMIT):
        _api(api_for, officer.email, f"wrong {i}", ip=f"10.0.1.{i}")
    assert _api(api_for, officer.email, PASSWORD, ip="10.0.2.1").status_code == 429


def test_it_locks_an_address_that_tries_many_accounts(api_for, officer, other_officer):
    """Per address: one guess each at many accounts counts against the address."""
    for i in range(LIMIT):
        _api(api_for, f"person{i}@guess.example", "password1", ip="10.0.3.1")
    assert _api(api_for, other_officer.email, PASSWORD, ip="10.0.3.1").status_code == 429
    # The same account from another address is not affected.
    assert _api(api_for, other_officer.email, PASSWORD, ip="10.0.3.2").status_code == 201


def test_it_counts_the_web_and_the_api_and_any_case_for_one_account(client, api_for, officer):
    for i in range(LIMIT - 1):
        _web(client, officer.email.upper(), f"wrong {i}", ip=f"10.0.4.{i}")
    assert _api(api_for, officer.email, "wrong", ip="10.0.5.1").status_code == 429


def test_it_says_when_to_try_again_in_norwegian(client, officer):
    for i in range(LIMIT):
        _web(client, officer.email, f"wrong {i}")
    page = client.post("/accounts/login/", {"username": officer.email, "password": "x"},
                       REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="nb")
    assert page.status_code == 429
    assert "Prøv igjen om 15 minutter" in page.content.decode()


def test_it_takes_the_client_address_from_the_trusted_proxy(api_for, officer, settings):
    settings.ANBUD_PROXY_COUNT = 1
    for i in range(LIMIT):
        api_for(None).post("/api/auth/token/", {"email": f"p{i}@guess.example", "password": "x"},
                           format="json", REMOTE_ADDR="10.9.9.9",
                           HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 192.0.2.7")
    # 192.0.2.7 (what the proxy saw) is locked; the proxy's own address is not, and the
    # spoofable left-hand entries were ignored.
    locked = api_for(None).post("/api/auth/token/", {"email": officer.email,
                                                     "password": PASSWORD}, format="json",
                                REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert locked.status_code == 429
    free = api_for(None).post("/api/auth/token/", {"email": officer.email, "password": PASSWORD},
                              format="json", REMOTE_ADDR="10.9.9.9",
                              HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert free.status_code == 201
