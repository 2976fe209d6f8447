"""Demo question bank (识毒, 防毒, 拒毒, 禁毒法 and a survey), one lesson check per category, a district contest,
a pre/post survey, and a few submitted contest attempts so the results page has something to show."""

import random

from django.utils import timezone

from core.seeding import SeedContext

from .formats import ParsedOption, ParsedQuestion, ParseResult
from .importer import import_questions
from .models import (
    Attempt,
    Category,
    Dimension,
    DrawRule,
    Question,
    QuestionKind,
    Quiz,
    QuizKind,
    QuizQuestion,
    Scoring,
)

S, M, TF = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE
IDENTIFY, PREVENT, REFUSE, LAW, SURVEY = "识毒", "防毒", "拒毒", "禁毒法", "态度调查"

# (category, kind, difficulty, text, options with the right ones marked "*", explanation)
BANK = [
    (
        IDENTIFY,
        S,
        1,
        "我国《刑法》所称的毒品是指什么？",
        [
            "*鸦片、海洛因、甲基苯丙胺（冰毒）、吗啡、大麻、可卡因以及国家规定管制的其他能够使人形成瘾癖的麻醉药品和精神药品",
            "只有海洛因和冰毒",
            "所有需要医生处方的药品",
            "香烟和酒",
        ],
        "《中华人民共和国刑法》第三百五十七条对毒品作了明确定义。",
    ),
    (
        IDENTIFY,
        S,
        1,
        "“冰毒”的化学名称是什么？",
        ["*甲基苯丙胺", "氯胺酮", "二乙酰吗啡", "四氢大麻酚"],
        "冰毒即甲基苯丙胺，因外观像冰而得名；氯胺酮俗称“K粉”，海洛因的化学名称是二乙酰吗啡。",
    ),
    (
        IDENTIFY,
        S,
        1,
        "“K粉”是哪种毒品的俗称？",
        ["*氯胺酮", "海洛因", "可卡因", "大麻"],
        "K粉即氯胺酮，滥用会损害记忆力，并导致膀胱等器官的严重损伤。",
    ),
    (
        IDENTIFY,
        S,
        2,
        "海洛因是从哪种植物中提取加工而成的？",
        ["*罂粟", "大麻", "古柯", "麻黄"],
        "从罂粟中得到鸦片，再提炼出吗啡，吗啡经化学加工制成海洛因。",
    ),
    (
        IDENTIFY,
        S,
        2,
        "可卡因是从哪种植物中提取的？",
        ["*古柯", "罂粟", "大麻", "烟草"],
        "可卡因是从古柯叶中提取的生物碱，是一种强烈的中枢神经兴奋剂。",
    ),
    (
        IDENTIFY,
        S,
        3,
        "“摇头丸”的主要成分是什么？",
        ["*亚甲二氧基甲基苯丙胺（MDMA）", "尼古丁", "咖啡因", "维生素C"],
        "摇头丸属于苯丙胺类兴奋剂，主要成分是MDMA，会损害神经系统。",
    ),
    (
        IDENTIFY,
        TF,
        1,
        "一些新型毒品会伪装成奶茶、糖果、饮料等样子，外观很难与普通食品区分。",
        ["*正确", "错误"],
        "“奶茶包”“跳跳糖”等伪装的新型毒品迷惑性很强，不要接受来历不明的食品和饮料。",
    ),
    (
        IDENTIFY,
        TF,
        2,
        "大麻是“软毒品”，吸食不会成瘾，所以在我国是合法的。",
        ["正确", "*错误"],
        "在我国，大麻是法律明确规定的毒品，种植、贩卖、吸食大麻都是违法行为，长期吸食同样会成瘾。",
    ),
    (
        IDENTIFY,
        M,
        2,
        "下列哪些属于毒品？",
        ["*海洛因", "*冰毒", "*摇头丸", "普通咖啡"],
        "海洛因、冰毒和摇头丸都是毒品；日常饮用的咖啡不是毒品。",
    ),
    (
        IDENTIFY,
        TF,
        3,
        "按流行时间和来源，毒品常分为传统毒品、合成毒品和新精神活性物质等。",
        ["*正确", "错误"],
        "鸦片、海洛因等是传统毒品；冰毒、摇头丸等是合成毒品；新精神活性物质又称“策划药”。",
    ),
    (
        PREVENT,
        S,
        1,
        "青少年第一次接触毒品，最常见的原因是什么？",
        ["*好奇心驱使，或受人引诱、欺骗", "治疗疾病的需要", "学校的要求", "为了增强体质"],
        "好奇和受人引诱是青少年初次吸毒的主要原因，要树立“毒品一口也不能尝”的意识。",
    ),
    (
        PREVENT,
        S,
        1,
        "在聚会或娱乐场所，陌生人递来一杯饮料，正确的做法是什么？",
        [
            "*礼貌拒绝，不喝陌生人给的饮料；自己的饮料离开视线后也不再喝",
            "先尝一小口再说",
            "朋友都喝了，我也喝",
            "加冰后就安全了",
        ],
        "不法分子可能在饮料中掺入毒品，要保管好自己的饮料，不接受陌生人的食物和饮料。",
    ),
    (
        PREVENT,
        M,
        2,
        "以下哪些是预防吸毒的正确做法？",
        [
            "*不结交有吸毒、贩毒行为的人",
            "*不进入未成年人不宜进入的娱乐场所",
            "*不接受陌生人给的香烟、饮料",
            "考试前偶尔服用“聪明药”提神",
        ],
        "所谓“聪明药”多为国家管制的精神药品，滥用会成瘾，损害身心健康。",
    ),
    (
        PREVENT,
        TF,
        1,
        "吸一次毒不会上瘾，所以可以试一试。",
        ["正确", "*错误"],
        "毒品成瘾性极强，有的毒品吸食一次就可能产生依赖。千万不要有“试一试”的想法。",
    ),
    (
        PREVENT,
        S,
        1,
        "心情不好或学习压力大时，下列做法正确的是哪一项？",
        ["*向家长、老师或朋友倾诉，或参加体育运动", "喝酒解闷", "尝试别人说能“减压”的药丸", "独自去酒吧散心"],
        "用健康的方式调节情绪，遇到困难及时求助，不要用酒精或药物逃避。",
    ),
    (
        PREVENT,
        TF,
        2,
        "所谓“聪明药”可以随便服用来提高学习成绩。",
        ["正确", "*错误"],
        "被称为“聪明药”的哌甲酯、莫达非尼等属于国家管制的精神药品，必须在医生指导下凭处方使用，滥用会成瘾。",
    ),
    (
        PREVENT,
        M,
        2,
        "吸毒对个人的危害包括哪些？",
        [
            "*损害大脑和心、肝、肾等器官",
            "*共用注射器容易感染艾滋病、肝炎等疾病",
            "*可能导致幻觉、妄想等精神障碍",
            "能提高学习能力",
        ],
        "毒品严重损害身心健康，还会毁掉学业、家庭和前途。",
    ),
    (
        PREVENT,
        S,
        1,
        "每年的“国际禁毒日”是哪一天？",
        ["*6月26日", "12月1日", "3月15日", "5月31日"],
        "6月26日是国际禁毒日；12月1日是世界艾滋病日，5月31日是世界无烟日。",
    ),
    (
        PREVENT,
        TF,
        3,
        "长期吸食冰毒可能导致幻觉、妄想等精神病性症状。",
        ["*正确", "错误"],
        "冰毒会严重损害中枢神经系统，长期吸食可导致“冰毒精神病”。",
    ),
    (
        REFUSE,
        S,
        1,
        "有人劝你尝试一种“吸了很放松”的烟，你应该怎么做？",
        ["*坚决拒绝并离开，必要时告诉老师或家长", "先吸一口看看", "为了不伤面子就接受", "买下来以后再说"],
        "面对诱惑要坚定地说“不”，并远离引诱你的人。",
    ),
    (
        REFUSE,
        S,
        2,
        "面对毒品诱惑，下列哪种拒绝方法最恰当？",
        ["*明确说“不”，并迅速离开现场", "说“下次再说”，留在原地", "假装接受，回家后扔掉", "和对方争吵动手"],
        "明确拒绝并离开是最安全的做法；不要给对方继续劝说的机会。",
    ),
    (
        REFUSE,
        M,
        2,
        "拒绝毒品的有效方法有哪些？",
        ["*直接拒绝法", "*转移话题法", "*借故离开法", "接受一点点，以免伤了朋友的面子"],
        "拒绝毒品没有“一点点”可言，真正的朋友不会让你碰毒品。",
    ),
    (
        REFUSE,
        TF,
        1,
        "发现有人在校园附近贩卖毒品，可以拨打110报警或向学校报告。",
        ["*正确", "错误"],
        "举报毒品违法犯罪是每个公民的权利和责任，公安机关会为举报人保密。",
    ),
    (
        REFUSE,
        TF,
        2,
        "只要自己不吸毒，帮朋友带一小包“东西”过安检没有关系。",
        ["正确", "*错误"],
        "替人携带来历不明的物品可能被利用运输毒品。根据《刑法》，运输毒品无论数量多少，都应当追究刑事责任。",
    ),
    (
        REFUSE,
        S,
        2,
        "如果怀疑自己误食了掺有毒品的食物，应该怎么办？",
        ["*立即告诉家长或老师，必要时就医并报警", "不告诉任何人，自己休息", "再多吃一些看看反应", "找卖东西的人理论"],
        "及时求助和就医可以减少伤害，报警可以帮助警方打击违法犯罪。",
    ),
    (
        REFUSE,
        TF,
        1,
        "远离香烟和酒精，也有助于远离毒品。",
        ["*正确", "错误"],
        "很多吸毒者是从吸烟、酗酒开始的，养成健康的生活习惯是预防吸毒的第一步。",
    ),
    (
        LAW,
        S,
        2,
        "《中华人民共和国禁毒法》自哪一年起施行？",
        ["*2008年", "1990年", "2015年", "2021年"],
        "《禁毒法》于2007年12月29日通过，自2008年6月1日起施行。",
    ),
    (
        LAW,
        S,
        2,
        "根据我国《刑法》，走私、贩卖、运输、制造毒品，无论数量多少，都应当怎样？",
        ["*追究刑事责任，予以刑事处罚", "数量少的不处罚", "只进行批评教育", "只没收毒品"],
        "《刑法》第三百四十七条规定：走私、贩卖、运输、制造毒品，无论数量多少，都应当追究刑事责任，予以刑事处罚。",
    ),
    (
        LAW,
        S,
        2,
        "根据《禁毒法》，吸毒成瘾人员应当怎样做？",
        ["*进行戒毒治疗", "自行减少吸食量", "不需要任何处理", "只需向家人保证"],
        "《禁毒法》规定，吸毒成瘾人员应当进行戒毒治疗。",
    ),
    (
        LAW,
        TF,
        1,
        "根据《禁毒法》，禁毒是全社会的共同责任。",
        ["*正确", "错误"],
        "《禁毒法》第三条规定：禁毒是全社会的共同责任。",
    ),
    (
        LAW,
        S,
        3,
        "我国禁毒工作实行什么方针？",
        ["*预防为主，综合治理，禁种、禁制、禁贩、禁吸并举", "打击为主，预防为辅", "只禁贩不禁吸", "以戒毒治疗为主"],
        "《禁毒法》第四条规定了这一方针。",
    ),
    (
        LAW,
        TF,
        2,
        "未成年人吸毒不违法，不会受到任何处理。",
        ["正确", "*错误"],
        "吸毒是违法行为，未成年人也要依法承担相应责任；吸毒成瘾的还要进行戒毒治疗。",
    ),
    (
        LAW,
        M,
        3,
        "根据《禁毒法》，下列哪些单位负有开展禁毒宣传教育的责任？",
        ["*学校", "*新闻、出版、广播、电视等单位", "*居民委员会、村民委员会", "只有公安机关，其他单位没有责任"],
        "《禁毒法》规定，教育行政部门和学校应当将禁毒知识纳入教育、教学内容；新闻、出版等单位和居民委员会、村民委员会也负有禁毒宣传教育的责任。",
    ),
]
AGREE = ["非常同意", "比较同意", "不确定", "不太同意", "非常不同意"]
ATTITUDES = [
    ("如果朋友让我尝试毒品，我会拒绝。", [100, 75, 50, 25, 0]),
    ("我认为偶尔吸一次毒品没什么大不了。", [0, 25, 50, 75, 100]),
    ("如果发现有人吸毒或贩毒，我愿意向老师、家长或警察报告。", [100, 75, 50, 25, 0]),
]
SURVEY_KNOWLEDGE = [
    "大麻是“软毒品”，吸食不会成瘾，所以在我国是合法的。",
    "吸一次毒不会上瘾，所以可以试一试。",
    "每年的“国际禁毒日”是哪一天？",
]
MULTIPLE_PARTIAL = {"根据《禁毒法》，下列哪些单位负有开展禁毒宣传教育的责任？"}


def _parsed() -> list[ParsedQuestion]:
    questions = []
    for index, (category, kind, difficulty, text, options, explanation) in enumerate(BANK, start=1):
        right = [o for o in options if o.startswith("*")]
        partial = text in MULTIPLE_PARTIAL
        options_parsed = [
            ParsedOption(o.lstrip("*"), (100 // len(right) if partial else 100) if o.startswith("*") else 0)
            for o in options
        ]
        if partial:
            options_parsed[-1].weight = -100
        questions.append(
            ParsedQuestion(
                line=index,
                text=text,
                kind=kind,
                options=options_parsed,
                explanation=explanation,
                category=category,
                scoring=Scoring.PARTIAL if partial else Scoring.ALL_OR_NOTHING,
                difficulty=difficulty,
                tags=[category],
                grade_bands=["primary_upper", "junior"] if difficulty == 1 else ["junior", "senior", "vocational"],
            )
        )
    for index, (text, weights) in enumerate(ATTITUDES, start=len(BANK) + 1):
        questions.append(
            ParsedQuestion(
                line=index,
                text=text,
                kind=S,
                options=[ParsedOption(label, weight) for label, weight in zip(AGREE, weights, strict=True)],
                category=SURVEY,
                dimension=Dimension.ATTITUDE,
                difficulty=1,
                tags=["态度"],
            )
        )
    return questions


def _quiz(title: str, **fields) -> tuple[Quiz, bool]:
    quiz = Quiz.objects.filter(title=title).first()
    if quiz is not None:
        return quiz, False
    quiz = Quiz(title=title, live=True, **fields)
    quiz.save()
    quiz.save_revision().publish()
    return quiz, True


def seed_quizzes(ctx: SeedContext) -> None:
    existing = set(Question.objects.values_list("text", flat=True))
    fresh = [q for q in _parsed() if q.text not in existing]
    if fresh:
        import_questions(ParseResult(questions=fresh), publish=True)
    categories = {c.name: c for c in Category.objects.filter(name__in=[IDENTIFY, PREVENT, REFUSE, LAW, SURVEY])}

    for name in (IDENTIFY, PREVENT, REFUSE, LAW):
        quiz, created = _quiz(
            f"课后小测：{name}",
            kind=QuizKind.LESSON_CHECK,
            intro="学完本课后做一做，检查一下自己掌握得怎么样。",
            time_limit_minutes=10,
            attempts_allowed=3,
            pass_percent=60,
        )
        if created:
            DrawRule.objects.create(quiz=quiz, count=5, category=categories[name], sort_order=0)

    contest, created = _quiz(
        "青山区青少年禁毒知识竞赛",
        kind=QuizKind.CONTEST,
        intro="全区中小学生禁毒知识竞赛：共10题，限时15分钟，只有一次机会。",
        time_limit_minutes=15,
        attempts_allowed=1,
        pass_percent=60,
        open_to_all_students=True,
        show_answers="after_submit",
    )
    if created:
        for order, (name, count, hardest) in enumerate(
            [(IDENTIFY, 3, 2), (PREVENT, 3, 2), (REFUSE, 2, 5), (LAW, 2, 5)]
        ):
            DrawRule.objects.create(
                quiz=contest, count=count, category=categories[name], max_difficulty=hardest, sort_order=order
            )

    survey_questions = list(Question.objects.filter(text__in=SURVEY_KNOWLEDGE).order_by("pk")) + list(
        Question.objects.filter(category=categories[SURVEY]).order_by("pk")
    )
    pre, created = _quiz(
        "禁毒教育前测问卷",
        kind=QuizKind.SURVEY,
        intro="本问卷不计分，请根据自己的真实想法作答。",
        survey_phase="pre",
        open_to_all_students=True,
        shuffle_questions=False,
        shuffle_options=False,
        show_answers="never",
    )
    if created:
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=pre, question=q, sort_order=i) for i, q in enumerate(survey_questions)]
        )
    post, created = _quiz(
        "禁毒教育后测问卷",
        kind=QuizKind.SURVEY,
        intro="学完禁毒课程后再做一次，看看自己的变化。本问卷不计分。",
        survey_phase="post",
        pre_survey=pre,
        open_to_all_students=True,
        shuffle_questions=False,
        shuffle_options=False,
        show_answers="never",
    )
    if created:
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=post, question=q, sort_order=i) for i, q in enumerate(survey_questions)]
        )
    _demo_attempts(ctx, contest)
    ctx.say(f"quizzes: {Question.objects.count()} questions, {Quiz.objects.count()} quizzes")


def _demo_attempts(ctx: SeedContext, contest: Quiz) -> None:
    """Submitted contest attempts for one class, so teachers see results and item statistics."""
    from people.models import Student

    from . import services

    if Attempt.objects.filter(quiz=contest).exists():
        return
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    students = Student.objects.filter(user__username__startswith="330102-").order_by("student_number")[:12]
    for skill, student in enumerate(students):
        started = timezone.now() - timezone.timedelta(hours=2, minutes=skill)
        attempt = services.start_or_resume_attempt(student, contest, now=started, device_id=f"demo-{skill}")
        for item in attempt.paper:
            weights = attempt.answer_key[str(item["q"])]["w"]
            right = [int(o) for o, w in weights.items() if w > 0]
            wrong = [int(o) for o, w in weights.items() if w <= 0]
            pick = right if rng.random() < 0.45 + skill * 0.045 or not wrong else [rng.choice(wrong)]
            if attempt.answer_key[str(item["q"])]["k"] != "multiple":
                pick = pick[:1]
            services.save_answer(attempt, item["q"], pick, now=started + timezone.timedelta(seconds=30))
        services.submit_attempt(attempt.pk, now=started + timezone.timedelta(minutes=6 + skill % 5))
