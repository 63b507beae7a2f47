"""Issue #10: every layout family, split with golden expectations inline.

Each case names the label grammar `split` must find, the language it must detect, every speaker
(id, name, role, aliases), every turn (speaker and the first words it says), every dropped line
(exact 1-based line of the input, and why) and the chapter count. The texts are in
`tests/split_texts.py`, written for these tests.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import split_texts as T  # noqa: E402

from voiceover.load import clean_text  # noqa: E402
from voiceover.script import Script  # noqa: E402
from voiceover.split import split_text  # noqa: E402


@dataclass
class Case:
    name: str
    text: str
    grammar: str
    language: str
    speakers: list
    turns: list
    dropped: list
    chapters: int


CASES = [
    Case(
        'slash', T.SLASH, 'slash labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('steppe-courier', 'Steppe Courier', 'interviewer', ()),
            ('nurlan-abenov', 'Nurlan Abenov', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'The water minister'),
            ('steppe-courier', 'Minister, how much'),
            ('nurlan-abenov', 'About a fifth'),
            ('steppe-courier', 'Will the new'),
            ('nurlan-abenov', 'It has held'),
            ('steppe-courier', 'What about the'),
            ('nurlan-abenov', 'The catch is'),
        ],
        dropped=[(1, 'masthead'), (5, 'byline'), (21, 'banner')],
        chapters=4,
    ),
    Case(
        'en_dash', T.EN_DASH, 'dash labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('mill-street-news', 'Mill Street News', 'interviewer', ()),
            ('marta-kowal', 'Marta Kowal', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Bakers of the'),
            ('mill-street-news', 'When did you'),
            ('marta-kowal', 'At fourteen, in'),
            ('mill-street-news', 'Do you measure'),
            ('marta-kowal', 'Always. A bakery'),
            ('mill-street-news', 'Will your children'),
            ('marta-kowal', 'My daughter, maybe.'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'em_dash', T.EM_DASH, 'dash labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('pavel-orlov', 'Pavel Orlov', 'interviewer', ()),
            ('ilse-brandt', 'Ilse Brandt', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'THE NIGHT SHIFT'),
            ('pavel-orlov', 'You have driven'),
            ('ilse-brandt', 'The city is'),
            ('pavel-orlov', 'Are you ever'),
            ('ilse-brandt', 'Once. A man'),
            ('pavel-orlov', 'What would you'),
            ('ilse-brandt', 'Warmer cabins. And'),
        ],
        dropped=[(2, 'caption'), (16, 'page furniture')],
        chapters=4,
    ),
    Case(
        'own_line_title', T.OWN_LINE_TITLE, 'own-line labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('energy-weekly', 'Energy Weekly', 'interviewer', ()),
            ('almas-sadykov', 'Almas Sadykov', 'interviewee', ('Minister',)),
        ],
        turns=[
            ('narrator', 'Interview: The energy'),
            ('energy-weekly', 'Minister, thank you'),
            ('almas-sadykov', 'Prices will rise'),
            ('energy-weekly', 'How much coal'),
            ('almas-sadykov', 'About half of'),
            ('energy-weekly', 'And nuclear?'),
            ('almas-sadykov', 'The referendum decided'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'own_line_messy', T.OWN_LINE_MESSY, 'own-line labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('reporter', 'Reporter', 'interviewer', ()),
            ('bolat-seitkali', 'Bolat Seitkali', 'interviewee', ()),
        ],
        turns=[
            ('narrator', '"We cannot farm'),
            ('reporter', 'So how many'),
            ('bolat-seitkali', 'Four hundred hectares.'),
            ('reporter', 'Has the drought'),
            ('bolat-seitkali', 'Completely. We switched'),
            ('reporter', 'Would you want'),
            ('bolat-seitkali', 'Only if he'),
        ],
        dropped=[(1, 'banner'), (5, 'banner'), (30, 'link'), (31, 'caption')],
        chapters=4,
    ),
    Case(
        'qa_colon_intro', T.QA_COLON_INTRO, 'colon labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('the-astana-times', 'The Astana Times', 'interviewer', ('Q',)),
            ('anara-dzhaksybekova', 'Anara Dzhaksybekova', 'interviewee', ('A',)),
        ],
        turns=[
            ('narrator', 'Chess coach on'),
            ('the-astana-times', 'How young is'),
            ('anara-dzhaksybekova', 'Four is fine,'),
            ('the-astana-times', 'What is the'),
            ('anara-dzhaksybekova', 'Losing. A child'),
            ('the-astana-times', 'Do screens help'),
            ('anara-dzhaksybekova', 'Both. Online games'),
        ],
        dropped=[(19, 'editing note')],
        chapters=4,
    ),
    Case(
        'qa_dot', T.QA_DOT, 'dot labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('interviewer', 'Interviewer', 'interviewer', ('Q',)),
            ('tomas-reyes', 'Tomas Reyes', 'interviewee', ('A',)),
        ],
        turns=[
            ('narrator', 'Ten questions for'),
            ('interviewer', 'How long have'),
            ('tomas-reyes', 'Nineteen years this'),
            ('interviewer', 'Is it lonely?'),
            ('tomas-reyes', 'Not with the'),
            ('interviewer', 'What happens in'),
            ('tomas-reyes', 'I do not'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'qa_dash', T.QA_DASH, 'dash labels', 'en',
        speakers=[
            ('interviewer', 'Interviewer', 'interviewer', ('Q',)),
            ('interviewee', 'Interviewee', 'interviewee', ('A',)),
        ],
        turns=[
            ('interviewer', 'What got you'),
            ('interviewee', 'My grandmother kept'),
            ('interviewer', 'How many do'),
            ('interviewee', 'Forty, on three'),
            ('interviewer', 'Is honey still'),
            ('interviewee', 'Only with wax'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'question_answer', T.QUESTION_ANSWER, 'colon labels', 'en',
        speakers=[
            ('interviewer', 'Interviewer', 'interviewer', ('Question',)),
            ('interviewee', 'Interviewee', 'interviewee', ('Answer',)),
        ],
        turns=[
            ('interviewer', 'Why did you'),
            ('interviewee', 'Twenty years of'),
            ('interviewer', 'Do you miss'),
            ('interviewee', 'The people, yes.'),
            ('interviewer', 'What are you'),
            ('interviewee', 'Folk music from'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'ru_qa', T.RU_QA, 'colon labels', 'ru',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('курсив', 'Курсив', 'interviewer', ('В',)),
            ('ерлан-ахметов', 'Ерлан Ахметов', 'interviewee', ('О',)),
        ],
        turns=[
            ('narrator', 'Глава «Казавтожола»: дороги'),
            ('курсив', 'Сколько километров дорог'),
            ('ерлан-ахметов', 'Около трёх тысяч'),
            ('курсив', 'Будут ли новые'),
            ('ерлан-ахметов', 'Да, ещё пять'),
            ('курсив', 'Когда закончат трассу'),
            ('ерлан-ахметов', 'Надеюсь, в следующем'),
        ],
        dropped=[(13, 'page furniture')],
        chapters=4,
    ),
    Case(
        'ru_vopros', T.RU_VOPROS, 'colon labels', 'ru',
        speakers=[
            ('интервьюер', 'Интервьюер', 'interviewer', ('Вопрос',)),
            ('собеседник', 'Собеседник', 'interviewee', ('Ответ',)),
        ],
        turns=[
            ('интервьюер', 'Почему вы вернулись'),
            ('собеседник', 'Здесь мои родители'),
            ('интервьюер', 'Трудно ли работать'),
            ('собеседник', 'Трудно, но интересно.'),
            ('интервьюер', 'Что бы вы'),
            ('собеседник', 'Больше книг в'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'kk_qa', T.KK_QA, 'colon labels', 'kk',
        speakers=[
            ('тілші', 'Тілші', 'interviewer', ('Сұрақ',)),
            ('сұхбат-беруші', 'Сұхбат беруші', 'interviewee', ('Жауап',)),
        ],
        turns=[
            ('тілші', 'Сіз ауылға неге'),
            ('сұхбат-беруші', 'Ата-анам осында. Мен'),
            ('тілші', 'Ауыл мектебінде жұмыс'),
            ('сұхбат-беруші', 'Қиын, бірақ қызық.'),
            ('тілші', 'Не өзгертер едіңіз?'),
            ('сұхбат-беруші', 'Кітапханада кітап көбірек'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'bold_colon_inside', T.BOLD_COLON_INSIDE, 'colon labels, bold', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('leila-haddad', 'Leila Haddad', 'interviewer', ()),
            ('omar-saleh', 'Omar Saleh', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'A conversation with'),
            ('leila-haddad', 'Why glass, of'),
            ('omar-saleh', 'Because it moves.'),
            ('narrator', 'Note: the studio'),
            ('leila-haddad', 'Do you still'),
            ('omar-saleh', 'Every day. Ask'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'bold_colon_outside', T.BOLD_COLON_OUTSIDE, 'colon labels, bold', 'en',
        speakers=[
            ('interviewer', 'Interviewer', 'interviewer', ()),
            ('aigerim-sultan', 'Aigerim Sultan', 'interviewee', ()),
        ],
        turns=[
            ('interviewer', 'When did you'),
            ('aigerim-sultan', 'At nine, on'),
            ('interviewer', 'And the first'),
            ('aigerim-sultan', 'Khan Tengri, at'),
            ('interviewer', 'Do you regret'),
            ('aigerim-sultan', 'Never. The mountain'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'underscore', T.UNDERSCORE, 'colon labels, bold', 'en',
        speakers=[
            ('host', 'Host', 'interviewer', ()),
            ('erzhan-bekov', 'Dr. Erzhan Bekov', 'interviewee', ()),
        ],
        turns=[
            ('host', 'Welcome back to'),
            ('erzhan-bekov', 'Thank you for'),
            ('host', 'How many saiga'),
            ('erzhan-bekov', 'Over a million,'),
            ('host', 'What saved them?'),
            ('erzhan-bekov', 'Rangers, mostly. And'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'html_bold', T.HTML_BOLD, 'colon labels, bold', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('irtysh-today', 'Irtysh Today', 'interviewer', ()),
            ('viktor-lang', 'Viktor Lang', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'The last ferryman'),
            ('irtysh-today', 'How many crossings'),
            ('viktor-lang', 'Forty in summer.'),
            ('irtysh-today', 'Is a bridge'),
            ('viktor-lang', 'They have promised'),
            ('irtysh-today', 'What will you'),
            ('viktor-lang', 'Fish. From the'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'abbrev_typo', T.ABBREV_TYPO, 'colon labels', 'en',
        speakers=[
            ('jane-doe', 'Jane Doe', 'interviewee', ('JD', 'J')),
            ('interviewer', 'Interviewer', 'interviewer', ()),
        ],
        turns=[
            ('jane-doe', 'I started the'),
            ('interviewer', 'With what money?'),
            ('jane-doe', 'My own, and'),
            ('interviewer', 'And now?'),
            ('jane-doe', 'Twelve doctors and'),
            ('interviewer', 'Is the waiting'),
            ('jane-doe', 'The waiting list'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'caps_titled', T.CAPS_TITLED, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('jane-doe', 'Sen. Jane Doe', 'interviewee', ('DOE',)),
            ('anchor', 'Anchor', 'interviewer', ()),
        ],
        turns=[
            ('jane-doe', 'Thank you for'),
            ('anchor', 'Senator, will the'),
            ('jane-doe', 'It will pass'),
            ('anchor', 'Why?'),
            ('jane-doe', 'Because the House'),
            ('anchor', 'Senator, thank you.'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'long_first_label', T.LONG_FIRST_LABEL, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('jane-roe', 'Jane Roe', 'interviewer', ('ROE',)),
            ('amir-khan', 'Amir Khan', 'interviewee', ('KHAN',)),
        ],
        turns=[
            ('jane-roe', 'Good evening. Tonight,'),
            ('amir-khan', 'The river found'),
            ('jane-roe', 'Can it be'),
            ('amir-khan', 'At great cost,'),
            ('jane-roe', 'Thank you.'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'glued', T.GLUED, 'colon labels', 'en',
        speakers=[
            ('radio-nomad', 'Radio Nomad', 'interviewer', ()),
            ('aidos-kemel', 'Aidos Kemel', 'interviewee', ()),
        ],
        turns=[
            ('radio-nomad', 'So the yurt'),
            ('aidos-kemel', 'Every part. The'),
            ('radio-nomad', 'How long does'),
            ('aidos-kemel', 'Two months, with'),
            ('radio-nomad', 'And who buys'),
            ('aidos-kemel', 'Museums, hotels, and'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'transcript_own_line', T.TRANSCRIPT_OWN_LINE, 'colon labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('speaker-1', 'Speaker 1', 'interviewer', ()),
            ('speaker-2', 'Speaker 2', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Episode 41: Rebuilding'),
            ('speaker-1', 'Welcome to Small'),
            ('speaker-2', 'The water stood'),
            ('speaker-1', 'Who paid for'),
            ('speaker-2', 'Parents, mostly. And'),
            ('speaker-1', 'Is the school'),
            ('speaker-2', 'Since September. With'),
        ],
        dropped=[(1, 'banner'), (2, 'banner'), (13, 'timestamp')],
        chapters=4,
    ),
    Case(
        'transcript_brackets', T.TRANSCRIPT_BRACKETS, 'colon labels', 'en',
        speakers=[
            ('maria-lopez', 'Maria Lopez', 'interviewer', ()),
            ('ken-ito', 'Ken Ito', 'interviewee', ()),
        ],
        turns=[
            ('maria-lopez', 'Good morning, and'),
            ('ken-ito', 'Glad to be'),
            ('maria-lopez', "Let's start with"),
            ('ken-ito', 'Better than feared.'),
            ('maria-lopez', 'And prices?'),
            ('ken-ito', 'Flat. Which farmers'),
        ],
        dropped=[(9, 'stage direction')],
        chapters=3,
    ),
    Case(
        'transcript_cnn', T.TRANSCRIPT_CNN, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('john-smith', 'John Smith', 'interviewer', ('SMITH',)),
            ('anna-berg', 'Gov. Anna Berg', 'interviewee', ('BERG',)),
            ('unidentified-male', 'Unidentified Male', 'other', ()),
        ],
        turns=[
            ('john-smith', 'Good evening. We'),
            ('anna-berg', 'About twelve thousand.'),
            ('john-smith', 'Go ahead.'),
            ('anna-berg', 'Twelve thousand, in'),
            ('john-smith', 'Are the dams'),
            ('anna-berg', 'They are holding.'),
            ('unidentified-male', 'The water is'),
            ('john-smith', 'Governor Berg, thank'),
        ],
        dropped=[(1, 'boilerplate'), (5, 'stage direction'), (9, 'stage direction')],
        chapters=4,
    ),
    Case(
        'ru_initials', T.RU_INITIALS, 'colon labels', 'ru',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('и-петров', 'И.Петров', 'interviewee', ()),
            ('корреспондент', 'Корреспондент', 'interviewer', ()),
        ],
        turns=[
            ('narrator', 'Стенограмма брифинга'),
            ('и-петров', 'Добрый день. Начнём'),
            ('корреспондент', 'Когда отменят визы'),
            ('и-петров', 'Решение принято, оно'),
            ('корреспондент', 'А для граждан'),
            ('и-петров', 'Переговоры продолжаются. Я'),
        ],
        dropped=[(3, 'page furniture'), (15, 'page furniture')],
        chapters=3,
    ),
    Case(
        'ru_korr', T.RU_KORR, 'colon labels', 'ru',
        speakers=[
            ('корреспондент', 'Корреспондент', 'interviewer', ()),
            ('айгуль-садыкова', 'Айгуль Садыкова', 'interviewee', ()),
        ],
        turns=[
            ('корреспондент', 'Как вы пришли'),
            ('айгуль-садыкова', 'Случайно. На первом'),
            ('корреспондент', 'Что вы нашли'),
            ('айгуль-садыкова', 'Монеты XIII века'),
            ('корреспондент', 'Где их можно'),
            ('айгуль-садыкова', 'В музее Шымкента,'),
        ],
        dropped=[(9, 'page furniture')],
        chapters=3,
    ),
    Case(
        'ru_dash', T.RU_DASH, 'dialogue labels', 'ru',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('интервьюер', 'Интервьюер', 'interviewer', ()),
            ('иван-петров', 'Иван Петров', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Хирург Иван Петров:'),
            ('интервьюер', 'Иван Сергеевич, сколько'),
            ('иван-петров', 'Около десяти. Раньше'),
            ('интервьюер', 'Что изменилось?'),
            ('иван-петров', 'Оборудование. Сейчас операцию'),
            ('интервьюер', 'Вы бы посоветовали'),
            ('иван-петров', 'Если он сам'),
        ],
        dropped=[(19, 'page furniture')],
        chapters=4,
    ),
    Case(
        'kk_dash', T.KK_DASH, 'dialogue labels', 'kk',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('егемен-қазақстан', 'Егемен Қазақстан', 'interviewer', ()),
            ('айгерім-сәрсенова', 'Айгерім Сәрсенова', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Ақын Айгерім Сәрсенова:'),
            ('егемен-қазақстан', 'Айгерім, жаңа кітабыңыз'),
            ('айгерім-сәрсенова', 'Ауыл туралы, әжем'),
            ('егемен-қазақстан', 'Өлеңді қашан жазасыз?'),
            ('айгерім-сәрсенова', 'Түнде. Күндіз үй'),
            ('егемен-қазақстан', 'Жас ақындарға не'),
            ('айгерім-сәрсенова', 'Көп оқыңыз. Өлең'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'panel', T.PANEL, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('moderator', 'Moderator', 'interviewer', ()),
            ('lena-park', 'Lena Park', 'interviewee', ()),
            ('murat-aliyev', 'Murat Aliyev', 'other', ()),
            ('sara-quinn', 'Sara Quinn', 'other', ()),
            ('timur-bekov', 'Timur Bekov', 'other', ()),
        ],
        turns=[
            ('narrator', 'Panel: What next'),
            ('moderator', 'Welcome, everyone. Dr.'),
            ('lena-park', 'Shrinking. The northern'),
            ('moderator', 'Mr. Aliyev, does'),
            ('murat-aliyev', 'Every season. We'),
            ('sara-quinn', 'And ships carry'),
            ('moderator', 'Mr. Bekov?'),
            ('timur-bekov', 'The sturgeon are'),
            ('moderator', 'Dr. Park, is'),
            ('lena-park', 'Less water taken'),
            ('murat-aliyev', 'Which nobody upstream'),
            ('moderator', 'Thank you all.'),
        ],
        dropped=[],
        chapters=6,
    ),
    Case(
        'panel_same_surname', T.PANEL_SAME_SURNAME, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('host', 'Host', 'interviewer', ()),
            ('dilnoza-karimova', 'Dilnoza Karimova', 'other', ()),
            ('aziz-karimov', 'Aziz Karimov', 'interviewee', ()),
            ('rustam-karimov', 'Rustam Karimov', 'other', ()),
        ],
        turns=[
            ('narrator', 'A family of'),
            ('host', 'Today, three generations'),
            ('dilnoza-karimova', 'My grandmother did.'),
            ('host', 'Aziz, you are'),
            ('aziz-karimov', 'No. I wanted'),
            ('host', 'And Rustam Karimov,'),
            ('rustam-karimov', 'I sell the'),
            ('aziz-karimov', 'He sells them'),
            ('dilnoza-karimova', 'Nobody sells them'),
            ('host', 'Thank you, all'),
        ],
        dropped=[],
        chapters=5,
    ),
    Case(
        'two_turns', T.TWO_TURNS, 'colon labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('daily-ledger', 'Daily Ledger', 'interviewer', ()),
            ('mayor-ana-ruiz', 'Mayor Ana Ruiz', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'A question for'),
            ('daily-ledger', 'Will the bridge'),
            ('mayor-ana-ruiz', 'Yes. The last'),
        ],
        dropped=[],
        chapters=2,
    ),
    Case(
        'three_once', T.THREE_ONCE, 'colon labels', 'en',
        speakers=[
            ('farah-nasser', 'Farah Nasser', 'interviewer', ()),
            ('director-paul-klee', 'Director Paul Klee', 'other', ()),
            ('curator-mina-sato', 'Curator Mina Sato', 'interviewee', ()),
        ],
        turns=[
            ('farah-nasser', 'Is the museum'),
            ('director-paul-klee', 'In May, with'),
            ('curator-mina-sato', 'And the first'),
        ],
        dropped=[],
        chapters=1,
    ),
    Case(
        'bio_box', T.BIO_BOX, 'colon labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('rural-voices', 'Rural Voices', 'interviewer', ()),
            ('serik-zhumabayev', 'Serik Zhumabayev', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Meet the shepherd'),
            ('rural-voices', 'How many sheep'),
            ('serik-zhumabayev', 'Six hundred, and'),
            ('rural-voices', 'Do the sheep'),
            ('serik-zhumabayev', 'The collars buzz'),
            ('rural-voices', 'What will your'),
            ('serik-zhumabayev', 'Whatever they like,'),
        ],
        dropped=[(3, 'bio box'), (4, 'bio box'), (5, 'bio box'), (6, 'bio box'), (8, 'caption'), (10, 'banner'), (20, 'banner'), (26, 'editing note'), (28, 'banner')],
        chapters=4,
    ),
    Case(
        'browser_notices', T.BROWSER_NOTICES, 'colon labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('city-paper', 'City Paper', 'interviewer', ()),
            ('hana-novak', 'Dr. Hana Novak', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Why the river'),
            ('city-paper', 'What turned the'),
            ('hana-novak', 'Iron oxide, from'),
            ('city-paper', 'Will it happen'),
            ('hana-novak', 'Every time it'),
        ],
        dropped=[(1, 'boilerplate'), (5, 'repeated headline'), (7, 'banner'), (13, 'boilerplate'), (19, 'link'), (21, 'caption'), (23, 'caption'), (25, 'repeated headline')],
        chapters=3,
    ),
    Case(
        'long_page_caps', T.LONG_PAGE_CAPS, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('the-reporter', 'The Reporter', 'interviewer', ()),
            ('gani-beisembayev', 'Gani Beisembayev', 'interviewee', ('BEISEMBAYEV',)),
        ],
        turns=[
            ('narrator', "The Reporter's Notebook"),
            ('the-reporter', 'Minister, why rewrite'),
            ('gani-beisembayev', 'Because the old'),
            ('the-reporter', 'Teachers say they'),
            ('gani-beisembayev', 'Some were not,'),
            ('the-reporter', 'What about the'),
            ('gani-beisembayev', 'It is a'),
            ('the-reporter', 'Thank you, Minister.'),
            ('gani-beisembayev', 'Thank you.'),
        ],
        dropped=[(1, 'banner'), (2, 'banner'), (3, 'banner'), (5, 'navigation'), (9, 'caption'), (11, 'byline'), (12, 'byline'), (24, 'banner'), (31, 'page furniture'), (43, 'editing note'), (45, 'link'), (46, 'caption'), (47, 'caption')],
        chapters=5,
    ),
    Case(
        'npr_transcript', T.NPR_TRANSCRIPT, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('steve-inskeep', 'Steve Inskeep', 'interviewer', ('INSKEEP',)),
            ('aigerim-nurlanova', 'Aigerim Nurlanova', 'interviewee', ('NURLANOVA',)),
        ],
        turns=[
            ('steve-inskeep', 'Good morning. A'),
            ('aigerim-nurlanova', 'Good morning.'),
            ('steve-inskeep', 'What are farmers'),
            ('aigerim-nurlanova', 'Mostly chickpeas and'),
            ('steve-inskeep', 'Does it pay?'),
            ('aigerim-nurlanova', 'Less per hectare,'),
            ('steve-inskeep', 'Aigerim Nurlanova, thanks'),
            ('aigerim-nurlanova', 'Thank you.'),
            ('steve-inskeep', "And that's our"),
        ],
        dropped=[(5, 'stage direction'), (23, 'stage direction'), (27, 'caption')],
        chapters=5,
    ),
    Case(
        'ru_official_transcript', T.RU_OFFICIAL_TRANSCRIPT, 'colon labels', 'ru',
        speakers=[
            ('в-путин', 'В.Путин', 'interviewer', ()),
            ('д-песков', 'Д.Песков', 'other', ()),
            ('с-цивилев', 'С.Цивилев', 'interviewee', ()),
        ],
        turns=[
            ('в-путин', 'Добрый день, уважаемые'),
            ('д-песков', 'Владимир Владимирович, первым'),
            ('с-цивилев', 'Спасибо. Подготовка идёт'),
            ('в-путин', 'А как с'),
            ('с-цивилев', 'Отремонтировано 85 процентов.'),
            ('в-путин', 'Хорошо. Спасибо.'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'kk_tilshi', T.KK_TILSHI, 'colon labels', 'kk',
        speakers=[
            ('тілші', 'Тілші', 'interviewer', ()),
            ('ерлан-қарин', 'Ерлан Қарин', 'interviewee', ()),
        ],
        turns=[
            ('тілші', 'Ерлан Тұрсынұлы, жаңа'),
            ('ерлан-қарин', 'Биыл мектептерде жаңа'),
            ('тілші', 'Мұғалімдердің жалақысы өсе'),
            ('ерлан-қарин', 'Иә, қыркүйектен бастап'),
            ('тілші', 'Рақмет.'),
        ],
        dropped=[(9, 'page furniture')],
        chapters=3,
    ),
    Case(
        'transcript_name_stamp', T.TRANSCRIPT_NAME_STAMP, 'colon labels', 'en',
        speakers=[
            ('jane-doe', 'Jane Doe', 'interviewer', ()),
            ('tom-brown', 'Tom Brown', 'interviewee', ()),
        ],
        turns=[
            ('jane-doe', 'Thanks for being'),
            ('tom-brown', 'Work, at first.'),
            ('jane-doe', 'What do you'),
            ('tom-brown', 'I hike. Big'),
            ('jane-doe', 'Great, thank you.'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'ru_dash_messy', T.RU_DASH_MESSY, 'dialogue labels', 'ru',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('время', 'Время', 'interviewer', ()),
            ('марат-жанузаков', 'Марат Жанузаков', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Директор зоопарка: «Слонам'),
            ('время', 'Марат Бекович, как'),
            ('марат-жанузаков', 'Хорошо. Мы заранее'),
            ('время', 'Расскажите о новом'),
            ('марат-жанузаков', 'Проект готов. Нужны'),
            ('время', 'Кто их даст?'),
            ('марат-жанузаков', 'Надеемся на городской'),
        ],
        dropped=[(1, 'navigation'), (5, 'caption'), (15, 'page furniture'), (25, 'page furniture'), (27, 'banner')],
        chapters=4,
    ),
    Case(
        'panel_surnames', T.PANEL_SURNAMES, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('moderator', 'Moderator', 'interviewer', ()),
            ('aliya-serik', 'Aliya Serik', 'other', ('Dr. Serik',)),
            ('john-park', 'John Park', 'other', ('Park',)),
            ('marta-ruiz', 'Marta Ruiz', 'other', ('Ruiz',)),
            ('ivan-petrov', 'Ivan Petrov', 'other', ('Petrov',)),
            ('li-wei', 'Li Wei', 'interviewee', ()),
        ],
        turns=[
            ('narrator', 'Panel discussion transcript'),
            ('moderator', "Let's begin. Dr."),
            ('aliya-serik', 'Slowly. Food prices'),
            ('moderator', 'John?'),
            ('john-park', 'Rates will stay'),
            ('marta-ruiz', 'And farmers pay'),
            ('moderator', 'Ivan, you trade'),
            ('ivan-petrov', 'Exports up, prices'),
            ('li-wei', 'Freight is still'),
            ('moderator', 'Li Wei, briefly:'),
            ('li-wei', 'Not this year.'),
            ('moderator', 'Thank you all.'),
        ],
        dropped=[],
        chapters=6,
    ),
    Case(
        'bold_qa_intro', T.BOLD_QA_INTRO, 'colon labels, bold', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('the-diplomat', 'The Diplomat', 'interviewer', ('Q',)),
            ('murat-nurtleu', 'Murat Nurtleu', 'interviewee', ('A',)),
        ],
        turns=[
            ('narrator', 'In an interview'),
            ('the-diplomat', 'How important is'),
            ('murat-nurtleu', 'It is vital.'),
            ('the-diplomat', 'And China?'),
            ('murat-nurtleu', 'China is our'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'first_name_label', T.FIRST_NAME_LABEL, 'colon labels', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('interviewer', 'Interviewer', 'interviewer', ()),
            ('jane-okafor', 'Jane Okafor', 'interviewee', ('Jane',)),
        ],
        turns=[
            ('narrator', 'Meet Jane Okafor,'),
            ('interviewer', 'Why Turgen?'),
            ('jane-okafor', 'The mountains. And'),
            ('interviewer', 'Was it hard'),
            ('jane-okafor', 'Very. I lost'),
            ('interviewer', 'And now?'),
            ('jane-okafor', 'Eighty hives, and'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'initials_undeclared', T.INITIALS_UNDECLARED, 'colon labels', 'en',
        speakers=[
            ('roman-vassilenko', 'Roman Vassilenko', 'interviewee', ('RV',)),
            ('host', 'Host', 'interviewer', ()),
        ],
        turns=[
            ('roman-vassilenko', 'Thank you for'),
            ('host', "Let's begin with"),
            ('roman-vassilenko', 'We expect more'),
            ('host', 'From where?'),
            ('roman-vassilenko', 'From eighty countries.'),
            ('host', 'Thank you.'),
        ],
        dropped=[],
        chapters=4,
    ),
    Case(
        'ru_dash_separator', T.RU_DASH_SEPARATOR, 'dash labels', 'ru',
        speakers=[
            ('корреспондент', 'Корреспондент', 'interviewer', ()),
            ('гульнара-ахметова', 'Гульнара Ахметова', 'interviewee', ()),
        ],
        turns=[
            ('корреспондент', 'Как вы начали'),
            ('гульнара-ахметова', 'Случайно, в детском'),
            ('корреспондент', 'А сейчас?'),
            ('гульнара-ахметова', 'Сейчас у меня'),
            ('корреспондент', 'Где можно купить'),
            ('гульнара-ахметова', 'На ярмарке по'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'asr_unpunctuated', T.ASR_UNPUNCTUATED, 'colon labels', 'en',
        speakers=[
            ('speaker-1', 'Speaker 1', 'interviewer', ()),
            ('speaker-2', 'Speaker 2', 'interviewee', ()),
        ],
        turns=[
            ('speaker-1', 'so tell me'),
            ('speaker-2', 'about two hundred'),
            ('speaker-1', 'and the weather'),
            ('speaker-2', 'dry very dry'),
            ('speaker-1', 'okay thank you'),
        ],
        dropped=[],
        chapters=3,
    ),
    Case(
        'panel_shared_surname', T.PANEL_SHARED_SURNAME, 'colon labels, ALL CAPS', 'en',
        speakers=[
            ('narrator', 'Narrator', 'narrator', ()),
            ('host', 'Host', 'interviewer', ()),
            ('anna-lee', 'Anna Lee', 'interviewee', ()),
            ('david-lee', 'David Lee', 'other', ()),
            ('lee', 'LEE', 'other', ()),
        ],
        turns=[
            ('narrator', 'The Lee family'),
            ('host', 'Anna and David'),
            ('anna-lee', 'With one oven'),
            ('host', 'David, you joined'),
            ('david-lee', 'Five years later.'),
            ('lee', 'He still counts'),
            ('host', 'Who decides the'),
            ('anna-lee', 'I do.'),
            ('david-lee', 'She does.'),
            ('host', 'Thank you both.'),
        ],
        dropped=[],
        chapters=5,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_family_golden(case: Case):
    s = split_text(case.text)
    assert s.meta["grammar"]["reading"] == case.grammar
    assert s.language == case.language
    assert [(sp.id, sp.name, sp.role, sp.aliases) for sp in s.speakers] == case.speakers
    assert [(sid, " ".join(segs[0].text.split()[:3])) for sid, segs in s.turns()] == case.turns
    assert [(d["line"], d["reason"]) for d in s.meta["dropped"]] == case.dropped
    assert len(s.chapters) == case.chapters
    assert Script.from_json(s.to_json()) == s


def test_at_least_thirty_texts_two_per_family():
    families = {
        "separators": {"slash", "en_dash", "em_dash", "own_line_title", "own_line_messy", "ru_dash_separator"},
        "qa": {"qa_colon_intro", "qa_dot", "qa_dash", "question_answer", "ru_qa", "ru_vopros", "kk_qa", "bold_qa_intro"},
        "emphasis": {"bold_colon_inside", "bold_colon_outside", "underscore", "html_bold"},
        "names": {"abbrev_typo", "caps_titled", "long_first_label", "glued", "first_name_label", "initials_undeclared"},
        "transcripts": {"transcript_own_line", "transcript_brackets", "transcript_cnn", "npr_transcript",
                        "transcript_name_stamp", "asr_unpunctuated"},
        "ru_kk": {"ru_initials", "ru_korr", "ru_dash", "kk_dash", "ru_official_transcript", "kk_tilshi", "ru_dash_messy"},
        "panels": {"panel", "panel_same_surname", "panel_surnames", "panel_shared_surname"},
        "short": {"two_turns", "three_once"},
        "cruft": {"bio_box", "browser_notices", "long_page_caps"},
    }
    assert len(CASES) >= 30
    assert {c.name for c in CASES} == set().union(*families.values())  # every text is in a family
    names = {c.name for c in CASES}
    for family, members in families.items():
        assert len(members & names) >= 2, family


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_dropped_lines_are_the_input_lines(case: Case):
    """`meta.dropped` names exact 1-based lines of the input: the text there is what was dropped."""
    lines = clean_text(case.text).split("\n")
    for d in split_text(case.text).meta["dropped"]:
        assert " ".join(lines[d["line"] - 1].split())[:40] == d["text"][:40].rstrip("…")
