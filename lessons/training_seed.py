"""The demo's teacher-training course (师资培训): how to teach drug prevention without fear tactics, how to teach
refusal skills, and what a 法治副校长 does; with a five-question test from the question bank."""

from decimal import Decimal

from wagtail.models import Locale

from core.seeding import SeedContext
from quizzes.models import Category, Option, Question, QuestionKind, Scoring

from .models import CurriculumIndexPage, TrainingCoursePage

TITLE = "教师培训：不靠恐吓的禁毒教育与拒绝技能教学"
SUMMARY = "面向班主任和任课教师：以事实和技能为本开展禁毒教育，教会学生拒绝，并与法治副校长配合上好法治课。"
PARAGRAPHS = [
    "<p><b>一、为什么不用恐吓。</b>研究和实践都表明，只展示吸毒者惨状、血腥图片的“恐吓式”宣传，很难改变青少年的行为，"
    "还可能让学生觉得“那离我很远”，或因好奇而试探。有效的预防教育讲准确的事实，同时培养学生的社会情感能力和拒绝技能，"
    "并让学生知道身边大多数同龄人并不使用毒品。</p>",
    "<p><b>二、讲事实，不讲方法。</b>向学生说明毒品会使人成瘾、损害大脑发育，吸食、持有毒品违法；可以介绍新型毒品常见的"
    "伪装外形（如“奶茶”“跳跳糖”“电子烟油”），但不描述任何吸食、制作或获取方式，也不使用可能引起模仿的细节。</p>",
    "<p><b>三、教拒绝技能。</b>拒绝要练习才会用。课堂上可用情景角色扮演：坚定地说“不”，说明理由或转移话题，"
    "必要时马上离开，并告诉家长、老师或拨打110。让每个学生至少练一次，教师点评语气和身体姿态，不嘲笑、不贴标签。</p>",
    "<p><b>四、关心而不指责。</b>学生说起身边可疑的人和事，或坦白自己接触过，要耐心倾听、保护隐私，"
    "按学校规定及时报告并联系家长，不当众点名批评。</p>",
    "<p><b>五、法治副校长做什么。</b>法治副校长一般由公安、法院、检察院、司法行政等部门的工作人员担任，由学校聘任。"
    "他们协助学校开展法治教育和禁毒教育，每学期为学生上法治课，参与学校安全和学生保护工作，"
    "协助处理涉及学生的违法问题。班主任可与法治副校长一起备课：教师负责贴近学生的情境和技能练习，"
    "法治副校长讲解法律后果和真实但不渲染的案例。</p>",
]
# (question, options with * marking the right one, explanation)
QUESTIONS = [
    (
        "以下哪一种做法最符合有效的禁毒预防教育？",
        [
            "反复播放吸毒者的惨状图片",
            "*讲清事实并组织学生练习拒绝技能",
            "详细介绍各种毒品的吸食方式",
            "只在国际禁毒日讲一次",
        ],
        "恐吓和细节描述无效甚至有害；有效的教育讲事实、练技能、持续开展。",
    ),
    (
        "在课堂上介绍新型毒品时，教师应当避免的是？",
        ["介绍常见的伪装外形", "说明成瘾和违法后果", "*描述吸食或获取毒品的具体方法", "提醒学生不接受来历不明的饮料"],
        "可以讲伪装外形和后果，但不讲任何使用、制作或获取方法，以免引起模仿。",
    ),
    (
        "练习拒绝技能时，下列哪一项不是推荐的做法？",
        ["坚定地说“不”", "找理由或转移话题", "马上离开并告诉大人", "*为了不得罪朋友先尝一点再说"],
        "拒绝要坚决，离开并求助；“先尝一点”正是拒绝技能要防止的。",
    ),
    (
        "法治副校长通常由哪些人员担任？",
        ["学校的任课教师", "*公安、法院、检察院、司法行政等部门的工作人员", "学生家长代表", "社会培训机构的讲师"],
        "法治副校长由学校从政法等部门聘任，协助学校开展法治教育。",
    ),
    (
        "学生向你坦白曾接触过毒品，恰当的处理是？",
        ["在班会上点名批评以警示他人", "*耐心倾听、保护隐私，按规定报告并联系家长", "假装不知道", "让学生自己想办法"],
        "关心而不指责，保护隐私，并按学校规定报告和联系家长。",
    ),
]


def _questions(locale: Locale) -> list[Question]:
    category = Category.objects.get_or_create(name="师资培训")[0]
    made = []
    for text, options, explanation in QUESTIONS:
        question = Question.objects.filter(text=text, locale=locale).first()
        if question is None:
            question = Question.objects.create(
                category=category,
                kind=QuestionKind.SINGLE,
                scoring=Scoring.ALL_OR_NOTHING,
                text=text,
                explanation=explanation,
                locale=locale,
                live=True,
            )
            Option.objects.bulk_create(
                [
                    Option(question=question, text=o.lstrip("*"), weight=100 if o.startswith("*") else 0, sort_order=i)
                    for i, o in enumerate(options)
                ]
            )
        made.append(question)
    return made


def seed_training(ctx: SeedContext) -> None:
    chinese = Locale.get_default()
    index = CurriculumIndexPage.objects.filter(locale=chinese).first()
    if index is None or TrainingCoursePage.objects.filter(locale=chinese, title=TITLE).exists():
        return
    course = TrainingCoursePage(
        title=TITLE,
        slug="teacher-training-prevention",
        summary=SUMMARY,
        hours=Decimal("2.0"),
        pass_mark=80,
        body=[("paragraph", text) for text in PARAGRAPHS],
    )
    index.add_child(instance=course)
    for order, question in enumerate(_questions(chinese)):
        course.test_questions.create(question=question, sort_order=order)
    course.save_revision().publish()
    ctx.say("  1 teacher-training course with a 5-question test.")
