# ruff: noqa: E501  (demo prose: sentences are kept whole so translators can compare them line by line)
"""The English translation of the primary module of the demo curriculum (the Chinese is the source)."""

from .demo_content import DemoLesson, DemoModule, Scenario

PRIMARY_EN = DemoModule(
    slug="primary",
    title="Know drugs, keep away from drugs",
    grade_band="primary_upper",
    order=10,
    summary="For grades 5 and 6: know common drugs and their simple harms, and learn to stay away and refuse.",
    objectives=[
        "Say what drugs are and name some common ones.",
        "Know that new drugs can look like snacks or drinks, and never accept things of unknown origin.",
        "Say “no” clearly when tempted, and tell a parent or teacher.",
    ],
    is_public=True,
    lessons=[
        DemoLesson(
            slug="what-are-drugs",
            title="What are drugs?",
            summary="What drugs are, the common kinds, and why they make people addicted.",
            goals=["know", "health"],
            tags=["methamphetamine", "heroin", "knowing drugs"],
            activity="class_meeting",
            fact_source="Drug Control Law of the People's Republic of China",
            sections=[
                (
                    "What is a drug?",
                    [
                        "China's Drug Control Law defines drugs as opium, heroin, methamphetamine (ice), morphine, "
                        "cannabis, cocaine and other narcotic and psychotropic substances under state control that "
                        "can make people addicted.",
                        "Drugs are not the same as the medicine a doctor gives you. Some controlled medicines treat "
                        "illness in hospital, but misused without a doctor they cause addiction, and then they are drugs.",
                    ],
                ),
                (
                    "Why do people get addicted?",
                    [
                        "Drugs change the brain's signals for pleasure and reward, so a person wants them again and "
                        "again. Over time the body and the brain are harmed, and so are learning, sport and family life.",
                        "Addiction is not just “weak will”: it is a brain disease that needs long treatment. "
                        "The best way is never to start.",
                    ],
                ),
            ],
            facts=[
                "The chemical name of ice is methamphetamine, a common synthetic drug.",
                "26 June is the International Day against Drug Abuse.",
                "The best way to stay away from drugs: never try them, not even once.",
            ],
            question="Why is “just once” still too much?",
            prompts=["How do drugs affect the brain?", "If someone says “once won't hurt”, can you believe it?"],
            scenario=Scenario(
                title="Sweets from a stranger",
                situation="On your way home, a young man you do not know offers you a pretty packet of “sweets” for free.",
                choices=[
                    ("Take them and eat them at home", False, "Food of unknown origin may not be safe."),
                    (
                        "Say no politely, walk to where there are people, and tell your parents",
                        True,
                        "Well done! You kept yourself safe.",
                    ),
                ],
                what_to_say=["No, thank you. I don't take things from strangers.", "My mum is waiting for me."],
            ),
            teacher_note=[
                "This lesson is about knowing and keeping away: do not show drug images in detail or describe how drugs are used.",
                "Let groups discuss the scenario, then ask one group to act out saying no.",
            ],
        ),
        DemoLesson(
            slug="disguised-drugs",
            title="New drugs in disguise",
            summary="New drugs may look like milk tea, popping candy or coffee sachets: learn to spot suspicious items.",
            goals=["know", "prevent"],
            tags=["new drugs", "milk tea", "popping candy"],
            activity="exhibition",
            fact_source="Drug Control Law of the People's Republic of China",
            sections=[
                (
                    "Drugs in new clothes",
                    [
                        "Some criminals make drugs look like milk tea, popping candy, coffee sachets or chocolate, in "
                        "bright packets, so that young people let their guard down.",
                        "Such items often have no maker, date or list of ingredients, and nobody can say where they came from.",
                    ],
                ),
                (
                    "How to spot a suspicious item",
                    [
                        "Where is it from? Be careful with things not bought in a proper shop, or given by strangers or new online friends.",
                        "What does the packet say? No maker, date or ingredients, or words like “energy” or “happy”.",
                        "What do people say? “It makes you really happy” or “everyone is trying it” are warning signs.",
                    ],
                ),
            ],
            facts=[
                "New drugs can look like snacks or drinks: the look tells you nothing about safety.",
                "Do not eat or drink anything of unknown origin.",
                "If you find something suspicious, do not touch it; tell a parent or teacher, or call 110.",
            ],
            question="At a party you see a “milk tea powder” you have never seen before. How would you judge it?",
            prompts=["Where did it come from?", "What does the packet say?", "Whom can you ask for help?"],
            scenario=Scenario(
                title="Online “popping candy”",
                situation="Your desk mate says an online friend sent him “popping candy” that makes you “really excited”, and offers you a packet.",
                choices=[
                    (
                        "Try a little out of curiosity",
                        False,
                        "“Really excited” is a warning sign; even once can harm you.",
                    ),
                    (
                        "Say no, tell your desk mate not to eat it, and tell the teacher together",
                        True,
                        "You protected yourself and your friend.",
                    ),
                ],
                what_to_say=[
                    "Nobody knows what this is. I won't eat it, and you shouldn't either.",
                    "Let's ask our teacher.",
                ],
            ),
            teacher_note=[
                "Combine with an online exhibition visit, one of the five activities.",
                "Stress the rule “don't touch, tell an adult”; never let pupils test suspicious items themselves.",
            ],
        ),
        DemoLesson(
            slug="saying-no",
            title="Learning to say no",
            summary="Practise simple ways to refuse and know whom to ask for help.",
            goals=["refuse", "skills"],
            tags=["refusal skills", "asking for help"],
            activity="class_meeting",
            fact_source="Drug Control Law of the People's Republic of China",
            sections=[
                (
                    "Saying no is your right",
                    [
                        "Everyone may say no to an unsafe invitation. Refusing is not rude: it keeps you safe.",
                        "Real friends respect your choice. Someone who keeps pushing is not thinking of you.",
                    ],
                ),
                (
                    "Three ways to say no",
                    [
                        "Say it straight: look at the person and say “No, I don't want it.”",
                        "Change the subject: suggest something else, such as “Let's go and play ball.”",
                        "Leave: find a reason to go, walk to a safe place with people, and tell an adult you trust.",
                    ],
                ),
            ],
            facts=[
                "A firm voice and a serious face make your answer clear.",
                "In danger, call 110 or tell your parents and teachers.",
            ],
            question="Which way of saying no is easiest for you, and why?",
            prompts=["Tell us about a time you said no to someone.", "What can you do after saying no to stay safe?"],
            scenario=Scenario(
                title="“Only cowards won't try”",
                situation="Some older pupils surround you with an e-cigarette and say “only cowards won't try”.",
                choices=[
                    (
                        "Try it so they won't laugh",
                        False,
                        "Changing your mind because of teasing is what they want. You don't need risks to be brave.",
                    ),
                    ("Say “I won't”, walk away, and tell a teacher", True, "Sticking to your choice is real courage."),
                ],
                what_to_say=["No, I won't.", "I don't need this to prove anything.", "I have homework, bye."],
            ),
            teacher_note=[
                "Use role play in pairs, each pair practising all three ways.",
                "Remind pupils that selling e-cigarettes to minors is forbidden in China.",
            ],
        ),
    ],
)
