from wagtail import hooks

from .page_cache import note_served_page

hooks.register("before_serve_page", note_served_page)
