from django.utils.translation import override

from quizzes.formats import gift

FULL = r"""// A comment line is ignored.
$CATEGORY: $course$/top/识毒

::冰毒::冰毒的化学名称是？{
=甲基苯丙胺#对，冰毒即甲基苯丙胺。
~氯胺酮#氯胺酮俗称K粉。
~二乙酰吗啡
####冰毒因外观像冰而得名。
}

// qingdun: difficulty=3; tags=新型毒品,伪装; bands=junior,senior
[html]<p>下列哪些<b>属于</b>毒品？</p>{
~%50%海洛因
~%50%冰毒
~%-100%普通咖啡#咖啡不是毒品。
}

大麻在我国是合法的。{F#错：大麻是毒品。#对，大麻在我国是毒品。}

吸毒一次也可能成瘾。{TRUE}

$CATEGORY: 禁毒法

[markdown]比例 50\% 与符号 \~ \= \# \{ \} \: 都能写进题目。{=可以\: 转义 ~不可以}

我国禁毒工作实行 {=预防为主 ~打击为主} 的方针。

单选也能部分得分。{=全对 ~%50%半对 ~全错}
"""


def test_every_supported_feature():
    result = gift.parse(FULL)
    assert result.errors == [] and result.unsupported == []
    q = result.questions
    assert len(q) == 7

    assert (q[0].category, q[0].title, q[0].text, q[0].kind) == ("识毒", "冰毒", "冰毒的化学名称是？", "single")
    assert [(o.text, o.weight, o.feedback) for o in q[0].options] == [
        ("甲基苯丙胺", 100, "对，冰毒即甲基苯丙胺。"),
        ("氯胺酮", 0, "氯胺酮俗称K粉。"),
        ("二乙酰吗啡", 0, ""),
    ]
    assert q[0].explanation == "冰毒因外观像冰而得名。"
    assert q[0].line == 4

    assert (q[1].kind, q[1].scoring, q[1].text_format) == ("multiple", "partial", "html")
    assert q[1].text == "<p>下列哪些<b>属于</b>毒品？</p>"
    assert [o.weight for o in q[1].options] == [50, 50, -100]
    assert (q[1].difficulty, q[1].tags, q[1].grade_bands) == (3, ["新型毒品", "伪装"], ["junior", "senior"])

    assert q[2].kind == "true_false"
    assert [(o.weight, o.feedback) for o in q[2].options] == [(0, "错：大麻是毒品。"), (100, "对，大麻在我国是毒品。")]
    assert q[3].kind == "true_false" and [o.weight for o in q[3].options] == [100, 0]

    assert q[4].category == "禁毒法" and q[4].text_format == "markdown"
    assert q[4].text == "比例 50% 与符号 ~ = # { } : 都能写进题目。"
    assert [o.text for o in q[4].options] == ["可以: 转义", "不可以"]

    assert q[5].text == "我国禁毒工作实行 ____ 的方针。"  # missing-word form
    assert q[6].kind == "single" and [o.weight for o in q[6].options] == [100, 50, 0]


def test_short_forms_of_true_false():
    result = gift.parse("甲{T}\n\n乙{F}\n\n丙{TRUE}\n\n丁{FALSE}\n")
    assert [[o.weight for o in q.options] for q in result.questions] == [[100, 0], [0, 100], [100, 0], [0, 100]]


@override("en")
def test_unsupported_types_are_listed_with_line_numbers_not_dropped():
    text = (
        "写一篇短文。{}\n\n1+1=? {#2}\n\n配对 {=海洛因 -> 罂粟 =可卡因 -> 古柯}\n\n"
        "填空 {=罂粟 =鸦片}\n\n只是说明文字。\n\n好题 {=对 ~错}\n"
    )
    result = gift.parse(text)
    assert result.errors == []
    assert result.unsupported == [
        (1, "essay"),
        (3, "numerical"),
        (5, "matching"),
        (7, "short answer"),
        (9, "description (no answers)"),
    ]
    assert len(result.questions) == 1


def test_malformed_input_gives_line_numbered_errors():
    text = (
        "好题 {=对 ~错}\n\n"  # 1
        "没有闭合\n的答案 {=对 ~错\n\n"  # 3-4
        "::没闭合的标题 题目 {=对 ~错}\n\n"  # 6
        "坏权重 {~%abc%甲 =乙}\n\n"  # 8
        "没有正确答案 {~甲 ~乙}\n\n"  # 10
        "空选项 {= ~乙}\n\n"  # 12
        "两个答案块 {=甲 ~乙} 又一个 {=丙 ~丁}\n\n"  # 14
        "权重越界 {~%150%甲 =乙}\n\n"  # 16
        "[wrong]格式 {=甲 ~乙}\n\n"  # 18
        "前面有字 {答案 =甲 ~乙}\n"  # 20
    )
    result = gift.parse(text)
    assert [line for line, _ in result.errors] == [4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert all(message for _, message in result.errors)
    assert len(result.questions) == 1


def test_comments_between_lines_and_windows_line_breaks():
    from quizzes.formats.base import decode

    data = "// 注释\r\n题目\r\n// 中间的注释\r\n{=对\r\n~错}\r\n".encode()
    result = gift.parse(decode(data))
    assert result.errors == [] and result.questions[0].text == "题目"


def test_escape_round_trip():
    for text in ["a ~ b = c # d { e } f : g", "反斜杠 \\ 也可以", "两行\n文字"]:
        assert gift.parse(gift.escape(text) + " {=是 ~否}").questions[0].text == text.strip()
