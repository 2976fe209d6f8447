import io

from django.utils.translation import override
from openpyxl import Workbook

from quizzes.formats import aiken, detect_format, parse_file, table

AIKEN = """国际禁毒日是哪一天？
A. 6月26日
B. 12月1日
C. 3月15日
ANSWER: A

下列哪些是毒品？
A) 海洛因
B) 冰毒
C) 咖啡
ANSWER: A,B
"""


def test_aiken():
    result = aiken.parse(AIKEN)
    assert result.errors == []
    first, second = result.questions
    assert (first.text, first.kind, [o.weight for o in first.options]) == (
        "国际禁毒日是哪一天？",
        "single",
        [100, 0, 0],
    )
    assert (second.kind, [o.weight for o in second.options], second.line) == ("multiple", [100, 100, 0], 7)
    assert detect_format("q.txt", AIKEN.encode()) == "aiken"


def test_aiken_errors_have_line_numbers():
    text = "题一\nA. 甲\nB. 乙\nANSWER: D\n\n题二\nA. 甲\nB. 乙\n\n题三\nA. 甲\nANSWER: A\n"
    result = aiken.parse(text)
    assert [line for line, _ in result.errors] == [4, 6, 12]
    assert result.questions == []


TEMPLATE_ROWS = [
    ["分类", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "标签", "学段"],
    [
        "识毒",
        "单选",
        "冰毒的化学名称是？",
        "甲基苯丙胺",
        "氯胺酮",
        "吗啡",
        "",
        "A",
        "冰毒即甲基苯丙胺。",
        "1",
        "新型毒品、合成毒品",
        "初中、高中",
    ],
    ["拒毒", "", "拒绝毒品的方法有哪些？", "直接拒绝", "借故离开", "接受一点点", "", "AB", "", "较难", "", ""],
    ["禁毒法", "判断", "禁毒是全社会的共同责任。", "", "", "", "", "正确", "禁毒法第三条。", "", "", ""],
]


def _csv(rows, encoding):
    return "\n".join(",".join(row) for row in rows).encode(encoding)


@override("en")
def test_template_in_utf8_and_gbk_csv_reads_the_same():
    for data in (_csv(TEMPLATE_ROWS, "utf-8"), _csv(TEMPLATE_ROWS, "utf-8-sig"), _csv(TEMPLATE_ROWS, "gbk")):
        result = parse_file("题库.csv", data)
        assert result.errors == [], result.errors
        single, multiple, tf = result.questions
        assert (single.category, single.kind, [o.weight for o in single.options]) == ("识毒", "single", [100, 0, 0])
        assert (single.difficulty, single.tags, single.grade_bands) == (
            1,
            ["新型毒品", "合成毒品"],
            ["junior", "senior"],
        )
        assert (multiple.kind, multiple.difficulty, [o.weight for o in multiple.options]) == (
            "multiple",
            4,
            [100, 100, 0],
        )
        assert (tf.kind, [o.text for o in tf.options], [o.weight for o in tf.options]) == (
            "true_false",
            ["True", "False"],
            [100, 0],
        )


def test_template_in_xlsx():
    workbook = Workbook()
    for row in TEMPLATE_ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_file("anything.bin", buffer.getvalue())
    assert result.errors == [] and len(result.questions) == 3


def test_template_errors_name_the_spreadsheet_row():
    rows = [
        TEMPLATE_ROWS[0],
        ["识毒", "单选", "", "甲", "乙", "", "", "A", "", "", "", ""],
        ["识毒", "单选", "题目", "甲", "乙", "", "", "E", "", "", "", ""],
        ["识毒", "问答", "题目", "甲", "乙", "", "", "A", "", "", "", ""],
        ["识毒", "单选", "题目", "甲", "乙", "", "", "A", "", "9", "", "大学"],
    ]
    result = parse_file("x.csv", _csv(rows, "utf-8"))
    assert sorted({line for line, _ in result.errors}) == [2, 3, 4, 5]
    assert result.questions == []
    missing = parse_file("x.csv", _csv([["题目", "选项A"], ["甲", "乙"]], "utf-8"))
    assert missing.errors and missing.errors[0][0] == 1


def test_export_rows_have_the_template_headers():
    assert table.HEADERS[:4] == ["分类", "题型", "标题", "题干"] and "答案" in table.HEADERS
