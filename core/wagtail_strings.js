// Strings of Wagtail 8.0's admin JavaScript that its zh_Hans djangojs catalogue leaves untranslated (the
// StreamField block chooser's "Insert a block", autosave and content-metrics texts). Wagtail's JavaScriptCatalog
// view merges our locale/<lang>/LC_MESSAGES/djangojs.mo after its own, so our words are the ones the admin shows.
// This file is never served or loaded: `makemessages -d djangojs --no-obsolete` scans it so that these msgids stay
// in our catalogue (see core/wagtail_strings.py for the Python ones).
/* global gettext, ngettext */
gettext("(%(number)s new items in this menu)");
gettext("(1 new item in this menu)");
gettext("(New)");
ngettext("%(num)s error", "%(num)s errors", 1);
ngettext("%(num)s min", "%(num)s mins", 1);
ngettext("%(num)s pixel", "%(num)s pixels", 1);
gettext("%(time_zone_option)s: %(localized_time_zone_label)s");
gettext("A network error occurred.");
gettext("A server error occurred.");
gettext("Autosave in progress…");
gettext("Blocks");
gettext("Changes have been autosaved.");
gettext("Complex");
gettext("Error while sending preview data.");
gettext("Fair");
gettext("Good");
gettext("Insert a block");
gettext("Split block");
gettext("Write something or type ‘/’ to insert a block");
