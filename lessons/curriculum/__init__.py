"""The curriculum we wrote, one module per grade, as plain data that `lessons.seed` turns into pages, quizzes and
lesson plans.

How the content was written (docs/curriculum.md has the full guide):
- Goals by stage follow 《中小学毒品预防专题教育大纲》: 小学 识毒 (know common drugs and their simple harms, keep away),
  初中 防毒 and the law (refuse temptation), 高中 and 中职 拒毒 (protect oneself, social responsibility, report).
- Skills first, no fear tactics, no drug-use detail: no methods, doses, prices or ways to obtain anything.
- Every key fact names what states it: a legal fact the article of the law that contains it, a health fact a
  health source (国家卫生健康委, WHO, UNODC World Drug Report), never the law.
- Later grades recall an earlier grade's skill in a "回顾" section (a booster), named by `builds_on`.
"""

from dataclasses import dataclass, field

# Class lengths: 小学 usually 40 minutes, 初中 and 高中 45 (教育部《义务教育课程设置实验方案》 and common timetables).
PRIMARY_MINUTES = 40
SECONDARY_MINUTES = 45

# The four steps of a 教案, in order; a lesson's steps must use exactly these and add up to its class length.
STEP_NAMES = ("导入", "讲授", "活动", "小结")
STEP_NAMES_EN = ("Warm-up", "Teaching", "Activity", "Summary")


@dataclass(frozen=True)
class Scenario:
    title: str
    situation: str
    choices: list[tuple[str, bool, str]]  # (choice, a good choice, what follows it)
    what_to_say: list[str]


@dataclass(frozen=True)
class Illustration:
    file: str  # a file name under site/static/qingdun/curriculum/
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Step:
    name: str  # one of STEP_NAMES (or STEP_NAMES_EN)
    minutes: int
    what: str


@dataclass(frozen=True)
class Question:
    kind: str  # "single", "multiple" or "true_false"
    text: str
    options: list[str]  # the right ones start with "*"
    explanation: str
    difficulty: int = 2


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    goals: list[str]
    tags: list[str]
    sections: list[tuple[str, list[str]]]
    illustration: Illustration
    facts: list[tuple[str, str]]  # (fact, the source that states exactly it)
    question: str
    prompts: list[str]
    scenario: Scenario
    teacher_note: list[str]
    steps: list[Step]
    quiz: list[Question]
    category: str  # the question bank's category: 识毒, 防毒, 拒毒 or 禁毒法
    activity: str = ""
    builds_on: str = ""  # the earlier lesson whose skill this one recalls
    class_hours: str = "1"


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    grade_band: str  # lessons.activities.GradeBand
    grade: int | None  # 5–12, None for a module serving the whole band (中职)
    order: int
    summary: str
    objectives: list[str]
    minutes: int
    lessons: list[Lesson] = field(default_factory=list)
    is_public: bool = False


def modules() -> list[Module]:
    """The Chinese curriculum, from 五年级 to 高二 and 中职."""
    from .grade5 import MODULE as grade5
    from .grade6 import MODULE as grade6
    from .junior1 import MODULE as junior1
    from .junior2 import MODULE as junior2
    from .junior3 import MODULE as junior3
    from .senior1 import MODULE as senior1
    from .senior2 import MODULE as senior2
    from .vocational import MODULE as vocational

    return [grade5, grade6, junior1, junior2, junior3, senior1, senior2, vocational]


def english_modules() -> list[Module]:
    """Translations of one grade's lessons (初二), matched to their sources by slug."""
    from .junior2_en import MODULE as junior2_en

    return [junior2_en]
