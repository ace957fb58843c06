"""Editor sign-in: password hashes, configured editors, the throttle, the widget on the pages."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from apptest import open_app
from streamlit.testing.v1 import AppTest

from plans import auth, settings
from plans.__main__ import main
from plans.data import imports, templates

PAGE = "pages/imports.py"
FAST = 1000  # PBKDF2 rounds for tests; the stored form carries its own count
LAN = auth.hash_password("mật khẩu đúng", iterations=FAST)
BINH = auth.hash_password("binh-secret", iterations=FAST)


@pytest.fixture(autouse=True)
def private_store(built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private database copy and imports folder, no editors, a fresh throttle."""
    copy = tmp_path / "plans.duckdb"
    shutil.copy(built_db, copy)
    monkeypatch.setattr(settings, "DB_PATH", copy)
    monkeypatch.setattr(settings, "IMPORTS_DIR", tmp_path / "imports")
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    auth.THROTTLE.reset()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    auth.THROTTLE.reset()
    st.cache_data.clear()
    st.cache_resource.clear()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- hashing --------------------------------------------------------------------------------


def test_hash_round_trip() -> None:
    stored = auth.hash_password("mật khẩu đúng", iterations=FAST)
    assert auth.verify("mật khẩu đúng", stored)
    assert stored.startswith(f"pbkdf2_sha256${FAST}$")


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param("mật khẩu sai", id="other password"),
        pytest.param("mat khau dung", id="without diacritics"),
        pytest.param("", id="empty"),
        pytest.param("mật khẩu đúng ", id="trailing space"),
    ],
)
def test_wrong_password_is_refused(attempt: str) -> None:
    assert not auth.verify(attempt, LAN)


def test_hashes_are_salted() -> None:
    first = auth.hash_password("same", iterations=FAST)
    second = auth.hash_password("same", iterations=FAST)
    assert first != second
    assert auth.verify("same", first) and auth.verify("same", second)


def test_fixed_salt_gives_the_known_pbkdf2_value() -> None:
    import hashlib

    expected = hashlib.pbkdf2_hmac("sha256", b"pw", b"\x01" * 16, FAST).hex()
    assert f"pbkdf2_sha256${FAST}${'01' * 16}${expected}" == auth.hash_password(
        "pw", salt=b"\x01" * 16, iterations=FAST
    )


def test_stored_form_never_contains_the_password() -> None:
    password = "Hunter2-Hunter2"
    stored = auth.hash_password(password, iterations=FAST)
    assert password not in stored
    assert password.encode().hex() not in stored
    assert password.lower() not in stored.lower()


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("mật khẩu đúng", id="plain password pasted by mistake"),
        pytest.param("pbkdf2_sha256$1000$zz$00", id="not hex"),
        pytest.param("", id="empty"),
    ],
)
def test_malformed_stored_form_never_verifies(stored: str) -> None:
    assert not auth.verify("mật khẩu đúng", stored)


def test_unknown_name_is_refused() -> None:
    editors = {"Lan": LAN}
    assert auth.check_editor("Lan", "mật khẩu đúng", editors)
    assert not auth.check_editor("Nam", "mật khẩu đúng", editors)
    assert not auth.check_editor("Lan", "binh-secret", editors)


# --- configuration ----------------------------------------------------------------------------


def test_editors_from_secrets() -> None:
    assert {"Lan": LAN} == auth.load_editors({"editors": {"Lan": LAN}}, environ={})


def test_editors_from_environment() -> None:
    env = {auth.ENV_VAR: f"Lan={LAN}; Bình={BINH};"}
    assert {"Lan": LAN, "Bình": BINH} == auth.load_editors(None, environ=env)


def test_environment_wins_and_plain_passwords_are_ignored() -> None:
    secrets = {"editors": {"Lan": BINH, "Nam": "plain-password"}}
    assert {"Lan": LAN} == auth.load_editors(secrets, environ={auth.ENV_VAR: f"Lan={LAN}"})


def test_no_configuration_means_no_editors() -> None:
    assert {} == auth.load_editors(None, environ={})


def test_cli_prints_the_stored_form(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "s3cret-pass")
    assert 0 == main(["hash-password", "--iterations", str(FAST)])
    printed = capsys.readouterr().out.strip()
    assert auth.verify("s3cret-pass", printed)
    assert "s3cret-pass" not in printed


# --- throttle -------------------------------------------------------------------------------


def test_throttle_delays_grow_and_are_capped() -> None:
    throttle = auth.Throttle()
    assert [0, 1, 2, 4, 8, 16, 30, 30] == [throttle.delay(n) for n in range(8)]


def test_throttle_refuses_early_attempts() -> None:
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    throttle.check("Lan")  # nothing failed yet
    assert 1.0 == throttle.failure("Lan")
    with pytest.raises(auth.ThrottledError) as refused:
        throttle.check("Lan")
    assert 1.0 == refused.value.seconds
    clock.now += 1.0
    throttle.check("Lan")
    assert 2.0 == throttle.failure("lan ")  # one budget per name, whatever the case
    clock.now += 1.0
    assert 1.0 == throttle.wait("Lan")
    clock.now += 1.0
    throttle.check("Lan")
    throttle.success("Lan")
    assert 0.0 == throttle.wait("Lan")


def test_throttle_overall_slows_guessing_over_many_names() -> None:
    clock = Clock()
    throttle = auth.Throttle(clock=clock, free_overall=3)
    for n in range(3):
        throttle.failure(f"name{n}")
    assert 0.0 == throttle.wait("someone else"), "a few mistypes overall cost nothing"
    throttle.failure("name3")
    assert 1.0 == throttle.wait("someone else")


def test_throttle_forgets_after_a_quiet_period() -> None:
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    for _ in range(6):
        clock.now += 60
        throttle.failure("Lan")
    clock.now += 901
    assert 0.0 == throttle.wait("Lan")
    assert 1.0 == throttle.failure("Lan")


# --- the throttle under parallel sessions -----------------------------------------------------

SESSIONS = 20  # the adversarial pass's websocket sessions pressing sign-in at once


class CountedHashes:
    """hashlib.pbkdf2_hmac replaced: the rounds of every call recorded, and each call held
    until every session is either hashing or answered, so the attempts truly overlap however
    the threads are scheduled (no sleeps, no timings)."""

    def __init__(self, sessions: int) -> None:
        self.iterations: list[int] = []
        self._sessions, self._arrived = sessions, 0
        self._lock = threading.Lock()
        self._all_in = threading.Event()

    def arrive(self) -> None:
        with self._lock:
            self._arrived += 1
            if self._arrived >= self._sessions:
                self._all_in.set()

    def pbkdf2_hmac(self, hash_name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        with self._lock:
            self.iterations.append(iterations)
        self.arrive()
        self._all_in.wait(timeout=10)
        return b"\0" * 32  # matches no stored hash: every password here is wrong


def in_parallel(attempt: Callable[[int], auth.SignIn], hashes: CountedHashes) -> list[auth.SignIn]:
    """SESSIONS threads released at once through a barrier, each making one attempt."""
    barrier = threading.Barrier(SESSIONS)
    results: list[auth.SignIn | None] = [None] * SESSIONS

    def session(i: int) -> None:
        barrier.wait()
        results[i] = outcome = attempt(i)
        if not outcome.checked:
            hashes.arrive()

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [] == [i for i, r in enumerate(results) if r is None], "a session got no answer"
    return [r for r in results if r is not None]


def test_parallel_sessions_get_one_password_checked_per_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    editors = {"Lan": LAN}
    for rounds in range(1, 4):
        hashes = CountedHashes(SESSIONS)
        monkeypatch.setattr(auth.hashlib, "pbkdf2_hmac", hashes.pbkdf2_hmac)
        results = in_parallel(
            lambda i: auth.sign_in("Lan", f"guess {i}", editors, throttle), hashes
        )
        assert 1 == len(hashes.iterations), f"round {rounds}: one password checked, not more"
        assert [True] + [False] * (SESSIONS - 1) == sorted(
            (r.checked for r in results), reverse=True
        )
        assert [None] * SESSIONS == [r.editor for r in results]
        assert {throttle.delay(rounds)} == {r.seconds for r in results}, "all told the same wait"
        clock.now += throttle.delay(rounds)  # the wait is over: the next round may try once


def test_parallel_sessions_over_many_names_keep_the_overall_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    editors = {"Lan": LAN}
    one_after_another = auth.Throttle(clock=Clock(), free_overall=5)
    sequential = [
        auth.sign_in(f"name {i}", "guess", editors, one_after_another).checked
        for i in range(SESSIONS)
    ]
    hashes = CountedHashes(SESSIONS)
    monkeypatch.setattr(auth.hashlib, "pbkdf2_hmac", hashes.pbkdf2_hmac)
    throttle = auth.Throttle(clock=Clock(), free_overall=5)
    results = in_parallel(lambda i: auth.sign_in(f"name {i}", "guess", editors, throttle), hashes)
    assert 6 == sum(sequential), "5 free failures overall, then one attempt per wait"
    assert sum(sequential) == len(hashes.iterations)
    assert sum(sequential) == sum(r.checked for r in results)


def test_a_check_still_running_holds_the_wait() -> None:
    clock = Clock()
    throttle = auth.Throttle(clock=clock, free_overall=0)
    throttle.begin("Lan")
    clock.now += 60  # a hash slowed down by load: the wait it will owe has passed meanwhile
    with pytest.raises(auth.ThrottledError) as same_name:
        throttle.begin("lan ")
    with pytest.raises(auth.ThrottledError) as other_name:
        throttle.begin("Bình")  # past the free overall failures: one check at a time
    assert (1.0, 1.0) == (same_name.value.seconds, other_name.value.seconds)
    assert 1.0 == throttle.finish("Lan", ok=False), "the refused attempts were not failures"
    clock.now += 1.0
    throttle.begin("Bình")


def test_a_right_password_takes_back_its_overall_failure() -> None:
    throttle = auth.Throttle(clock=Clock(), free_overall=0)
    assert auth.SignIn("Lan", 0.0, True) == auth.sign_in(
        " Lan ", "mật khẩu đúng", {"Lan": LAN}, throttle
    )
    assert 0.0 == throttle.wait("Bình"), "a success is not a failure overall"
    assert auth.SignIn(None, 1.0, True) == auth.sign_in("Bình", "sai", {"Lan": LAN}, throttle)


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [
        pytest.param([2000], 2000, id="one editor"),
        pytest.param([2000, 2000, 3000], 2000, id="the most common count"),
        pytest.param([], auth.ITERATIONS, id="no editor: the configured rounds"),
    ],
)
def test_an_unknown_name_costs_the_rounds_of_a_known_one(
    monkeypatch: pytest.MonkeyPatch, rounds: list[int], expected: int
) -> None:
    editors = {f"editor {n}": auth.hash_password("pw", iterations=r) for n, r in enumerate(rounds)}
    hashes = CountedHashes(1)
    monkeypatch.setattr(auth.hashlib, "pbkdf2_hmac", hashes.pbkdf2_hmac)
    assert not auth.check_editor("không có ai", "pw", editors)
    assert [expected] == hashes.iterations
    if editors:
        assert not auth.check_editor("editor 0", "wrong", editors)
        assert [expected, rounds[0]] == hashes.iterations


# --- the widget on the import page --------------------------------------------------------------


def import_page(lang: str = "vi", secrets: dict | None = None) -> AppTest:
    """The import page as a visitor opens it (the sign-in form above the uploader)."""
    at = AppTest.from_file(str(Path(__file__).parent.parent / "dashboard.py"), default_timeout=30)
    at.secrets.update(secrets or {})
    at.query_params.update(lang=lang)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def staged(at: AppTest) -> AppTest:
    """The plan template uploaded and checked (by a signed-in editor: only they can upload)."""
    data = templates.to_csv(templates.plan_rows())
    at.file_uploader(key="imports_file").set_value(("mau_ke_hoach.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    at.button(key="auth_sign_in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        pytest.param("vi", "Chưa cấu hình người biên tập nào", id="vi"),
        pytest.param("en", "No editors are configured", id="en"),
    ],
)
def test_without_editors_the_page_explains_how_to_configure(lang: str, text: str) -> None:
    at = import_page(lang)
    [info] = [i.value for i in at.info if text in i.value]
    assert "python -m plans hash-password" in info and auth.ENV_VAR in info
    assert not at.text_input, "no sign-in form and no free-text editor name"
    assert [] == at.get("file_uploader"), "no upload without an editor"


def test_wrong_password_refused_then_right_one_signs_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.ENV_VAR, f"Lan={LAN};Bình={BINH}")
    at = import_page("en")
    assert [] == at.get("file_uploader")
    sign_in(at, "Lan", "wrong")
    assert "Wrong name or password" in at.error[0].value
    assert [] == at.get("file_uploader")
    assert "" == at.text_input(key="auth_password").value, "a refused password is not kept"

    refused = sign_in(at, "Lan", "mật khẩu đúng")  # at once: the throttle's wait is not over
    assert "wait 1 seconds" in refused.error[0].value
    assert [] == refused.get("file_uploader")

    auth.THROTTLE.reset()  # as if the second had passed
    sign_in(at, "Lan", "mật khẩu đúng")
    assert not at.error
    staged(at)
    assert any("Editor (recorded with the import): **Lan**" == m.value for m in at.markdown)
    assert not at.button(key="imports_confirm").disabled
    at.button(key="imports_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert ["Lan"] == [r["editor"] for r in imports.list_imports()]


def test_sign_in_from_streamlit_secrets_and_sign_out() -> None:
    at = import_page("en", secrets={"editors": {"Bình": BINH}})
    sign_in(at, "Bình", "binh-secret")
    assert any("Signed in as **Bình**" == m.value for m in at.markdown)
    at.button(key="auth_sign_out").click().run()
    assert at.button(key="auth_sign_in")


def test_viewer_pages_never_ask_for_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.ENV_VAR, f"Lan={LAN}")
    at = open_app("pages/overview.py")
    assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("auth_")]
