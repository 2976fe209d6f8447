"""Plain text is kept as typed (escaped once, at output); HTML is cleaned by nh3 before validation."""

import pytest
from django import forms
from django.utils import translation

from core.sanitize import HtmlField, NameField, PlainTextField, clean_html, clean_plain, has_markup


def test_plain_text_keeps_what_was_typed():
    assert clean_plain("  A > B & C  ") == "A > B & C"
    assert clean_plain("a<3 & 1 < 2") == "a<3 & 1 < 2"
    assert clean_plain(None) == "" and clean_plain("") == ""


def test_plain_text_drops_control_and_direction_characters():
    assert clean_plain("张\x00三\x1b\x7f") == "张三"
    assert clean_plain("evil\u202egpj.exe") == "evilgpj.exe"
    assert clean_plain("one\r\ntwo\tthree") == "one two three"
    assert clean_plain(" one\r\ntwo\tthree\x07 ", multiline=True) == "one\ntwo\tthree"


@pytest.mark.parametrize("text", ["<b>张三</b>", "</p>", "<!-- x -->", "< script>", "<img src=x onerror=alert(1)>"])
def test_markup_is_recognised(text):
    assert has_markup(text)


@pytest.mark.parametrize("text", ["A > B & C", "a<3", "1 < 2", "张三", ""])
def test_text_with_angle_brackets_is_not_markup(text):
    assert not has_markup(text)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class _Form(forms.Form):
    name = NameField(max_length=40)
    title = PlainTextField(max_length=20)
    body = HtmlField()


def test_a_name_of_only_markup_is_refused_with_a_clear_message():
    form = _Form({"name": "<b></b><script>x</script>", "title": "t", "body": "<p>x</p>"})
    assert not form.is_valid()
    assert form.errors["name"] == ["A name cannot contain markup such as <b> or <script>. Type the name as plain text."]


def test_plain_text_is_cleaned_before_required_and_length_are_checked():
    form = _Form({"name": "张三", "title": " \x00\x01 ", "body": "<p>x</p>"})
    assert not form.is_valid() and form.errors["title"] == ["This field is required."]
    form = _Form({"name": "张三", "title": "A > B & C", "body": "<p>x</p>"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "A > B & C"


def test_html_loses_scripts_and_handlers_before_validation():
    form = _Form({"name": "张三", "title": "t", "body": "<script>alert(1)</script>"})
    assert not form.is_valid() and form.errors["body"] == ["This field is required."]
    form = _Form({"name": "张三", "title": "t", "body": '<p onclick="steal()">Hi<script>x</script></p>'})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == "<p>Hi</p>"


def test_html_keeps_allowed_formatting():
    assert clean_html('<p><strong>A &gt; B</strong> <a href="javascript:x()">x</a></p>') == (
        '<p><strong>A &gt; B</strong> <a rel="noopener noreferrer nofollow">x</a></p>'
    )
