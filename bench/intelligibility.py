"""How intelligible is each English voice (espeak, Piper)? Speak sentences, recognise them, count word errors.

An outside recogniser (pocketsphinx 5 with its bundled en-us model, a dev dependency) transcribes
each synthesised sentence; word error rate (WER) against what was meant is a proxy for how easy
the voice is to follow. Absolute WERs are high (a small general model hearing formant speech);
compare voices with each other, not with human speech. The figures chosen for the defaults are
quoted in voices/default.toml.

    .venv/bin/python bench/intelligibility.py                  # every candidate, 2 processes
    .venv/bin/python bench/intelligibility.py --quick          # the configured English voices + Piper
    .venv/bin/python bench/intelligibility.py --voices en-us+f5:50 en-us+m3:40 --jobs 1
    .venv/bin/python bench/intelligibility.py --voices piper/en_US-joe-medium --piper-noise 0.667,0.8
    .venv/bin/python bench/intelligibility.py --voices 'piper/en_US-joe-medium+f0*1.9+env*1.18'   # a WORLD persona
    .venv/bin/python bench/intelligibility.py --speech-rules   # does each speech_text rule help?
    .venv/bin/python bench/intelligibility.py --lexicon        # does the pronunciation lexicon help?

A voice is "espeak-id[:pitch]" or "piper/<model>[:speaker][+f0*X+env*Y]". Piper voices are every installed
English model (see `voiceover voices`); --piper-noise measures Piper with other noise settings
than voiceover's deterministic 0/0 (piper's own defaults are 0.667,0.8).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor

# The recogniser and the word error count are shared with `voiceover check` (check.py).
from voiceover.check import comparable_words, new_decoder, transcribe, word_errors

# (text given to the engine, what a listener should hear — numbers written as spoken)
SENTENCES: list[tuple[str, str]] = [
    ("Good evening, and welcome to the programme.",
     "good evening and welcome to the programme"),
    ("My guest tonight is the economist Maria Lopez.",
     "my guest tonight is the economist maria lopez"),
    ("The minister said the budget would grow by 12 percent next year.",
     "the minister said the budget would grow by twelve percent next year"),
    ("How many people lost their jobs when the factory closed?",
     "how many people lost their jobs when the factory closed"),
    ("About 4,000 workers were affected in the first month alone.",
     "about four thousand workers were affected in the first month alone"),
    ("We started the company in 2015 with three friends and a small loan.",
     "we started the company in twenty fifteen with three friends and a small loan"),
    ("I think the government should listen to the teachers.",
     "i think the government should listen to the teachers"),
    ("Can you tell us what happened on the night of the election?",
     "can you tell us what happened on the night of the election"),
    ("The river rose by two metres in less than six hours.",
     "the river rose by two metres in less than six hours"),
    ("Nobody expected the prices of bread and milk to double.",
     "nobody expected the prices of bread and milk to double"),
    ("John Smith has been the mayor of the city since 2009.",
     "john smith has been the mayor of the city since two thousand nine"),
    ("Our hospital treats more than 300 patients every single day.",
     "our hospital treats more than three hundred patients every single day"),
    ("What would you say to young people who want to become doctors?",
     "what would you say to young people who want to become doctors"),
    ("The report was published on Monday by the national bank.",
     "the report was published on monday by the national bank"),
    ("We need clean water, better roads and safer schools.",
     "we need clean water better roads and safer schools"),
    ("She was born in a small village near the mountains.",
     "she was born in a small village near the mountains"),
    ("Thank you very much for joining us today.",
     "thank you very much for joining us today"),
    ("The new railway line will connect the two largest cities.",
     "the new railway line will connect the two largest cities"),
    ("Last winter the temperature fell to minus 30 degrees.",
     "last winter the temperature fell to minus thirty degrees"),
    ("I remember my first day at the newspaper very clearly.",
     "i remember my first day at the newspaper very clearly"),
]

# (voice id, pitch 0–100): default male, the female and male variants, klatt, a few named ones,
# and pitch sweeps of the likely winners.
CANDIDATES: list[tuple[str, int]] = [
    ("en-us", 50), ("en-us", 70), ("en", 50), ("en-gb-x-rp", 50),
    *((f"en-us+f{i}", 50) for i in range(1, 6)),
    *((f"en-us+m{i}", 50) for i in range(1, 8)),
    ("en-us+klatt", 50), ("en-us+klatt2", 50), ("en-us+klatt4", 50),
    ("en-us+Annie", 50), ("en-us+linda", 50), ("en-us+steph", 50), ("en-us+david", 50),
    ("en-us+f5", 30), ("en-us+f5", 70), ("en-us+f2", 30), ("en-us+f2", 70),
    ("en-us+m3", 70), ("en-us+m1", 70),
    ("en+f5", 50), ("en-gb-x-rp+f2", 50),
]


# (rule, text as published, what a listener should hear): each speech_text.for_speech rule is
# kept only if the configured voices are heard better after it than before (--speech-rules);
# the formant voices are noisy on one sentence, so Piper's column is the clearest signal.
RULE_SENTENCES: list[tuple[str, str, str]] = [
    ("units", "The border with Russia is 7,500km long.",
     "the border with russia is seven thousand five hundred kilometers long"),
    ("units", "Each sack of grain weighs 50kg.", "each sack of grain weighs fifty kilograms"),
    ("units", "The trucks drive at 80 km/h on the new road.",
     "the trucks drive at eighty kilometers per hour on the new road"),
    ("currency", "The government spent $5m on the new school.",
     "the government spent five million dollars on the new school"),
    ("currency", "Trade with China reached $2.5bn last year.",
     "trade with china reached two point five billion dollars last year"),
    ("currency", "The loan was worth US$40 million.", "the loan was worth forty million us dollars"),
    ("currency", "A ticket costs £30 in London.", "a ticket costs thirty pounds in london"),
    ("billions", "The country has 1.4bn people.", "the country has one point four billion people"),
    ("decades", "Many people left the country in the 1990s.",
     "many people left the country in the nineteen nineties"),
    ("decades", "The factory was built in the 1970s.", "the factory was built in the nineteen seventies"),
    ("round ordinals", "The city celebrated its 100th anniversary.",
     "the city celebrated its one hundredth anniversary"),
    ("round ordinals", "This is the 200th day of the war.", "this is the two hundredth day of the war"),
    ("number ranges", "We expect 10-15 new projects next year.", "we expect ten to fifteen new projects next year"),
    ("number ranges", "The team won 5-3 in the final.", "the team won five to three in the final"),
    ("number ranges", "Prices rose by 20–30 per cent.", "prices rose by twenty to thirty percent"),
    ("24/7", "The hotline works 24/7 for refugees.", "the hotline works twenty four seven for refugees"),
    ("titles", "Dr. Smith will see you now.", "doctor smith will see you now"),
    ("titles", "I spoke with Mr. Johnson yesterday.", "i spoke with mister johnson yesterday"),
    ("titles", "Prof. Ahmed teaches economics.", "professor ahmed teaches economics"),
    ("i.e.", "We need peace, i.e. an end to the fighting.", "we need peace that is an end to the fighting"),
    ("vs", "It is a question of diplomacy vs war.", "it is a question of diplomacy versus war"),
    ("vs", "Tomorrow it is Kazakhstan vs Ukraine in the final.",
     "tomorrow it is kazakhstan versus ukraine in the final"),
]

# Rewrites tried and left out of speech_text: (name, text, rewritten, what a listener should hear).
LEFT_OUT: list[tuple[str, str, str, str]] = [
    ("No.", "Resolution No. 5 was adopted on Monday.", "Resolution number 5 was adopted on Monday.",
     "resolution number five was adopted on monday"),  # helps Piper, hurts the formant voices
    ("No.", "They live in house No. 12 near the river.", "They live in house number 12 near the river.",
     "they live in house number twelve near the river"),
    ("short decades", "Things were very different in the '80s.", "Things were very different in the eighties.",
     "things were very different in the eighties"),  # espeak's "eighty z" already sounds right
    ("e.g.", "Some countries, e.g. Turkey, help us.", "Some countries, for example Turkey, help us.",
     "some countries for example turkey help us"),  # espeak already says "for example"
    ("ampersand", "Johnson & Johnson made it.", "Johnson and Johnson made it.",
     "johnson and johnson made it"),
]

# The pronunciation lexicon (lexicon.py, data/lexicon-en.toml): sentences with its words that the
# recogniser's dictionary knows, spoken by Piper with and without it (--lexicon).
LEXICON_SENTENCES: list[tuple[str, str]] = [
    ("Kazakhstan is the largest country in Central Asia.", "kazakhstan is the largest country in central asia"),
    ("Trade between China and Kazakhstan grew last year.", "trade between china and kazakhstan grew last year"),
    ("Oil is Kazakhstan's most important export.", "oil is kazakhstan's most important export"),
    ("Many Kazakhs moved to the new capital.", "many kazakhs moved to the new capital"),
    ("The road to Kyrgyzstan was closed by snow.", "the road to kyrgyzstan was closed by snow"),
    ("The apple markets of Almaty are famous.", "the apple markets of almaty are famous"),
    ("Nazarbayev ruled the country for almost thirty years.",
     "nazarbayev ruled the country for almost thirty years"),
    ("Putin met the foreign ministers on Friday.", "putin met the foreign ministers on friday"),
    ("Gorbachev ended the cold war.", "gorbachev ended the cold war"),
    ("We read a short story by Chekhov at school.", "we read a short story by chekhov at school"),
    ("The island of Sakhalin has rich gas fields.", "the island of sakhalin has rich gas fields"),
    ("The conference was held in Tbilisi in May.", "the conference was held in tbilisi in may"),
    ("Khamenei gave a long speech on television.", "khamenei gave a long speech on television"),
]


def measure_lexicon(candidate: tuple[str, str, int], rate: int = 155) -> dict:
    """For one Piper voice: word errors on LEXICON_SENTENCES without and with the lexicon."""
    from voiceover import lexicon
    from voiceover.core import Voice
    from voiceover.tts import get_engine

    engine_name, voice_id, pitch = candidate
    engine = get_engine(engine_name)
    voice = Voice(engine_name, voice_id, rate, pitch)
    decoder = new_decoder()
    words = before = after = 0
    with_lexicon = lexicon.for_piper
    for text, reference in LEXICON_SENTENCES:
        ref = comparable_words(reference)
        words += len(ref)
        lexicon.for_piper = lambda t, _language: t  # type: ignore[assignment]
        before += word_errors(ref, comparable_words(transcribe(decoder, engine.synthesize(text, voice, "en"))))
        lexicon.for_piper = with_lexicon  # type: ignore[assignment]
        after += word_errors(ref, comparable_words(transcribe(decoder, engine.synthesize(text, voice, "en"))))
    return {"voice": f"{engine_name}/{voice_id}", "words": words, "before": before, "after": after}


# Punctuation rules change pauses, not words: their measure is the length of the speech.
PAUSE_SENTENCES: list[tuple[str, str]] = [
    ("square brackets", "Russia [it] has many friends."),
    ("quotes", "The “invincibility” yurts are symbols of support."),
    ("dashes", "The war—and the sanctions—hurt our trade."),
    ("dashes", "The war - and the sanctions - hurt our trade."),
    ("(ellipsis)", "Wait… what did you say?"),  # espeak pauses longer at "…" than at "." (left out)
]


def measure_rules(candidate: tuple[str, str, int], rate: int = 155) -> dict:
    """For one voice: errors before/after per rule and left-out rewrite, seconds before/after per pause rule."""
    from voiceover.core import Voice
    from voiceover.speech_text import for_speech
    from voiceover.tts import get_engine

    engine_name, voice_id, pitch = candidate
    engine = get_engine(engine_name)
    voice = Voice(engine_name, voice_id, rate, pitch)
    decoder = new_decoder()
    rules: dict[str, list[int]] = {}
    cases = [(r, t, for_speech(t, "en"), ref) for r, t, ref in RULE_SENTENCES]
    cases += [(f"({name})", t, rewritten, ref) for name, t, rewritten, ref in LEFT_OUT]
    for rule, text, rewritten, reference in cases:
        ref = comparable_words(reference)
        row = rules.setdefault(rule, [0, 0, 0])  # words, errors before, errors after
        row[0] += len(ref)
        for k, spoken in ((1, text), (2, rewritten)):
            row[k] += word_errors(ref, comparable_words(transcribe(decoder, engine.synthesize(spoken, voice, "en"))))
    pauses: dict[str, list[float]] = {}
    for rule, text in PAUSE_SENTENCES:
        row = pauses.setdefault(rule, [0.0, 0.0])
        row[0] += engine.synthesize(text, voice, "en").duration
        rewritten = text.replace("…", ". ") if rule == "(ellipsis)" else for_speech(text, "en")
        row[1] += engine.synthesize(rewritten, voice, "en").duration
    label = voice_id if engine_name == "espeak" else f"{engine_name}/{voice_id}"
    return {"voice": label, "pitch": pitch, "rules": rules, "pauses": pauses}


def rules_report(rows: list[dict]) -> None:
    """Print errors before → after per rule and voice, then speech lengths for the pause rules."""
    print("word errors before → after the rewrite ((name): tried and left out)")
    print(f"{'rule':<16} {'words':>5}  " + "  ".join(f"{r['voice'][:18]:>18}" for r in rows) + "   all voices")
    for name in rows[0]["rules"]:
        words = rows[0]["rules"][name][0]
        cells = [f"{r['rules'][name][1]:>8} → {r['rules'][name][2]:<7}" for r in rows]
        before = sum(r["rules"][name][1] for r in rows)
        after = sum(r["rules"][name][2] for r in rows)
        print(f"{name:<16} {words:>5}  " + "  ".join(cells) + f"   {before:>3} → {after:<3}"
              + ("" if after < before else "  (no gain)"))
    print("\nseconds of speech before → after (pauses espeak adds or drops)")
    for name in rows[0]["pauses"]:
        print(f"{name:<16}        " + "  ".join(f"{r['pauses'][name][0]:>8.2f} → {r['pauses'][name][1]:<7.2f}"
                                               for r in rows))


def piper_candidates() -> list[tuple[str, str, int]]:
    """Every installed English Piper voice (no models loaded)."""
    from voiceover.tts import ENGINES

    cls = ENGINES.get("piper")
    if cls is None or not cls.availability()[0]:
        return []
    return [("piper", v, 50) for v in cls().voices("en")]


def configured_candidates() -> list[tuple[str, str, int]]:
    """The English voices of the voice config in use (roles, then pool), without repeats."""
    from voiceover.voices import VoiceConfig

    cfg = VoiceConfig.default()
    voices = list(cfg.role_voices("en").values()) + cfg.pool.get("en", [])
    return list(dict.fromkeys((v.engine, v.voice, v.pitch) for v in voices))


def parse_candidate(spec: str) -> tuple[str, str, int]:
    """"piper/en_US-joe-medium" → ("piper", id, 50); "en-us+f5:30" → ("espeak", "en-us+f5", 30)."""
    if spec.startswith("piper/"):
        return ("piper", spec[len("piper/"):], 50)
    voice, _, pitch = spec.partition(":")
    return ("espeak", voice, int(pitch) if pitch else 50)


def _set_piper_noise(noise: tuple[float, float] | None) -> None:
    """Worker initialiser: measure Piper with other noise settings than voiceover's."""
    if noise is not None:
        import voiceover.tts.piper as piper

        piper.NOISE_SCALE, piper.NOISE_W = noise


def measure(candidate: tuple[str, str, int], rate: int = 155, sentences: int = len(SENTENCES)) -> dict:
    """Speak every sentence with one voice, decode it, return errors, words and timings."""
    from voiceover.core import Voice
    from voiceover.tts import get_engine

    engine_name, voice_id, pitch = candidate
    engine = get_engine(engine_name)
    voice = Voice(engine_name, voice_id, rate, pitch)
    engine.synthesize("Warm up.", voice, "en")  # loads a Piper model outside the timing
    decoder = new_decoder()
    errors = words = 0
    audio_s = synth_s = 0.0
    worst = ("", 0.0)
    for text, reference in SENTENCES[:sentences]:
        t0 = time.perf_counter()
        pcm = engine.synthesize(text, voice, "en")
        synth_s += time.perf_counter() - t0
        audio_s += pcm.duration
        hyp = transcribe(decoder, pcm)
        ref = comparable_words(reference)
        e = word_errors(ref, comparable_words(hyp))
        errors, words = errors + e, words + len(ref)
        if e / len(ref) > worst[1]:
            worst = (hyp, e / len(ref))
    label = voice_id if engine_name == "espeak" else f"{engine_name}/{voice_id}"
    return {"voice": label, "pitch": pitch, "wer": errors / words, "errors": errors, "words": words,
            "audio_s": audio_s, "synth_s": synth_s, "worst": worst[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--voices", nargs="*",
                    help="espeak-id[:pitch] or piper/<model> (default: the built-in candidates + Piper voices)")
    ap.add_argument("--quick", action="store_true",
                    help="only the configured English voices and installed Piper voices, on 10 sentences")
    ap.add_argument("--rate", type=int, default=155, help="words per minute (default 155)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (espeak is not thread-safe)")
    ap.add_argument("--piper-noise", metavar="SCALE,W",
                    help="Piper noise_scale,noise_w to measure with (default: voiceover's 0,0)")
    ap.add_argument("--speech-rules", action="store_true",
                    help="measure each speech_text rule (errors before → after) with the configured voices")
    ap.add_argument("--lexicon", action="store_true",
                    help="word errors without → with the pronunciation lexicon, configured Piper voices")
    args = ap.parse_args(argv)
    if args.lexicon:
        cands = [parse_candidate(v) for v in args.voices] if args.voices else configured_candidates()[:3]
        print(f"{len(LEXICON_SENTENCES)} sentences, errors without → with the lexicon, rate {args.rate} wpm, "
              f"pocketsphinx en-us", file=sys.stderr)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for r in pool.map(measure_lexicon, cands, [args.rate] * len(cands)):
                print(f"{r['voice']:<40} {r['words']:>4} words  {r['before']:>3} → {r['after']}")
        return 0
    if args.speech_rules:
        cands = [parse_candidate(v) for v in args.voices] if args.voices else configured_candidates()[:3]
        print(f"{len(RULE_SENTENCES)} sentences, errors before → after for_speech, "
              f"rate {args.rate} wpm, pocketsphinx en-us", file=sys.stderr)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rules_report(list(pool.map(measure_rules, cands, [args.rate] * len(cands))))
        return 0
    cands = [("espeak", v, p) for v, p in CANDIDATES] + piper_candidates()
    n_sentences = len(SENTENCES)
    if args.quick:
        cands = list(dict.fromkeys(configured_candidates() + piper_candidates()))
        n_sentences = 10
    if args.voices:
        cands = [parse_candidate(v) for v in args.voices]
    noise = tuple(float(x) for x in args.piper_noise.split(",")) if args.piper_noise else None
    used = SENTENCES[:n_sentences]
    print(f"{len(used)} sentences, {sum(len(comparable_words(r)) for _, r in used)} words, "
          f"rate {args.rate} wpm, pocketsphinx en-us", file=sys.stderr)
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_set_piper_noise, initargs=(noise,)) as pool:
        rows = list(pool.map(measure, cands, [args.rate] * len(cands), [n_sentences] * len(cands)))
    rows.sort(key=lambda r: r["wer"])
    print(f"{'voice':<26} {'pitch':>5} {'WER':>6} {'errors':>7} {'audio s':>8} {'x realtime':>11}")
    for r in rows:
        print(f"{r['voice']:<26} {r['pitch']:>5} {r['wer']:>6.1%} {r['errors']:>3}/{r['words']:<3} "
              f"{r['audio_s']:>8.1f} {r['audio_s'] / max(r['synth_s'], 1e-9):>10.0f}x")
    total_audio = sum(r["audio_s"] for r in rows)
    total_synth = sum(r["synth_s"] for r in rows)
    print(f"\nsynthesis: {total_audio:.0f} s of audio in {total_synth:.2f} s = "
          f"{total_audio / max(total_synth, 1e-9):.0f}x realtime (all voices; one process each, incl. lock)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
