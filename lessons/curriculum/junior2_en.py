"""初二 (Junior 2, the focus grade) in English: translations of lessons/curriculum/junior2.py, matched by slug.

Legal facts cite the Chinese laws by article, as the Chinese lessons do; health facts cite UNODC and WHO.
"""

from . import SECONDARY_MINUTES, Illustration, Lesson, Module, Question, Scenario, Step
from .junior2 import HISTORY, LAW, ONLINE

LAW_EN = Lesson(
    slug=LAW.slug,
    title="The Anti-Drug Law and me: how the law protects young people",
    summary=(
        "Read the articles of China's Anti-Drug Law and Criminal Law that matter most to teenagers: what breaks the "
        "law, what is a crime, and how the law protects and helps minors."
    ),
    goals=LAW.goals,
    tags=["Anti-Drug Law", "Criminal Law", "Junior 2"],
    category=LAW.category,
    activity=LAW.activity,
    builds_on=LAW.builds_on,
    sections=[
        (
            "Looking back: kinds of drugs and whole-class control",
            [
                "In Junior 1 we learned the three main kinds of drugs and that China controls whole classes of "
                "substances, such as fentanyl-related substances and synthetic cannabinoids. That tells us something "
                "important: whether a substance is a drug is decided by the law and the national control lists, not "
                "by its name, its look or what someone tells you about it.",
                "In this lesson we read the law itself. The law is not only about punishment. It draws a clear line: "
                "what you must never do, who is responsible for protecting you, and what rights you have when "
                "something goes wrong. Knowing where the line is makes it easier to stay firmly on the right side "
                "of it.",
            ],
        ),
        (
            "The policy, and everyone's share of it",
            [
                "Article 3 of the Anti-Drug Law says that drug control is the shared responsibility of the whole "
                "society. Article 4 sets the policy: prevention first, comprehensive treatment of the problem, and "
                "banning the growing, making, dealing and use of drugs together. Prevention comes first, and a lesson "
                "like this one is part of it.",
                "The law also gives different people different duties. Article 13 asks education authorities and "
                "schools to include drug knowledge in what they teach. Article 18 asks parents and other guardians to "
                "teach minors about the harm of drugs. When your school and your family talk to you about drugs, they "
                "are not interfering; they are doing what the law asks of them.",
                "Article 9 says the state encourages citizens to report drug crimes, and that the authorities must "
                "protect people who report. If you learn that someone nearby is selling drugs, you can tell a parent "
                "or a teacher, or call 110.",
            ],
        ),
        (
            "Breaking the law and committing a crime: a line lower than you think",
            [
                "Using drugs breaks the law. Article 62 of the Anti-Drug Law says that people who use drugs receive "
                "an administrative penalty for public order offences, and Article 31 says that people dependent on "
                "drugs should receive treatment.",
                "More serious than breaking the law is committing a crime. Article 347 of the Criminal Law says that "
                "smuggling, selling, transporting or making drugs is prosecuted as a crime whatever the amount. The "
                "words “whatever the amount” matter: there is no such thing as “a little doesn't count”.",
                "Many students believe that minors are never held responsible. That is not true. Article 17 of the "
                "Criminal Law says that people aged fourteen or fifteen who commit the crime of selling drugs bear "
                "criminal responsibility. Most Junior 2 students are that age. If someone asks you to “sell a few "
                "things” or “deliver a parcel” for them, you should know it could make you the one who "
                "committed the crime.",
                "The law also protects minors in particular. Article 353 of the Criminal Law makes it a crime to lure, "
                "incite or trick anyone into using drugs, and calls for a heavier punishment when the person lured, "
                "incited, tricked or forced is a minor. The person who tempts you is the one the law is aimed at.",
            ],
        ),
        (
            "The law also leaves a way back",
            [
                "Article 62 of the Anti-Drug Law also says that people who use drugs and come forward on their own, "
                "registering with the police or seeking treatment at a qualified medical institution, are not "
                "penalised. Article 52 says that people in treatment must not be discriminated against in school, "
                "work or social security.",
                "Together these articles say: the law is hard on drug crime, and it treats people who are dependent "
                "on drugs as people who need help. If you know someone who has become caught up in drugs, the best "
                "help is not to keep it secret, but to tell a trusted adult, so that the person gets professional "
                "treatment and support as early as possible.",
            ],
        ),
    ],
    illustration=Illustration(
        file="j2-law-lines.svg",
        alt=(
            "Diagram in Chinese: a line in three parts. Green: my rights (to education, protection and to report). "
            "Yellow: breaking the law, using drugs, a public order penalty (Anti-Drug Law Article 62). Red: crime, "
            "smuggling, selling, transporting or making drugs whatever the amount (Criminal Law Article 347); selling "
            "drugs from age 14 is a crime (Criminal Law Article 17)."
        ),
        caption="The lines the law draws: breaking the law and committing a crime are closer than they look.",
    ),
    facts=[
        ("Drug control is the shared responsibility of the whole society.", "Anti-Drug Law of the PRC, Article 3"),
        (
            "Drug control follows a policy of prevention first and comprehensive treatment, banning growing, making, "
            "dealing and use together.",
            "Anti-Drug Law of the PRC, Article 4",
        ),
        (
            "Smuggling, selling, transporting or making drugs is prosecuted as a crime whatever the amount.",
            "Criminal Law of the PRC, Article 347",
        ),
        (
            "People aged 14 or 15 who commit the crime of selling drugs bear criminal responsibility.",
            "Criminal Law of the PRC, Article 17",
        ),
        (
            "Luring, inciting, tricking or forcing a minor into using drugs is punished more heavily.",
            "Criminal Law of the PRC, Article 353",
        ),
        (
            "People who use drugs and register with the police or seek treatment at a qualified institution on "
            "their own are not penalised.",
            "Anti-Drug Law of the PRC, Article 62",
        ),
    ],
    question=(
        "Why does the law punish dealing and transporting drugs “whatever the amount”, yet not penalise "
        "people who come forward for treatment?"
    ),
    prompts=[
        "What is each of these rules trying to achieve?",
        "If someone asked you to “deliver a parcel”, what questions would you ask?",
        "If you knew someone used drugs, would keeping the secret help them?",
    ],
    scenario=Scenario(
        title="“Deliver a parcel, earn 200 yuan”",
        situation=(
            "At the weekend, a young man you have only just met in your housing estate says he will give you 200 "
            "yuan to carry a small parcel to a milk-tea shop two streets away and hand it to a man in a cap. "
            "“It's just snacks. Don't open it.”"
        ),
        choices=[
            (
                "It's only a delivery and the money is good, so say yes",
                False,
                "Unknown contents, “don't open it” and an unusually high reward are all warning signs. If the "
                "parcel holds drugs, transporting it is a crime whatever the amount.",
            ),
            (
                "Say no, walk away, and tell your parents what he looked like and what he said",
                True,
                "Right. A clear no and leaving keep you safe; your parents can decide whether to call the police.",
            ),
            (
                "Say yes, but secretly open it first to see what is inside",
                False,
                "Do not open or handle suspicious items. Whatever is inside, you should not carry unknown things "
                "for strangers.",
            ),
            (
                "Say no, note the time and place, and call 110 with your parents",
                True,
                "Good. The state encourages reporting drug crime and protects the people who report. Leave the "
                "judgement to the police.",
            ),
        ],
        what_to_say=[
            "No, I don't carry things for people when I don't know what they are.",
            "Dad, someone in our estate offered me money to deliver a parcel. It felt wrong.",
        ],
    ),
    teacher_note=[
        "Invite the school's deputy head for law (法治副校长) or a police officer to co-teach. Explain the articles "
        "only; do not describe how crimes were committed, amounts, prices or how drugs are traded.",
        "Keep the tone of Criminal Law Article 17 factual: the aim is for students to recognise the risk of being "
        "used by others, not to frighten them.",
        "Stress Article 62 (no penalty for coming forward) and Article 52 (no discrimination), so that students see "
        "asking for help as a way out.",
    ],
    steps=[
        Step("Warm-up", 5, "Recall whole-class control from Junior 1: is a drug decided by its name or by the law?"),
        Step(
            "Teaching",
            20,
            "Read Anti-Drug Law Articles 3, 4, 9, 13, 18, 31, 52 and 62 and Criminal Law Articles 17, 347 and 353.",
        ),
        Step(
            "Activity",
            15,
            "Groups discuss the parcel scenario, explain each choice's consequences by the law and report.",
        ),
        Step(
            "Summary", 5, "Sum up in three lines: breaking the law, crime, a way back. Set the quiz and a family task."
        ),
    ],
    quiz=[
        Question(
            "single",
            "Under Article 347 of the Criminal Law, what does the amount of drugs change for selling or transporting?",
            [
                "*Nothing: it is prosecuted as a crime whatever the amount",
                "Under one gram it is not prosecuted",
                "A first offence only gets a warning",
                "Selling is prosecuted, transporting is not",
            ],
            "“Whatever the amount” means a little still counts.",
        ),
        Question(
            "single",
            "A 15-year-old sells drugs. Under Article 17 of the Criminal Law, the student…",
            [
                "*bears criminal responsibility",
                "bears no responsibility for being under 16",
                "only needs the parents to pay a fine",
                "only receives a school punishment",
            ],
            "People aged 14 or 15 who commit the crime of selling drugs bear criminal responsibility.",
        ),
        Question(
            "single",
            "What comes first in the drug-control policy of the Anti-Drug Law?",
            ["*Prevention", "Punishment", "Treatment", "Publicity"],
            "Article 4: prevention first, comprehensive treatment of the problem.",
        ),
        Question(
            "true_false",
            "People who use drugs and seek treatment at a qualified medical institution on their own are not "
            "penalised.",
            ["*True", "False"],
            "Anti-Drug Law, Article 62.",
            3,
        ),
        Question(
            "single",
            "Someone lures a minor into using drugs. Under Article 353 of the Criminal Law, that person is…",
            [
                "*prosecuted and punished more heavily",
                "not punished if the minor did not become dependent",
                "not the one punished; the minor is",
                "left to the two families to settle",
            ],
            "Luring, inciting, tricking or forcing a minor into drug use is punished more heavily.",
            3,
        ),
        Question(
            "multiple",
            "Under the Anti-Drug Law, who is responsible for teaching young people about drugs?",
            [
                "*Schools and education authorities",
                "*Parents and other guardians",
                "*The whole society (drug control is a shared responsibility)",
                "Only the police",
            ],
            "Articles 3, 13 and 18.",
        ),
    ],
)

HISTORY_EN = Lesson(
    slug=HISTORY.slug,
    title="From Humen to the International Day against Drug Abuse: history and our responsibility",
    summary=(
        "Link the Opium War from history lessons to drug control today, learn about international cooperation, and "
        "think about what young people can do."
    ),
    goals=HISTORY.goals,
    tags=["Humen", "International Day against Drug Abuse", "Junior 2"],
    category=HISTORY.category,
    activity=HISTORY.activity,
    builds_on=HISTORY.builds_on,
    sections=[
        (
            "Looking back: the date we learned in primary school",
            [
                "In Grade 5 we learned a date: 26 June is the International Day against Drug Abuse and Illicit "
                "Trafficking. Where does the date come from, and how is it connected to a great event in Chinese "
                "history? Junior 2 history lessons cover the Opium War, so in this lesson we connect that history "
                "with today.",
                "The point is not to memorise years. It is to understand that drugs have never been only a personal "
                "matter: they shape the fate of families and of a nation, and a nation's courage in resisting drugs "
                "continues to this day.",
            ],
        ),
        (
            "The harm of opium and the destruction of opium at Humen",
            [
                "In the first half of the nineteenth century, huge amounts of opium were brought into China. More and "
                "more people used it; their health was ruined, families fell into poverty, silver flowed out of the "
                "country and society suffered. Thoughtful officials warned that if nothing was done, the country would "
                "soon have neither soldiers nor silver.",
                "In 1839 the imperial commissioner Lin Zexu banned opium in Guangdong, and from 3 June he had the "
                "confiscated opium publicly destroyed on the beach at Humen, over more than twenty days. It showed the "
                "Chinese people's determination to resist foreign aggression and to be rid of drugs. The next year "
                "Britain used it as a pretext to start the Opium War, and China began to slide into a semi-colonial, "
                "semi-feudal society.",
                "This history shows that drugs harm not only the people who use them; they can also be a tool of "
                "plunder and aggression. After the founding of the People's Republic, the country largely eliminated "
                "opium and other drugs within a few years, a remarkable achievement in the history of drug control.",
            ],
        ),
        (
            "The International Day and global cooperation",
            [
                "In 1987 the United Nations General Assembly decided that 26 June would be the International Day "
                "against Drug Abuse and Illicit Trafficking. Drug problems cross borders and trafficking often "
                "involves several countries, so countries must work together.",
                "Each year the United Nations Office on Drugs and Crime publishes the World Drug Report. It found that "
                "about 292 million people worldwide used a drug in 2022. The number is large, but it also reminds us "
                "that the great majority of people in the world do not use drugs: staying away from drugs is what "
                "most people choose.",
                "China takes part in international cooperation, runs joint operations with neighbouring countries "
                "and holds a national month of drug-prevention education every June. Around 26 June, schools across "
                "the country hold class meetings, exhibitions and writing activities.",
            ],
        ),
        (
            "What young people can do",
            [
                "Article 3 of the Anti-Drug Law says drug control is the shared responsibility of the whole society. "
                "As junior secondary students we can: stay away from drugs ourselves, the most important thing of "
                "all; share what we learn with our families, especially older relatives who may not know that new "
                "drugs can look like snacks and drinks; take part in the school's collection of works, spreading "
                "accurate knowledge through posters, short videos and speeches; and tell an adult or call the police "
                "when we see something suspicious.",
                "When you share drug-prevention messages, stick to facts and skills. Do not pass on exaggerated, "
                "frightening images or rumours nobody has checked, and never mock or shun people who are in "
                "treatment. Accurate knowledge and kindness are what really help others.",
            ],
        ),
    ],
    illustration=Illustration(
        file="j2-timeline.svg",
        alt=(
            "Timeline in Chinese: 3 June 1839, Lin Zexu destroys opium at Humen; 1840, the Opium War begins; the "
            "1950s, the new China largely eliminates opium; 1987, the UN makes 26 June the International Day against "
            "Drug Abuse; 1 June 2008, the Anti-Drug Law takes effect; today, young people take part in prevention."
        ),
        caption="A timeline of drug control.",
    ),
    facts=[
        (
            "From 3 June 1839 Lin Zexu publicly destroyed confiscated opium at Humen; in 1840 Britain started the "
            "Opium War.",
            "Chinese History, Grade 8, volume 1, lesson 1 “The Opium War” (national textbook)",
        ),
        (
            "26 June is the International Day against Drug Abuse and Illicit Trafficking.",
            "UN General Assembly resolution 42/112 (1987)",
        ),
        ("About 292 million people worldwide used a drug in 2022.", "UNODC World Drug Report 2024"),
        ("The Anti-Drug Law of the PRC took effect on 1 June 2008.", "Anti-Drug Law of the PRC, Article 71"),
    ],
    question=(
        "What is the same, and what is different, between the fight against opium 180 years ago and drug education "
        "today?"
    ),
    prompts=[
        "Why could opium become a tool of aggression?",
        "What does “most people in the world do not use drugs” tell you?",
        "What one fact could you explain to an older relative?",
    ],
    scenario=Scenario(
        title="Should you share this frightening video?",
        situation=(
            "Before 26 June you come across an “anti-drug video” full of gory, frightening images with the "
            "title “One puff and you die”. A classmate says: “This is scary enough. Post it to the class "
            "group and our publicity task is done.”"
        ),
        choices=[
            (
                "Share it at once: the scarier the better",
                False,
                "Fear-based content is often exaggerated or wrong, and research finds it does not prevent drug use "
                "well; it can even make people tune out.",
            ),
            (
                "Don't share it; share accurate material from official sources instead",
                True,
                "Good. Messages based on facts and skills are more credible and more helpful.",
            ),
            (
                "Share it, adding “for reference only”",
                False,
                "A disclaimer does not make wrong content right. Check the source before sharing.",
            ),
            (
                "Make your own poster or short video with a classmate, using what you learned",
                True,
                "Excellent. That is what the works collection is for: accurate knowledge shared with kindness.",
            ),
        ],
        what_to_say=[
            "This video exaggerates. Let's share something from an official source.",
            "Shall we make a short video about ways to say no?",
        ],
    ),
    teacher_note=[
        "Plan this lesson with the history teacher (the Opium War). A film screening can count as the five-ones "
        "activity “watch a drug-prevention film”.",
        "When quoting the World Drug Report, stress that most people do not use drugs, to correct the belief that "
        "“everyone does it”.",
        "For the works collection: no frightening or gory images, no realistic pictures of drugs, no ways of using "
        "them.",
    ],
    steps=[
        Step(
            "Warm-up", 5, "Show the timeline; students find the years of Humen and the Opium War from history lessons."
        ),
        Step(
            "Teaching",
            15,
            "Opium's harm, Humen, the elimination of opium in the 1950s, 26 June and global cooperation.",
        ),
        Step("Activity", 20, "Groups discuss the video scenario and outline a fact-based prevention poster or video."),
        Step("Summary", 5, "Sum up the four things young people can do; set the works collection and the quiz."),
    ],
    quiz=[
        Question(
            "single",
            "In which year did Lin Zexu publicly destroy opium at Humen?",
            ["*1839", "1840", "1949", "1987"],
            "Humen was 1839; the Opium War began in 1840.",
        ),
        Question(
            "single",
            "Who made 26 June the International Day against Drug Abuse and Illicit Trafficking?",
            [
                "*The UN General Assembly",
                "The World Health Organization",
                "The International Olympic Committee",
                "China's National People's Congress",
            ],
            "UN General Assembly resolution 42/112 of 1987.",
        ),
        Question(
            "true_false",
            "According to the UN, most people in the world have used drugs.",
            ["True", "*False"],
            "About 292 million people used a drug in 2022, a small share of the world's population.",
        ),
        Question(
            "single",
            "Which is the best way to run a drug-prevention campaign?",
            [
                "*Quote official sources and teach ways to say no",
                "Share the most frightening pictures you can find",
                "Exaggerate the harm so nobody dares think about it",
                "Mock people in treatment as a warning",
            ],
            "Fear and exaggeration work poorly; accurate knowledge and kindness help people.",
        ),
        Question(
            "single",
            "When did the Anti-Drug Law of the PRC take effect?",
            ["*1 June 2008", "3 June 1839", "26 June 1987", "1 July 2021"],
            "Adopted on 29 December 2007, in force from 1 June 2008 (Article 71).",
        ),
        Question(
            "multiple",
            "What harm did opium do to China in the nineteenth century?",
            [
                "*It ruined the health of people who used it",
                "*Silver flowed out of the country",
                "*It became a tool of aggression",
                "It made the country richer",
            ],
            "Opium brought great suffering and led to the Opium War.",
            1,
        ),
    ],
)

ONLINE_EN = Lesson(
    slug=ONLINE.slug,
    title="Risks online and among friends: seeing the trap behind the “free gift”",
    summary=(
        "Understand why adolescence is a high-risk time for starting to use drugs, see through online “free "
        "gifts”, “part-time jobs” and “circles”, and use the four steps to protect yourself and "
        "your friends."
    ),
    goals=ONLINE.goals,
    tags=["Online safety", "Adolescence", "Junior 2"],
    category=ONLINE.category,
    activity=ONLINE.activity,
    builds_on=ONLINE.builds_on,
    sections=[
        (
            "Looking back: stop, think, choose, act",
            [
                "In Junior 1 we learned four steps for making decisions under peer pressure: stop; think about whether "
                "it is safe, legal and what your family would say; compare the choices; then say and do what you "
                "decided. In Junior 2 many “invitations” no longer come face to face but through a phone "
                "screen, so in this lesson we use the four steps online and in social life.",
                "The internet makes it easy to learn, talk and have fun, but it also lets people with bad intentions "
                "reach teenagers directly. Seeing through traps online is as important as saying no in person.",
            ],
        ),
        (
            "Why adolescence is a key period",
            [
                "During adolescence the brain goes through a major renovation. The parts that seek novelty and reward "
                "develop early, while the prefrontal cortex, which plans, judges and controls impulses, is not fully "
                "mature until the early or mid-twenties. So teenagers are more drawn to new thrills and more likely to "
                "act on impulse under pressure.",
                "This is not a flaw; it is a normal part of growing up. But it does mean that contact with addictive "
                "substances at this age carries a higher risk than later in life. The UNODC World Drug Report notes "
                "that early to late adolescence, roughly ages 12 to 17, is the critical risk period for starting to "
                "use substances.",
                "Knowing this gives us an extra safety catch: when an exciting invitation comes, deliberately slow "
                "down and use “stop, think” once more; leave important decisions for a calm moment, after "
                "talking them over with someone you trust.",
            ],
        ),
        (
            "Common traps online",
            [
                "“Free gifts”: an unknown account sends a private message offering free trendy snacks, slimming "
                "products or energy drinks, if you just leave your address. Food and drinks of unknown origin may "
                "contain controlled substances, and giving your address exposes your personal information.",
                "“Easy part-time jobs”: someone in a group chat recruits students to “collect a delivery” "
                "or “take something somewhere”, for unusually high pay, and asks you to keep it secret. Jobs "
                "like this may be using minors to transport drugs. Remember: transporting drugs is a crime whatever "
                "the amount.",
                "“Circle culture”: some groups and live streams dress risky behaviour up as cool and daring, "
                "and pressure you with “if you don't dare, leave the group”. Being removed from a group like "
                "that is good news for you.",
                "There are three warning signs of an online trap: the benefit comes too easily; you are asked to keep "
                "it secret or not tell your parents; you are pushed to decide right now. If you see any one of them, "
                "stop, take a screenshot and tell a parent or teacher.",
            ],
        ),
        (
            "Protect yourself, and help a friend",
            [
                "Protect yourself: do not share your real name, school, address or family details online; do not "
                "accept things strangers send you; do not take “jobs” you know nothing about; do not meet "
                "people from the internet alone. If a message makes you uncomfortable, block it, report it and tell "
                "your parents.",
                "Help a friend: if you notice a friend in contact with someone suspicious, or suddenly with money or "
                "things he cannot explain, do not keep it secret. Talk with him honestly first, then go to a teacher "
                "or parent together. If needed, the school and the family will contact the police.",
                "Remind yourself: what you see online as “everyone is doing it” is often just the small slice "
                "an algorithm chose for you, not what people your age really do. In real life, the great majority of "
                "students are studying hard and living well.",
            ],
        ),
    ],
    illustration=Illustration(
        file="j2-online-signals.svg",
        alt=(
            "Diagram in Chinese: a phone screen with three private messages, each marked with a red flag: “free "
            "trendy snacks, just leave your address” (too easy); “don't tell your parents” (keep it "
            "secret); “places are limited, decide now” (pushed to decide). Below: stop, take a screenshot, "
            "tell a parent or teacher."
        ),
        caption="Three signs of an online trap: too easy, keep it secret, decide now.",
    ),
    facts=[
        (
            "Early to late adolescence (about ages 12 to 17) is the critical risk period for starting to use "
            "substances.",
            "UNODC World Drug Report 2018, booklet 4",
        ),
        (
            "The prefrontal cortex, which plans and controls impulses, is still developing in adolescence and matures "
            "in early adulthood.",
            "UNODC/WHO International Standards on Drug Use Prevention, 2nd edition (2018)",
        ),
        (
            "Smuggling, selling, transporting or making drugs is prosecuted as a crime whatever the amount.",
            "Criminal Law of the PRC, Article 347",
        ),
        (
            "The state encourages citizens to report drug crimes and protects people who report.",
            "Anti-Drug Law of the PRC, Article 9",
        ),
    ],
    question="Why is being removed from a risky group “good news”?",
    prompts=[
        "Why do online “benefits” so often come with “keep it secret”?",
        "What does the way the teenage brain develops suggest about making decisions?",
        "If a friend suddenly had money he could not explain, how would you talk to him?",
    ],
    scenario=Scenario(
        title="“Student job, 300 a day”",
        situation=(
            "In a gaming group you see an advert: “Students wanted, 300 yuan a day, just collect deliveries and "
            "take them to an address. No questions about the contents. Message me.” Your deskmate has already "
            "messaged them and wants you to join."
        ),
        choices=[
            (
                "Join: it's only collecting deliveries, and not asking means it isn't illegal",
                False,
                "“No questions” is the trap. If the parcels hold drugs, transporting them is a crime whatever "
                "the amount, and “I didn't know” is hard to rely on.",
            ),
            (
                "Stop, turn your deskmate down, and show a screenshot to your teacher and parents",
                True,
                "Good. You used stop, think, choose, act, and gave adults the chance to protect your deskmate.",
            ),
            (
                "Don't join, but tell your deskmate “be careful not to get caught”",
                False,
                "That does not really help. A teacher or parent needs to step in to keep him out of danger.",
            ),
            (
                "Report the advert, leave the group, then go to a teacher with your deskmate",
                True,
                "Excellent. Reporting and asking for help are the strongest ways to protect yourself and a friend.",
            ),
        ],
        what_to_say=[
            "A “no questions” job like this could be moving drugs. I'm not doing it, and you shouldn't either.",
            "Teacher, there's a suspicious job advert in a group chat, and my deskmate has contacted them.",
        ],
    ),
    teacher_note=[
        "This is the online-safety lesson of the focus grade. Do not mention any way of buying, code words or how "
        "deals are made; teach only the warning signs and where to get help.",
        "When explaining the teenage brain, avoid labelling students as impulsive; stress that it is normal "
        "development and that “one more stop” makes up for it.",
        "If a student privately reports a concrete lead after class, follow the school's safety procedure and "
        "protect the student's privacy.",
    ],
    steps=[
        Step("Warm-up", 5, "Recall stop, think, choose, act; show a sample message and ask what is suspicious."),
        Step("Teaching", 15, "The teenage brain, the critical risk period, and the three traps: gifts, jobs, circles."),
        Step(
            "Activity", 20, "Groups act out the job scenario, compare the four choices and make a class anti-scam card."
        ),
        Step("Summary", 5, "Sum up the three signs and where to get help; set the quiz."),
    ],
    quiz=[
        Question(
            "single",
            "Which online message is most likely a trap?",
            [
                "*“300 a day, just pass on deliveries, no questions about the contents”",
                "A holiday notice from the school's official account",
                "A photo a parent posts in the family group",
                "A library reminder that a book is due",
            ],
            "Unusual pay, no questions and “message me” are typical warning signs.",
        ),
        Question(
            "multiple",
            "What are the three warning signs of an online trap?",
            [
                "*The benefit comes too easily",
                "*You are asked to keep it secret",
                "*You are pushed to decide now",
                "The sender has a nice profile picture",
            ],
            "If any one appears, stop, take a screenshot and tell a parent or teacher.",
        ),
        Question(
            "single",
            "Why is adolescence a critical risk period for starting to use substances?",
            [
                "*The prefrontal cortex, which judges and controls impulses, is still developing",
                "Drugs do not affect teenagers' bodies",
                "Teenagers have more pocket money than adults",
                "The law does not apply to teenagers",
            ],
            "This is normal development, which is why an extra “stop” helps.",
            3,
        ),
        Question(
            "true_false",
            "If you “don't ask about the contents” when passing on parcels, you have no legal responsibility even "
            "if they hold drugs.",
            ["True", "*False"],
            "Transporting drugs is a crime whatever the amount; a no-questions job is itself the trap.",
        ),
        Question(
            "single",
            "Your close friend is in contact with someone suspicious and suddenly has unexplained money. What is best?",
            [
                "*Talk with him honestly, then go to a teacher or parent together",
                "Keep his secret out of loyalty",
                "Criticise him in the class group",
                "Ask to borrow some of the money",
            ],
            "Not keeping dangerous secrets, and asking for help together, is real friendship.",
        ),
        Question(
            "single",
            "Online it seems “everyone is doing” something risky. How should you read that?",
            [
                "*It is often a small slice chosen by an algorithm, not what people your age really do",
                "Most students really are doing it",
                "You will fall behind if you don't",
                "It proves the thing is safe",
            ],
            "In real life, the great majority of students stay away from drugs.",
        ),
    ],
)

MODULE = Module(
    slug="junior-2",
    title="Junior 2 (focus grade): the law, history and online traps",
    grade_band="junior",
    grade=8,
    order=40,
    summary=(
        "The focus grade of the national syllabus: read the drug laws, learn the history of drug control and "
        "international cooperation, and see through traps online and among friends."
    ),
    objectives=[
        "Name the articles of the Anti-Drug Law and Criminal Law that matter most to teenagers, and tell breaking "
        "the law from crime.",
        "Understand, through the Opium War, why drug control is everyone's responsibility, and where 26 June comes "
        "from.",
        "Recognise the three signs of an online trap, protect yourself online and help friends get help.",
    ],
    minutes=SECONDARY_MINUTES,
    lessons=[LAW_EN, HISTORY_EN, ONLINE_EN],
)
