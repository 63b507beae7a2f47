"""Voice configuration: the packaged defaults, assignment of voices to speakers, validation messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceover.core import Voice
from voiceover.errors import ConfigError
from voiceover.script import ROLES, Script, Speaker
from voiceover.voices import VoiceConfig, default_voices_path

MAIN_ROLES = ("narrator", "interviewer", "interviewee")


def script(*speakers: tuple[str, str, str]) -> Script:
    return Script("t", "en", tuple(Speaker(i, name, role) for i, name, role in speakers))


@pytest.fixture(scope="module")
def default() -> VoiceConfig:
    return VoiceConfig.load(Path(__file__).parents[1] / "voices" / "default.toml")


def test_packaged_default_is_a_link_to_the_repo_file():
    # One file: the package data is a symlink to voices/default.toml (a wheel or an sdist stores
    # its contents, not the link: checked with `pip wheel . --no-deps`).
    repo = Path(__file__).parents[1]
    packaged = repo / "src" / "voiceover" / "data" / "default-voices.toml"
    assert packaged.is_symlink() and packaged.resolve() == (repo / "voices" / "default.toml").resolve()


def test_default_voices_path_prefers_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_voices_path().name == "default-voices.toml"
    assert VoiceConfig.default().languages() == ["en", "kk", "ru"]
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "default.toml").write_text(
        "".join(f'[roles.{r}.en]\nvoice = "en-us+f{i + 1}"\n' for i, r in enumerate(ROLES)), encoding="utf-8"
    )
    assert default_voices_path() == Path("voices/default.toml")
    assert VoiceConfig.default().languages() == ["en"]


def test_default_covers_all_roles_in_en_ru_kk(default):
    assert {"en", "ru", "kk"} <= set(default.languages())
    for role in ROLES:
        for lang in ("en", "ru", "kk"):
            v = default.roles[role][lang]
            # English: Piper's joe and personas made from it (WORLD); Russian and Kazakh: espeak.
            expected = "piper" if lang == "en" else "espeak"
            assert v.engine == expected and 150 <= v.rate <= 160
            assert v.voice.split("+")[0].startswith("en_US-joe-medium" if lang == "en" else lang)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_main_roles_sound_different(default, lang):
    voices = [default.roles[r][lang] for r in MAIN_ROLES]
    assert len({v.voice for v in voices}) == 3
    assert lang == "en" or len({v.pitch for v in voices}) >= 2
    assert len(default.pool[lang]) >= 3
    assert not set(default.pool[lang]) & set(voices)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_extra_interviewees_get_distinct_voices(default, lang):
    s = script(("n", "Narrator", "narrator"), ("q", "Host", "interviewer"),
               ("a", "Ann", "interviewee"), ("b", "Bob", "interviewee"), ("c", "Cy", "interviewee"))
    got = default.role_assign(s, lang)
    assert list(got) == ["n", "q", "a", "b", "c"]
    assert len(set(got.values())) == 5
    assert got["a"] == default.roles["interviewee"][lang]
    assert got["b"] == default.pool[lang][0]


def test_extras_listed_first_still_leave_role_voices_to_first_speakers(default):
    s = script(("b", "Bob", "interviewee"), ("q", "Host", "interviewer"), ("c", "Cy", "interviewee"))
    got = default.role_assign(s, "en")
    assert got["b"] == default.roles["interviewee"]["en"]
    assert got["q"] == default.roles["interviewer"]["en"]
    assert got["c"] not in (got["b"], got["q"])


def test_pool_exhausted_shares_role_voice():
    cfg = VoiceConfig(roles={"interviewee": {"en": Voice("espeak", "en-us+f1")}},
                      pool={"en": [Voice("espeak", "en-us+f2")]})
    got = cfg.role_assign(script(("a", "A", "interviewee"), ("b", "B", "interviewee"), ("c", "C", "interviewee")), "en")
    assert [got[k].voice for k in "abc"] == ["en-us+f1", "en-us+f2", "en-us+f1"]


def test_named_speaker_wins_by_id_and_name(tmp_path):
    p = tmp_path / "v.toml"
    p.write_text(
        '[defaults]\nrate = 150\n'
        + "".join(f'[roles.{r}.en]\nvoice = "en-us+f{i + 1}"\n' for i, r in enumerate(ROLES))
        + '[speakers.guest.en]\nvoice = "en-us+m3"\npitch = 30\n'
        + '[speakers."Jane Doe".en]\nvoice = "en-us+m1"\n',
        encoding="utf-8",
    )
    cfg = VoiceConfig.load(p)
    got = cfg.assign(script(("guest", "Guest", "interviewee"), ("jd", "Jane Doe", "interviewee"),
                            ("x", "X", "interviewee")), "en")
    assert got["guest"] == Voice("espeak", "en-us+m3", 150, 30)
    assert got["jd"] == Voice("espeak", "en-us+m1", 150, 50)
    assert got["x"] == Voice("espeak", "en-us+f3", 150, 50)


def test_missing_language_for_role_is_config_error(default):
    with pytest.raises(ConfigError, match=r"no voice for role 'interviewer' in language 'de'.*\[roles.interviewer.de\]"):
        default.assign(script(("q", "Host", "interviewer")), "de")


def test_round_trip(default):
    again = VoiceConfig.from_dict(default.to_dict(), source="x")
    assert again == default


GOOD = '[roles.narrator.en]\nvoice = "en-us+f5"\n'
BAD = [
    ("[colours]\nred = 1\n", "[colours] unknown top-level key"),
    ('[roles.host.en]\nvoice = "en-us"\n', "[roles.host] unknown role"),
    ('[roles.interviewer.en]\nengine = "nosuch"\nvoice = "x"\n', "[roles.interviewer.en] unknown engine 'nosuch'"),
    ('[roles.interviewer.ru]\nvoice = "ru"\nrate = 900\n', "[roles.interviewer.ru] rate must be 80–450, got 900"),
    ('[roles.interviewer.ru]\nvoice = "ru"\nrate = 79\n', "[roles.interviewer.ru] rate must be 80–450, got 79"),
    ('[roles.other.kk]\nvoice = "kk"\npitch = 101\n', "[roles.other.kk] pitch must be 0–100, got 101"),
    ('[roles.other.kk]\nvoice = "kk"\npitch = -1\n', "[roles.other.kk] pitch must be 0–100, got -1"),
    ('[roles.narrator.en]\nrate = 150\n', "[roles.narrator.en] missing voice id"),
    ('[roles.narrator.en]\nvoice = "en-us"\nrate = "fast"\n', "[roles.narrator.en] rate must be a whole number"),
    ('[roles.narrator.en]\nvoice = "en-us"\nrate = true\n', "[roles.narrator.en] rate must be a whole number"),
    ('[roles.narrator.en]\nvoice = "en-us"\npitch = 50.5\n', "[roles.narrator.en] pitch must be a whole number"),
    ("[roles.narrator.en]\nvoice = 5\n", "[roles.narrator.en] voice must be a non-empty string"),
    ('[roles.narrator.en]\nvoice = "en-us"\nspeed = 2\n', "[roles.narrator.en.speed] unknown key"),
    ('[roles.narrator.en]\nvoice = "en-us+nosuch"\n', "[roles.narrator.en] espeak has no voice 'en-us+nosuch'"),
    ('[roles.narrator.kk]\nvoice = "en-us"\n', "[roles.narrator.kk] espeak has no voice 'en-us' for 'kk'"),
    ('[roles]\nother = "loud"\n', "[roles.other] must be a table"),
    ('[pool]\nen = "en-us+f2"\n', "[pool.en] must be a list"),
    ('[[pool.en]]\nvoice = "en-us+f2"\n[[pool.en]]\nvoice = "en-us+f9"\n', "[pool.en[1]] espeak has no voice"),
    ('[speakers.ann.en]\nvoice = "en-us"\npitch = 200\n', "[speakers.ann.en] pitch must be 0–100, got 200"),
    ("[defaults]\nrate = 1000\n", "[defaults] rate must be 80–450, got 1000"),
    ('[defaults]\nvoice = "en-us"\n', "[defaults.voice] unknown key"),
    ("[roles.narrator.en\n", "not valid TOML"),
]


@pytest.mark.parametrize("body, expected", BAD, ids=[b[1].split("]")[0].lstrip("[")[:40] for b in BAD])
def test_validation_errors_name_file_and_key(tmp_path, body, expected):
    p = tmp_path / "voices" / "bad.toml"
    p.parent.mkdir()
    p.write_text(GOOD + body if not body.startswith("[roles.narrator.en]") else body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        VoiceConfig.load(p)
    msg = str(info.value)
    assert msg.startswith(f"{p}: ")
    assert expected in msg


def test_missing_file_is_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        VoiceConfig.load(tmp_path / "nope.toml")


def test_role_voices(default):
    got = default.role_voices("ru")
    assert list(got) == list(ROLES)
    assert got["interviewee"] == default.roles["interviewee"]["ru"]
    assert default.role_voices("de") == {}


def test_shipped_espeak_only_config_is_valid_and_distinct():
    from conftest import ESPEAK_ONLY_VOICES

    cfg = VoiceConfig.load(ESPEAK_ONLY_VOICES)
    assert sorted(cfg.languages()) == ["en", "kk", "ru"]
    for lang in ("en", "ru", "kk"):
        roles = cfg.role_voices(lang)
        assert {v.engine for v in roles.values()} == {"espeak"}
        main = [(roles[r].voice, roles[r].pitch) for r in ("narrator", "interviewer", "interviewee")]
        assert len(set(main)) == 3


def test_one_default_rate_for_a_voice_and_the_config():
    config = VoiceConfig.from_dict({"roles": {"narrator": {"en": {"engine": "espeak", "voice": "en-us"}}}},
                                   check_voices=False)
    assert config.role_voices("en")["narrator"].rate == Voice("espeak", "en-us").rate == 155
