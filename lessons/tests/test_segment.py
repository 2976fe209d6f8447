from lessons.segment import segment, words
from lessons.text import body_text


def test_drug_names_and_verbs_are_whole_words_mid_sentence():
    assert "冰毒" in words("有人把冰毒伪装成“奶茶”，同学们要学会坚决拒绝。")
    assert "拒绝" in words("有人把冰毒伪装成“奶茶”，同学们要学会坚决拒绝。")
    assert "依托咪酯" in words("一些电子烟油被添加了依托咪酯。")
    assert "，" not in segment("冰毒，拒绝。")


def test_body_text_skips_teacher_only_blocks_and_ids():
    raw = [
        {"type": "paragraph", "value": "<p>学生可见&amp;内容</p>"},
        {"type": "teacher_note", "value": {"title": "提示", "body": "<p>教师秘密</p>"}},
        {"type": "download", "value": {"document": 7, "title": "教案", "kind": "lesson_plan", "audience": "teachers"}},
        {"type": "download", "value": {"document": 8, "title": "讲义", "kind": "handout", "audience": "everyone"}},
    ]
    text = body_text(raw)
    assert "学生可见&内容" in text and "讲义" in text
    assert "教师秘密" not in text and "教案" not in text and "8" not in text
    assert "教师秘密" in body_text(raw, include_teacher_only=True)
