from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core import clientid


def _run(request):
    middleware = clientid.ClientIdMiddleware(lambda r: HttpResponse("ok"))
    return middleware(request)


def test_a_new_browser_gets_a_signed_device_id_that_comes_back():
    request = RequestFactory().get("/")
    response = _run(request)
    cookie = response.cookies[clientid.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie.value != request.device_id  # signed, not the bare id

    again = RequestFactory().get("/")
    again.COOKIES[clientid.DEVICE_COOKIE] = cookie.value
    response = _run(again)
    assert again.device_id == request.device_id
    assert clientid.DEVICE_COOKIE not in response.cookies  # nothing to reissue


def test_a_forged_device_cookie_is_replaced():
    request = RequestFactory().get("/")
    request.COOKIES[clientid.DEVICE_COOKIE] = "made-up-by-a-script"
    response = _run(request)
    assert request.device_id != "made-up-by-a-script"
    assert clientid.DEVICE_COOKIE in response.cookies


def test_network_hash_groups_an_ipv6_household_and_never_shows_the_address():
    a = clientid.network_key("2001:db8:1:2::10")
    b = clientid.network_key("2001:db8:1:2:ffff::1")
    c = clientid.network_key("2001:db8:1:3::10")
    assert a == b != c
    v4 = clientid.network_key("203.0.113.7")
    assert v4 and "203" not in v4 and v4 != clientid.network_key("203.0.113.8")
    assert clientid.network_key("::ffff:203.0.113.7") == v4
    assert clientid.network_key("not an address") == "" == clientid.network_key(None)


def test_the_network_hash_is_keyed_by_the_secret():
    before = clientid.network_key("203.0.113.7")
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert clientid.network_key("203.0.113.7") != before
