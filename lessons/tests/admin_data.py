"""POST data for the Wagtail admin's page forms, as the editor's browser would send it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def lesson_form(title="拒绝的技巧", slug="refusal", body=None, **extra):
    data = {
        "title": title,
        "slug": slug,
        "summary": "练习“说不—给理由—提建议—离开”。",
        "class_hours": "0.5",
        "estimated_minutes": "20",
        "activity_type": "class_meeting",
        "tags": "拒绝技巧, 电子烟",
        "quiz": "",
        "body": streamfield(body or [("paragraph", rich_text("<p>面对诱惑要坚决拒绝冰毒。</p>"))]),
        "comments": inline_formset([]),
    }
    data.update(extra)
    form = nested_form_data(data)
    # Checkbox lists post one value per box, which nested_form_data cannot express.
    form.update({"grade_bands": ["junior"], "goals": ["refuse", "skills"]})
    return form


def module_form(title="初中专题", slug="junior-new", **extra):
    data = {
        "title": title,
        "slug": slug,
        "grade_band": "junior",
        "order": "20",
        "summary": "",
        "objectives": rich_text("<ul><li>理解成瘾。</li></ul>"),
        "comments": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)
