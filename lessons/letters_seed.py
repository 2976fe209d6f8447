"""The demo's 告家长书, in Chinese and English: written by us, skills-based and calm (no fear, no drug-use detail)."""

from wagtail.models import Locale

from core.seeding import SeedContext

from .models import ParentLetter

TITLE_ZH = "致家长的一封信：和孩子一起远离毒品"
BODY_ZH = """
<p>尊敬的家长：</p>
<p>您好！本学期学校按照禁毒教育的安排，为孩子们开设了禁毒专题课，讲识毒、防毒、拒毒的知识和本领。家庭是孩子的第一所学校，您的一次交谈，往往比课堂上的一节课更能让孩子记住。</p>
<p>近年来，一些新型毒品被伪装成“奶茶”“跳跳糖”“邮票”“电子烟油”等模样，外观和普通零食、饮料很像。请和孩子约定：不接受陌生人或不熟悉的人给的饮料、零食和烟；在外面喝的饮料离开视线后就不再喝；遇到有人劝说“试一下没关系”，可以直接说“不”，马上离开，并告诉家长或老师。</p>
<p>也请您留意家中的药品，把处方药放在孩子拿不到的地方，按医嘱使用，过期药品及时处理。</p>
<p>如果孩子向您说起身边可疑的人和事，请耐心倾听、不要责骂，必要时与班主任联系，或拨打110报警。每年6月26日是国际禁毒日，欢迎您和孩子一起参加学校和社区的禁毒宣传活动。</p>
<p>感谢您的支持与配合！</p>
"""
INTRO_ZH = "请抽出十分钟，和孩子一起读完这封信，然后聊一聊下面的问题，把你们的想法简单写下来。"
QUESTIONS_ZH = [
    "孩子在禁毒课上学到了哪一点，让您印象最深？",
    "如果有人给孩子一杯来历不明的饮料，你们商量好的做法是什么？",
    "家里的药品放在哪里？你们今天做了哪些调整？",
]

TITLE_EN = "A letter to parents: keeping our children safe from drugs, together"
BODY_EN = """
<p>Dear parents,</p>
<p>This term the school is teaching drug-prevention lessons: how to recognise drugs, protect yourself and say no.
The family is a child's first school, and one conversation with you is often remembered longer than a lesson.</p>
<p>Some new drugs are disguised as milk tea, popping candy, stickers or e-cigarette liquid and look like ordinary
snacks and drinks. Please agree with your child: do not accept drinks, snacks or cigarettes from strangers or
people you hardly know; do not go back to a drink that was out of sight; when someone says "just try it, it's
fine", say no, walk away and tell a parent or a teacher.</p>
<p>Please also keep the medicines at home out of children's reach, use prescription drugs only as the doctor says
and dispose of expired ones.</p>
<p>If your child tells you about a suspicious person or event, listen calmly without scolding, contact the class
teacher if needed, or call 110. 26 June is the International Day against Drug Abuse: you are welcome to join the
school's and the community's events with your child.</p>
<p>Thank you for your support.</p>
"""
INTRO_EN = "Take ten minutes to read this letter with your child, talk about the questions below and note your answers."
QUESTIONS_EN = [
    "What did your child learn in the drug-prevention lesson that struck you most?",
    "If someone offers your child a drink of unknown origin, what have you agreed to do?",
    "Where are the medicines kept at home, and what did you change today?",
]


def _questions(texts):
    return [("question", text) for text in texts]


def seed_parent_letter(ctx: SeedContext) -> None:
    chinese = Locale.get_default()
    letter = ParentLetter.objects.filter(locale=chinese, title=TITLE_ZH).first()
    if letter is None:
        letter = ParentLetter(
            locale=chinese,
            title=TITLE_ZH,
            body=BODY_ZH.strip(),
            activity_intro=INTRO_ZH,
            questions=_questions(QUESTIONS_ZH),
        )
        letter.save()
        letter.save_revision().publish()
    english = Locale.objects.filter(language_code="en").first()
    if english is not None and letter.get_translation_or_none(english) is None:
        translated = letter.copy_for_translation(english)
        translated.title, translated.body, translated.activity_intro = TITLE_EN, BODY_EN.strip(), INTRO_EN
        translated.questions = _questions(QUESTIONS_EN)
        translated.save()
        translated.save_revision().publish()
    ctx.shared["parent_letter"] = letter
    ctx.say("  1 letter to parents (告家长书), in Chinese and English.")
