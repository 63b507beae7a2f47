"""Our own interview texts in every layout family of issue #10 (written for the tests, not scraped).

Each text is a module constant; `tests/test_split_families.py` holds the golden expectations.
"""

# -- 1. separators other than a colon ------------------------------------------------------------
SLASH = """\
Steppe Courier

The water minister on dams, drought and the Aral

By Dana Ospan

Steppe Courier / Minister, how much water did the north lose this summer?

Nurlan Abenov / About a fifth of the usual flow. The Syr Darya was at its lowest since 2008.

We had to release water from two reservoirs early.

Steppe Courier / Will the new dam on the Kokaral hold?

Nurlan Abenov / It has held for twenty years. We are raising it by two metres.

Steppe Courier / What about the fishermen in Aralsk?

Nurlan Abenov / The catch is growing again. Flounder is back, and the pike-perch.

Share this article
"""

EN_DASH = """\
Bakers of the old town – an interview

Marta Kowal has run the bakery on Mill Street for thirty years.

Mill Street News – When did you start baking?

Marta Kowal – At fourteen, in my aunt's kitchen. She never measured anything.

Mill Street News – Do you measure now?

Marta Kowal – Always. A bakery is not a kitchen – it is a small factory.

But the dough still decides when it is ready.

Mill Street News – Will your children take over?

Marta Kowal – My daughter, maybe. She is an engineer, so she measures too.
"""

EM_DASH = """\
THE NIGHT SHIFT
Interview by Pavel Orlov

Pavel Orlov — You have driven the night tram for eleven years. Why nights?

Ilse Brandt — The city is honest at night. Nobody pretends to be in a hurry.

Pavel Orlov — Are you ever afraid?

Ilse Brandt — Once. A man sat behind me for six stops and sang. Then he thanked me and left.

Pavel Orlov — What would you change?

Ilse Brandt — Warmer cabins. And coffee at the depot that does not taste of rust.

Photo: City Transport Archive
"""

OWN_LINE_TITLE = """\
Interview: The energy minister on coal, wind and winter prices

Minister of Energy Almas Sadykov took our questions in Astana on Tuesday.

Energy Weekly
Minister, thank you for your time. Will heating prices rise this winter?

Minister
Prices will rise by no more than seven percent. The tariff commission has agreed that.

Energy Weekly
How much coal will the grid still burn in ten years?

Minister
About half of what it burns now. The rest will be gas, wind and the sun.

We are building three wind parks near Yereymentau.

Energy Weekly
And nuclear?

Minister
The referendum decided that. We are choosing a site.
"""

OWN_LINE_MESSY = """\
Home | News | Interviews

"We cannot farm the way our fathers did"

Advertisement

A farmer from the south on water, prices and the next generation.

Reporter
So how many hectares do you farm now, and what do you grow on them?

Bolat Seitkali
Four hundred hectares. Mostly wheat, some sunflowers, a little cotton near the
river where the soil is heavy.

Reporter
Has the drought changed that?

Bolat Seitkali
Completely. We switched to drip irrigation on the cotton in 2021.

It cost more than the tractor.

Reporter
Would you want your son to farm?

Bolat Seitkali
Only if he wants to. Nobody should farm because they have to.

Related
Wheat prices fall for third month
"""

# -- 2. Q&A conventions ----------------------------------------------------------------------------
QA_COLON_INTRO = """\
Chess coach on teaching children to lose

Anara Dzhaksybekova, who has coached the national junior team since 2015, spoke to The Astana Times about patience, losing and screens.

Q: How young is too young to start chess?

A: Four is fine, if the child wants it. Five is better.

Q: What is the hardest thing to teach?

A: Losing. A child who cannot lose will not play long.

They have to learn that a lost game is the best teacher.

Q: Do screens help or hurt?

A: Both. Online games are fast, so children stop thinking.

This interview has been edited for length and clarity.
"""

QA_DOT = """\
Ten questions for a lighthouse keeper

Tomas Reyes keeps the light on Isla Negra.

Q. How long have you kept the light?

A. Nineteen years this March.

Q. Is it lonely?

A. Not with the radio. And the gulls.

Q. What happens in a storm?

A. I do not sleep. I watch the lamp and the sea.
"""

QA_DASH = """\
Q - What got you into beekeeping?

A - My grandmother kept twelve hives behind the house.

Q - How many do you keep now?

A - Forty, on three fields. The bees decide how many, really.

Q - Is honey still a living?

A - Only with wax and pollen as well.
"""

QUESTION_ANSWER = """\
Question: Why did you leave the orchestra?

Answer: Twenty years of the same five symphonies. I wanted to play new music.

Question: Do you miss it?

Answer: The people, yes. The Brahms, no.

Question: What are you playing now?

Answer: Folk music from the Altai, on a cello. It works better than you would think.
"""

RU_QA = """\
Глава «Казавтожола»: дороги отремонтируем к 2025 году

Председатель правления АО «Казавтожол» Ерлан Ахметов рассказал в интервью изданию «Курсив» о ремонте дорог и платных трассах.

В: Сколько километров дорог отремонтируют в этом году?

О: Около трёх тысяч километров. Это больше, чем в прошлом году.

В: Будут ли новые платные участки?

О: Да, ещё пять участков. Деньги пойдут на содержание этих же дорог.

Фото: пресс-служба АО «Казавтожол»

В: Когда закончат трассу Алматы — Усть-Каменогорск?

О: Надеюсь, в следующем году.
"""

RU_VOPROS = """\
Вопрос: Почему вы вернулись в Караганду?

Ответ: Здесь мои родители и моя школа. Я хотела учить детей там, где училась сама.

Вопрос: Трудно ли работать в сельской школе?

Ответ: Трудно, но интересно. В классе восемь человек, и каждого видно.

Вопрос: Что бы вы изменили?

Ответ: Больше книг в библиотеке и нормальный интернет.
"""

KK_QA = """\
Сұрақ: Сіз ауылға неге оралдыңыз?

Жауап: Ата-анам осында. Мен балаларды өзім оқыған мектепте оқытқым келді.

Сұрақ: Ауыл мектебінде жұмыс істеу қиын ба?

Жауап: Қиын, бірақ қызық. Сыныпта сегіз бала бар, әрқайсысы көрініп тұрады.

Сұрақ: Не өзгертер едіңіз?

Жауап: Кітапханада кітап көбірек болса және интернет жақсы болса.
"""

# -- 3. emphasis around labels --------------------------------------------------------------------
BOLD_COLON_INSIDE = """\
# A conversation with a glassblower

**Leila Haddad:** Why glass, of all things?

**Omar Saleh:** Because it moves. Hot glass is alive for about ninety seconds.

Note: the studio is in an old bus depot.

**Leila Haddad:** Do you still break things?

**Omar Saleh:** Every day. Ask my insurance company.
"""

BOLD_COLON_OUTSIDE = """\
**Interviewer**: When did you first climb?

**Aigerim Sultan**: At nine, on the rocks above Medeu.

**Interviewer**: And the first big mountain?

**Aigerim Sultan**: Khan Tengri, at twenty-two. I turned back two hundred metres from the top.

Weather: the wind was eighty kilometres an hour.

**Interviewer**: Do you regret turning back?

**Aigerim Sultan**: Never. The mountain is still there.
"""

UNDERSCORE = """\
__Host:__ Welcome back to Field Notes. My guest today studies saiga antelope.

__Dr. Erzhan Bekov:__ Thank you for having me.

__Host:__ How many saiga are there now?

__Dr. Erzhan Bekov:__ Over a million, after the crash in 2015 left fewer than forty thousand.

__Host:__ What saved them?

__Dr. Erzhan Bekov:__ Rangers, mostly. And luck with the winters.
"""

HTML_BOLD = """\
<html><head><title>Interview</title></head><body>
<nav><a href="/">Home</a></nav>
<h1>The last ferryman on the Irtysh</h1>
<p>Viktor Lang has run the ferry at Pavlodar for twenty years.</p>
<figure><img src="f.jpg"><figcaption>Viktor Lang on his ferry (Photo: Jane Roe)</figcaption></figure>
<p><b>Irtysh Today:</b> How many crossings a day?</p>
<p><b>Viktor Lang:</b> Forty in summer. In winter, none: we walk on the ice.</p>
<p><b>Irtysh Today:</b> Is a bridge coming?</p>
<p><b>Viktor Lang:</b> They have promised one since 1998. I keep the ferry oiled.</p>
<p><strong>Irtysh Today:</strong> What will you do when it comes?</p>
<p><strong>Viktor Lang:</strong> Fish. From the bridge, <b>probably</b>.</p>
</body></html>
"""

# -- 4. names that change form ----------------------------------------------------------------------
ABBREV_TYPO = """\
Jane Doe (JD): I started the clinic in a garage in 2009.

Interviewer: With what money?

JD: My own, and my brother's. He still reminds me.

Interviewer: And now?

J: Twelve doctors and a waiting list.

Interviewer: Is the waiting list the problem?

JD:The waiting list is the whole problem.
"""

CAPS_TITLED = """\
SEN. JANE DOE (D), OHIO: Thank you for having me.

ANCHOR: Senator, will the bill pass?

SEN. JANE DOE: It will pass the Senate. The House is another matter.

ANCHOR: Why?

DOE: Because the House has a calendar, and the calendar is full.

ANCHOR: Senator, thank you.
"""

LONG_FIRST_LABEL = """\
JANE ROE, ANCHOR, "THE EVENING HOUR": Good evening. Tonight, the river that changed course.

JANE ROE, ANCHOR, "THE EVENING HOUR": Joining me is the hydrologist Amir Khan. Doctor, what happened?

AMIR KHAN, HYDROLOGIST: The river found an old channel after the flood. It simply prefers it.

ROE: Can it be moved back?

KHAN: At great cost, and it would try to leave again.

ROE: Thank you.
"""

GLUED = """\
Radio Nomad: So the yurt is still made by hand?

Aidos Kemel:Every part. The frame, the felt, the ropes.

Radio Nomad:How long does one take?

Aidos Kemel:Two months, with four people.

Radio Nomad:And who buys them?

Aidos Kemel:Museums, hotels, and Kazakhs abroad who miss home.
"""

# -- 5. transcripts ----------------------------------------------------------------------------------
TRANSCRIPT_OWN_LINE = """\
Transcript
Skip to content
Episode 41: Rebuilding the village school

Speaker 1 (00:00):
Welcome to Small Towns. Today I am talking with a head teacher who rebuilt
her school after the flood. How bad was the damage?

Speaker 2 (00:14):
The water stood a metre high in every classroom for three days. We lost all
the books and most of the desks.

(00:31):
But the walls held, and that was what mattered.

Speaker 1 (00:40):
Who paid for the repairs?

Speaker 2 (00:43):
Parents, mostly. [Laughs] And a bank that wanted its name on the gym.

Speaker 1 (01:02):
Is the school open now?

Speaker 2 (01:05):
Since September. (Laughter.) With new books.
"""

TRANSCRIPT_BRACKETS = """\
[00:00:02] Maria Lopez: Good morning, and thanks for joining the call.

[00:00:05] Ken Ito: Glad to be here.

[00:00:07] Maria Lopez: Let's start with the harvest. How was it?

[00:00:12] Ken Ito: Better than feared. The rain came late but it came.

[inaudible]

[00:00:30] Ken Ito: Rice is up four percent.

[00:00:33] Maria Lopez: And prices?

[00:00:35] Ken Ito: Flat. Which farmers will not like.
"""

TRANSCRIPT_CNN = """\
THIS IS A RUSH TRANSCRIPT. THIS COPY MAY NOT BE IN ITS FINAL FORM.

JOHN SMITH, CNN ANCHOR: Good evening. We begin tonight with the floods in the north.

(BEGIN VIDEOTAPE)

SMITH: Rivers rose two metres overnight.

(END VIDEOTAPE)

SMITH: Joining me now is the regional governor, Anna Berg. Governor, how many people have left their homes?

GOV. ANNA BERG: About twelve thousand. (CROSSTALK)

SMITH: Go ahead.

BERG: Twelve thousand, in four districts. (LAUGHTER) I am sorry, it has been a long night.

SMITH: Are the dams holding?

BERG: They are holding. We are watching them every hour.

UNIDENTIFIED MALE: The water is coming up the street!

SMITH: Governor Berg, thank you.
"""

# -- 6. Russian and Kazakh layouts ----------------------------------------------------------------
RU_INITIALS = """\
Стенограмма брифинга

Фото: пресс-служба МИД

И.Петров: Добрый день. Начнём с вопросов о визовом режиме.

Корреспондент: Когда отменят визы для граждан Индии?

И.Петров: Решение принято, оно вступит в силу с первого июля.

Корреспондент: А для граждан Китая?

И.Петров: Переговоры продолжаются. Я не могу называть сроки.

Источник: МИД Республики Казахстан
"""

RU_KORR = """\
Корреспондент: Как вы пришли в археологию?

Айгуль Садыкова: Случайно. На первом курсе меня позвали на раскопки в Отрар.

Корреспондент: Что вы нашли в этом сезоне?

Айгуль Садыкова: Монеты XIII века и печь для обжига керамики.

Читайте также: В Туркестане нашли древнюю мечеть

Корреспондент: Где их можно будет увидеть?

Айгуль Садыкова: В музее Шымкента, осенью.
"""

RU_DASH = """\
Хирург Иван Петров: «Операцию можно провести за сорок минут»

Заведующий отделением кардиохирургии Иван Петров рассказал в интервью «Новой газете», как изменилась медицина за двадцать лет.

— Иван Сергеевич, сколько операций вы делаете в неделю?

— Около десяти. Раньше было три-четыре.

— Что изменилось?

— Оборудование. Сейчас операцию на клапане можно провести за сорок минут.

Раньше на это уходило четыре часа.

— Вы бы посоветовали сыну стать хирургом?

— Если он сам захочет. Работа тяжёлая.

Фото: Анна Иванова / «Новая газета»
"""

KK_DASH = """\
Ақын Айгерім Сәрсенова: «Өлең – менің күнделігім»

Ақын Айгерім Сәрсенова «Егемен Қазақстан» тілшісіне жаңа кітабы туралы айтып берді.

— Айгерім, жаңа кітабыңыз не туралы?

— Ауыл туралы, әжем туралы. Бала кезімдегі жаз туралы.

— Өлеңді қашан жазасыз?

— Түнде. Күндіз үй шаруасы көп.

— Жас ақындарға не айтасыз?

— Көп оқыңыз. Өлең оқудан басталады.
"""

# -- 7. panels ----------------------------------------------------------------------------------------
PANEL = """\
Panel: What next for the Caspian?

Guests: Dr. Lena Park, marine biologist; Murat Aliyev, port director; Sara Quinn, shipping analyst; Timur Bekov, fisherman.

MODERATOR: Welcome, everyone. Dr. Park, how is the sea itself?

LENA PARK: Shrinking. The northern shelf has lost a metre in ten years.

MODERATOR: Mr. Aliyev, does the port feel it?

MURAT ALIYEV: Every season. We dredge twice as often as we did.

SARA QUINN: And ships carry less, so freight costs rise.

MODERATOR: Mr. Bekov?

TIMUR BEKOV: The sturgeon are gone. That is all I will say.

MODERATOR: Dr. Park, is there anything to be done?

LENA PARK: Less water taken from the Volga. That is the only real answer.

MURAT ALIYEV: Which nobody upstream wants to hear.

MODERATOR: Thank you all.
"""

PANEL_SAME_SURNAME = """\
A family of weavers

HOST: Today, three generations of the Karimov family. Dilnoza, you started it?

DILNOZA KARIMOVA: My grandmother did. I only continued.

HOST: Aziz, you are her son. Did you want to weave?

AZIZ KARIMOV: No. I wanted to be a footballer.

HOST: And Rustam Karimov, the grandson?

RUSTAM KARIMOV: I sell the carpets online. Someone has to.

AZIZ KARIMOV: He sells them better than we make them.

DILNOZA KARIMOVA: Nobody sells them better than I make them.

HOST: Thank you, all three.
"""

# -- 8. short exchanges ------------------------------------------------------------------------------
TWO_TURNS = """\
A question for the mayor

Daily Ledger: Will the bridge open before winter?

Mayor Ana Ruiz: Yes. The last beams go in next week, and we open on November the first.
"""

THREE_ONCE = """\
Farah Nasser: Is the museum reopening this year?

Director Paul Klee: In May, with a new wing for textiles.

Curator Mina Sato: And the first show will be carpets from Central Asia.
"""

# -- 9. cruft -----------------------------------------------------------------------------------------
BIO_BOX = """\
Meet the shepherd who texts his flock

Name: Serik Zhumabayev
Age: 58
Born: Zhezkazgan region
Occupation: shepherd

Photo courtesy of Serik Zhumabayev

Advertisement

Rural Voices: How many sheep do you have?

Serik Zhumabayev: Six hundred, and three dogs who do most of the work.

Rural Voices: Do the sheep really get messages?

Serik Zhumabayev: The collars buzz when they stray. They learn fast.

Sign up for our weekly newsletter

Rural Voices: What will your grandchildren do?

Serik Zhumabayev: Whatever they like, as long as they visit.

This interview has been condensed and edited.

Share on Facebook
"""

BROWSER_NOTICES = """\
Your browser does not support the audio element.

Why the river turned red

Why the river turned red

Listen to this article

City Paper: What turned the river red?

Dr. Hana Novak: Iron oxide, from an old mine upstream. It is not poisonous.

Please enable JavaScript to view the comments.

City Paper: Will it happen again?

Dr. Hana Novak: Every time it rains hard, until the mine is sealed.

Read more

Flood warnings for the valley

Mine owner fined

Why the river turned red
"""

# -- more layouts, longer and messier: pages, broadcast and official transcripts ----------------

LONG_PAGE_CAPS = """\
Skip to main content
Menu
Search

Opinion | Interviews

The Reporter's Notebook

Inside the quiet revolution in Kazakh schools

By Jane Smith
Published March 3, 2024

Education Minister Gani Beisembayev talked to The Reporter about textbooks, teachers and the four-day week.

The ministry has spent two years rewriting the curriculum. Teachers say the change is overdue.

THE REPORTER: Minister, why rewrite every textbook at once?

GANI BEISEMBAYEV: Because the old ones contradicted each other. A child learned one
date for an event in history and a different one in literature. We could not fix that
one book at a time.

(Advertisement)

THE REPORTER: Teachers say they were not consulted.

BEISEMBAYEV: Some were not, and that was a mistake. We have since held 140 meetings
in every region.

Photo: A classroom in Shymkent (Reuters)

THE REPORTER: What about the four-day week?

BEISEMBAYEV: It is a pilot in twelve schools. If it works, more will follow.

If it does not, we will say so.

THE REPORTER: Thank you, Minister.

BEISEMBAYEV: Thank you.

This interview has been edited for length and clarity.

Related Stories
Teachers strike in Karaganda
Four-day week: what parents think
"""

NPR_TRANSCRIPT = """\
STEVE INSKEEP, HOST:

Good morning. A drought in Central Asia is changing what farmers grow. Our correspondent reports.

(SOUNDBITE OF ARCHIVED BROADCAST)

INSKEEP: We're joined now by Aigerim Nurlanova, an agronomist in Shymkent. Good morning.

AIGERIM NURLANOVA: Good morning.

INSKEEP: What are farmers planting instead of cotton?

NURLANOVA: Mostly chickpeas and sunflowers. They need far less water.

INSKEEP: Does it pay?

NURLANOVA: Less per hectare, but the risk is lower. (LAUGHTER) Farmers like low risk more than economists think.

INSKEEP: Aigerim Nurlanova, thanks so much.

NURLANOVA: Thank you.

(SOUNDBITE OF MUSIC)

INSKEEP: And that's our program.

Copyright © 2024 NPR. All rights reserved.
"""

RU_OFFICIAL_TRANSCRIPT = """\
В.Путин: Добрый день, уважаемые коллеги!

Сегодня обсудим подготовку к отопительному сезону.

Д.Песков: Владимир Владимирович, первым выступит министр энергетики.

С.Цивилев: Спасибо. Подготовка идёт по графику. Запасы угля на складах – 24 миллиона тонн.

В.Путин: А как с ремонтом сетей?

С.Цивилев: Отремонтировано 85 процентов. Остальное закончим до октября.

В.Путин: Хорошо. Спасибо.
"""

KK_TILSHI = """\
Тілші: Ерлан Тұрсынұлы, жаңа оқу жылында қандай өзгерістер болады?

Ерлан Қарин: Биыл мектептерде жаңа оқулықтар енгізіледі. Бұл ата-аналардың көптен күткен шешімі.

Тілші: Мұғалімдердің жалақысы өсе ме?

Ерлан Қарин: Иә, қыркүйектен бастап жиырма пайызға өседі.

Тағы оқыңыз: Астанада жаңа мектеп ашылды

Тілші: Рақмет.
"""

TRANSCRIPT_NAME_STAMP = """\
Jane Doe: (00:03)
Thanks for being here. What brought you to Almaty?

Tom Brown: (00:07)
Work, at first. Then the mountains kept me.

Jane Doe: (00:15)
What do you do on weekends?

Tom Brown: (00:18)
I hike. Big Almaty Lake, mostly, before the crowds.

Jane Doe: (00:30)
Great, thank you.
"""

RU_DASH_MESSY = """\
Главная / Общество

Директор зоопарка: «Слонам нужен новый вольер»

12 марта 2024, 10:15

Директор Алматинского зоопарка Марат Жанузаков рассказал изданию «Время», как зоопарк пережил зиму.

**— Марат Бекович, как звери перенесли морозы?**

— Хорошо. Мы заранее утеплили вольеры, для жирафов поставили дополнительные обогреватели.

Правда, счета за электричество выросли вдвое.

Фото: Алматинский зоопарк

**— Расскажите о новом вольере для слонов.**

— Проект готов. Нужны деньги — около двух миллиардов тенге.

**— Кто их даст?**

— Надеемся на городской бюджет и спонсоров.

Читайте также: В зоопарке родился детёныш снежного барса

Поделиться
"""

PANEL_SURNAMES = """\
Panel discussion transcript

Panel: Dr. Aliya Serik (economist), John Park (banker), Marta Ruiz (farmer), Ivan Petrov (trader), Li Wei (logistics)

MODERATOR: Let's begin. Dr. Serik, is inflation falling?

DR. SERIK: Slowly. Food prices are the sticky part.

MODERATOR: John?

PARK: Rates will stay high until the summer.

RUIZ: And farmers pay for that, in loans for seed.

MODERATOR: Ivan, you trade grain. What do you see?

PETROV: Exports up, prices down. Good for buyers.

LI WEI: Freight is still the problem. Rail to China is booked for months.

MODERATOR: Li Wei, briefly: will that change?

LI WEI: Not this year.

MODERATOR: Thank you all.
"""

BOLD_QA_INTRO = """\
In an interview with The Diplomat, Foreign Minister Murat Nurtleu discussed the Middle Corridor and relations with China.

**Q:** How important is the Middle Corridor for Kazakhstan?

**A:** It is vital. Cargo on the route grew by two thirds last year.

**Q:** And China?

**A:** China is our largest trading partner after Russia. We want balance, not dependence.
"""

FIRST_NAME_LABEL = """\
Meet Jane Okafor, the beekeeper of Turgen

Jane Okafor moved from Lagos to the Turgen valley in 2015. Her hives now supply half the valley's honey.

Interviewer: Why Turgen?

Jane: The mountains. And the lime trees, which the bees adore.

Interviewer: Was it hard to start?

Jane: Very. I lost half the hives in the first winter.

Interviewer: And now?

Jane: Eighty hives, and two apprentices.
"""

INITIALS_UNDECLARED = """\
Roman Vassilenko: Thank you for the invitation.

Host: Let's begin with the forum. What do you expect?

RV: We expect more than five thousand guests.

Host: From where?

RV: From eighty countries.

Host: Thank you.
"""

RU_DASH_SEPARATOR = """\
Корреспондент — Как вы начали заниматься керамикой?

Гульнара Ахметова — Случайно, в детском кружке.

Корреспондент — А сейчас?

Гульнара Ахметова — Сейчас у меня своя мастерская и три ученика.

Корреспондент — Где можно купить ваши работы?

Гульнара Ахметова — На ярмарке по субботам.
"""

ASR_UNPUNCTUATED = """\
Speaker 1: so tell me about the farm how big is it now

Speaker 2: about two hundred hectares we grow wheat mostly

Speaker 1: and the weather this year

Speaker 2: dry very dry we lost maybe a third of the crop

Speaker 1: okay thank you
"""

PANEL_SHARED_SURNAME = """\
The Lee family business

HOST: Anna and David Lee have run the bakery on Abay Street for thirty years. Anna, how did it start?

ANNA LEE: With one oven and a loan from my father.

HOST: David, you joined later?

DAVID LEE: Five years later. I was an accountant.

LEE: He still counts everything.

HOST: Who decides the recipes?

ANNA LEE: I do.

DAVID LEE: She does.

HOST: Thank you both.
"""
