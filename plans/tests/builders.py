"""A small district built by hand for the figures tests: every number in the tests is worked out from this."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from classroom.integrity.flags import raise_flag
from classroom.models import Activity, ActivityClass, ClassHourLog, FlagRule, FlagStatus
from people.models import Enrollment, SchoolClass, SchoolKind, SchoolYear
from people.testing import make_district, make_school, make_student, make_user
from plans.planning import copy_plan, national_template
from quizzes import counting
from quizzes.models import Attempt, Counting, Quiz, QuizKind, SurveyPhase

_seed = itertools.count(1)


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


def make_quiz(title="禁毒知识", kind=QuizKind.LESSON_CHECK, counting=Counting.BEST, phase="") -> Quiz:
    return Quiz.objects.create(title=title, kind=kind, counting=counting, survey_phase=phase, pass_percent=60)


def attempt(student, quiz, number, percent, when, school_class=None, passed=None) -> Attempt:
    return Attempt.objects.create(
        student=student,
        quiz=quiz,
        school=student.school,
        school_class=school_class,
        number=number,
        seed=next(_seed),
        started_at=when,
        submitted_at=when,
        score=percent / 10,
        max_score=10,
        percent=percent,
        passed=counting.passed_at(quiz, percent) if passed is None else passed,
    )


class HandDistrict:
    """School A: class 8-1 in 2025 (s1–s4) promoted to 9-1 in 2026; school B: one class, no attempts.

    s3 left the school on 2025-12-15 (term 1); s4 joined on 2026-03-01 (term 2). s1 and s3 have signed in.
    """

    def __init__(self):
        self.year = SchoolYear.get_or_create_for(2025)
        self.next_year = SchoolYear.get_or_create_for(2026)
        self.district = make_district("HD", "手算区教育局")
        self.school = make_school(self.district, "HA", SchoolKind.JUNIOR, name="手算一中", township="东镇")
        self.school_b = make_school(self.district, "HB", SchoolKind.JUNIOR, name="手算二中", township="西镇")
        self.class_a = SchoolClass.objects.create(school=self.school, school_year=self.year, grade=8, number=1)
        self.class_b = SchoolClass.objects.create(school=self.school_b, school_year=self.year, grade=8, number=1)
        self.s1 = make_student(self.class_a, "a1")
        self.s2 = make_student(self.class_a, "a2")
        self.s3 = make_student(self.class_a, "a3", left_on=datetime.date(2025, 12, 15))
        self.s4 = make_student(self.class_a, "a4")
        Enrollment.objects.filter(student=self.s4).update(joined_on=datetime.date(2026, 3, 1))
        self.b1 = make_student(self.class_b, "b1")
        self.b2 = make_student(self.class_b, "b2")
        for student in (self.s1, self.s3):
            student.user.last_login = at(2025, 9, 5)
            student.user.save(update_fields=["last_login"])

        self.q1 = make_quiz("第一课测验", counting=Counting.BEST)
        self.q2 = make_quiz("期末测试", kind=QuizKind.TERM_TEST, counting=Counting.LAST)
        self.pre = make_quiz("前测", kind=QuizKind.SURVEY, counting=Counting.LAST, phase=SurveyPhase.PRE)
        self.post = make_quiz("后测", kind=QuizKind.SURVEY, counting=Counting.LAST, phase=SurveyPhase.POST)
        ca = self.class_a
        attempt(self.s1, self.q1, 1, 50, at(2025, 10, 10), ca)  # best of two counts: 100
        self.s1_q1_best = attempt(self.s1, self.q1, 2, 100, at(2025, 10, 11), ca)
        attempt(self.s3, self.q1, 1, 50, at(2025, 11, 1), ca)  # fails; he left in December
        self.s4_q1 = attempt(self.s4, self.q1, 1, 90, at(2026, 3, 10), ca)  # term 2, after joining
        attempt(self.s1, self.q2, 1, 90, at(2026, 4, 1), ca)  # last of two counts: 80
        self.s1_q2_last = attempt(self.s1, self.q2, 2, 80, at(2026, 4, 2), ca)
        attempt(self.s1, self.pre, 1, 40, at(2025, 9, 20), ca)
        attempt(self.s1, self.post, 1, 70, at(2026, 5, 20), ca)
        # An open (unsubmitted) attempt never counts.
        Attempt.objects.create(
            student=self.s2,
            quiz=self.q1,
            school=self.school,
            school_class=ca,
            number=1,
            seed=next(_seed),
            started_at=at(2025, 10, 12),
        )

        # Promotion: 9-1 in 2026 holds s1, s2, s4; s2 takes a quiz in the new year.
        self.class_a2 = SchoolClass.objects.create(
            school=self.school, school_year=self.next_year, grade=9, number=1, promoted_from=self.class_a
        )
        for student in (self.s1, self.s2, self.s4):
            Enrollment.objects.create(student=student, school_class=self.class_a2, school_year=self.next_year)
        attempt(self.s2, self.q1, 2, 60, at(2026, 10, 1), self.class_a2)

        # The plan: the national template (2 hours a year in grades 5–11, the five ones once each).
        self.plan = copy_plan(national_template(), self.district, 2025, "手算区三年规划")
        self.teacher = make_user("hand-teacher")
        log_hours(self.class_a, datetime.date(2025, 10, 15), "1.0", self.teacher)
        self.log_a_term2 = log_hours(self.class_a, datetime.date(2026, 3, 20), "1.5", self.teacher)
        self.log_b = log_hours(self.class_b, datetime.date(2025, 10, 16), "1.0", self.teacher)
        self.exhibition = hold(self.school, "exhibition", datetime.date(2025, 11, 1), self.teacher)  # school-wide
        hold(self.school, "class_meeting", datetime.date(2026, 3, 5), self.teacher, classes=[self.class_a])
        hold(self.school, "quiz", datetime.date(2025, 12, 1), self.teacher, grade=8)
        hold(self.school, "quiz", datetime.date(2026, 4, 1), self.teacher, grade=8)  # a second one adds nothing
        hold(self.school, "film", datetime.date(2026, 4, 2), self.teacher, grade=7)  # another grade


def raise_hand_flags(hand: HandDistrict) -> dict:
    """Flags on real records of the hand district, in every state (test_metrics works out what each changes).

    - s1's best q1 attempt (100), open, raised by two rules: one record however many rules found it;
    - s4's only attempt (90, term 2), open: without it s4 did not take part;
    - s1's last q2 attempt (80), confirmed: without it the last counted attempt is the 90;
    - class A's 1.5 hours in term 2, open; class B's only log, cleared: it counts again;
    - the school-wide exhibition of school A, open.
    """
    now = at(2026, 6, 1)
    a, b = hand.school, hand.school_b
    flags = {
        "s1_q1_best": raise_flag(
            hand.s1_q1_best, FlagRule.TOO_FAST, school=a, school_class=hand.class_a, student=hand.s1, now=now
        ),
        "s1_q1_best_pattern": raise_flag(
            hand.s1_q1_best, FlagRule.SAME_POSITION, school=a, school_class=hand.class_a, student=hand.s1, now=now
        ),
        "s4_q1": raise_flag(
            hand.s4_q1, FlagRule.SHARED_DEVICE, school=a, school_class=hand.class_a, student=hand.s4, now=now
        ),
        "s1_q2_last": raise_flag(
            hand.s1_q2_last,
            FlagRule.AFTER_PASSWORD_RESET,
            school=a,
            school_class=hand.class_a,
            student=hand.s1,
            now=now,
        ),
        "log_a_term2": raise_flag(
            hand.log_a_term2, FlagRule.HOURS_BEYOND_DAY, school=a, school_class=hand.class_a, now=now
        ),
        "log_b": raise_flag(hand.log_b, FlagRule.PRESENT_OVER_ENROLLED, school=b, school_class=hand.class_b, now=now),
        "exhibition": raise_flag(hand.exhibition, FlagRule.PARTICIPANTS_OVER_ROLL, school=a, now=now),
    }
    decide(flags["s1_q2_last"], FlagStatus.CONFIRMED, now)
    decide(flags["log_b"], FlagStatus.CLEARED, now)
    return flags


def decide(flag, status: str, now) -> None:
    """A reviewer's decision as the review queue stores it (the queue itself lives in classroom)."""
    flag.status = status
    flag.reviewed_at = now
    flag.review_reason = "复核"
    flag.save(update_fields=["status", "reviewed_at", "review_reason"])


def log_hours(school_class, day, hours, teacher) -> ClassHourLog:
    return ClassHourLog.objects.create(
        school_class=school_class,
        taught_on=day,
        class_hours=Decimal(hours),
        # Plausible for the hand district's small classes, so no integrity rule finds the log implausible.
        students_present=2,
        minutes=45,
        engagement=4,
        recorded_by=teacher,
        teacher=teacher,
    )


def hold(school, activity_type, day, teacher, grade=None, classes=()) -> Activity:
    activity = Activity.objects.create(
        school=school, type=activity_type, title=activity_type, held_on=day, grade=grade, recorded_by=teacher
    )
    for school_class in classes:
        ActivityClass.objects.create(activity=activity, school_class=school_class, participants=2)
    return activity


def task_post(task, **changes):
    """The task editor's form as the page posts it, with `changes` over the task's current values."""
    data = {
        "title": task.title,
        "description": task.description,
        "responsible_kind": task.responsible_kind,
        "responsible": task.responsible,
        "evidence_required": task.evidence_required,
        "grades_text": ", ".join(str(g) for g in task.grades),
        "hours": task.hours,
        "hours_period": task.hours_period,
        "activity_count": task.activity_count,
        "activity_types": task.activity_types,
        "school_kinds": task.school_kinds,
    }
    targets = list(task.targets.all())
    data.update({"targets-TOTAL_FORMS": len(targets), "targets-INITIAL_FORMS": len(targets)})
    for index, target in enumerate(targets):
        data.update(
            {
                f"targets-{index}-id": target.pk,
                f"targets-{index}-year_index": target.year_index,
                f"targets-{index}-target": target.target,
                f"targets-{index}-deadline": target.deadline.isoformat() if target.deadline else "",
            }
        )
    data.update(changes)
    return data
