"""The editor sign-in widget: name, password, sign-in and sign-out, kept in the session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from plans.auth import ENV_VAR, THROTTLE, ThrottledError, check_editor, load_editors
from plans.messages import escape_markdown
from plans.numbers import format_number

SESSION_KEY = "auth_editor"
TEXT = {
    "vi": {
        "head": "Đăng nhập người biên tập",
        "why": "Xem số liệu không cần đăng nhập; nhập và gỡ dữ liệu cần tài khoản người biên tập.",
        "name": "Tên người biên tập",
        "password": "Mật khẩu",
        "sign_in": "Đăng nhập",
        "sign_out": "Đăng xuất",
        "signed_in": "Đang đăng nhập: **{name}**",
        "wrong": "Tên hoặc mật khẩu không đúng. Thử lại sau {seconds} giây.",
        "wait": "Đã có nhiều lần đăng nhập sai: hãy chờ {seconds} giây rồi thử lại.",
        "none": "Chưa cấu hình người biên tập nào, nên chưa ai nhập hoặc gỡ dữ liệu được. "
        "Người vận hành máy chủ cấu hình như sau: chạy `python -m plans hash-password`, "
        "gõ mật khẩu, rồi ghi dòng được in ra vào bảng `[editors]` của "
        '`.streamlit/secrets.toml` (`ten = "pbkdf2_sha256$…"`) hoặc vào biến môi trường '
        f'`{ENV_VAR}` ("ten1=mã1;ten2=mã2"), rồi khởi động lại. Chỉ mã băm được lưu, '
        "không bao giờ lưu mật khẩu.",
    },
    "en": {
        "head": "Editor sign-in",
        "why": "Viewing needs no sign-in; importing and removing data needs an editor account.",
        "name": "Editor name",
        "password": "Password",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "signed_in": "Signed in as **{name}**",
        "wrong": "Wrong name or password. Try again in {seconds} seconds.",
        "wait": "Too many failed sign-ins: wait {seconds} seconds, then try again.",
        "none": "No editors are configured, so nobody can import or remove data yet. "
        "The server's operator configures them: run `python -m plans hash-password`, type the "
        "password, and put the printed line in the `[editors]` table of "
        '`.streamlit/secrets.toml` (`name = "pbkdf2_sha256$…"`) or in the environment variable '
        f'`{ENV_VAR}` ("name1=hash1;name2=hash2"), then restart. Only the hash is stored, '
        "never the password.",
    },
}


def _secrets() -> Mapping[str, Any]:
    # st.secrets raises when no secrets.toml exists; no file simply means no editors there
    try:
        return {"editors": dict(st.secrets["editors"])} if "editors" in st.secrets else {}
    except Exception:
        return {}


def editors() -> dict[str, str]:
    """The configured editors (name → stored hash), from st.secrets and the environment."""
    return load_editors(_secrets())


def _seconds(seconds: float, lang: str) -> str:
    return format_number(max(1, round(seconds + 0.49)), 0, lang)


def _sign_in(configured: dict[str, str], lang: str) -> None:
    # a callback: runs before the script, so the password field can be emptied here
    text = TEXT[lang]
    name = str(st.session_state.get("auth_name", "")).strip()
    password = str(st.session_state.get("auth_password", ""))
    st.session_state["auth_password"] = ""
    try:
        THROTTLE.check(name)
    except ThrottledError as exc:
        st.session_state["auth_message"] = text["wait"].format(seconds=_seconds(exc.seconds, lang))
        return
    if check_editor(name, password, configured):
        THROTTLE.success(name)
        st.session_state[SESSION_KEY] = name
        st.session_state.pop("auth_message", None)
        return
    wait = THROTTLE.failure(name)
    st.session_state["auth_message"] = text["wrong"].format(seconds=_seconds(wait, lang))


def _sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)


def require_editor(lang: str) -> str | None:
    """The signed-in editor's name, or None after showing the sign-in form (or why there is none).

    Only pages that write call this; viewers' pages never ask anyone to sign in.
    """
    text = TEXT[lang]
    configured = editors()
    name = st.session_state.get(SESSION_KEY)
    if name is not None and name not in configured:
        # the operator removed this editor since the sign-in: it no longer counts
        st.session_state.pop(SESSION_KEY, None)
        name = None
    if name is not None:
        left, right = st.columns([4, 1])
        left.markdown(text["signed_in"].format(name=escape_markdown(name)))
        right.button(text["sign_out"], key="auth_sign_out", on_click=_sign_out)
        return name
    if not configured:
        st.info(text["none"])
        return None
    st.markdown(f"**{text['head']}**")
    st.caption(text["why"])
    c1, c2 = st.columns(2)
    c1.text_input(text["name"], key="auth_name", max_chars=80)
    c2.text_input(text["password"], key="auth_password", type="password", max_chars=200)
    st.button(text["sign_in"], key="auth_sign_in", on_click=_sign_in, args=(configured, lang))
    message = st.session_state.pop("auth_message", None)
    if message:
        st.error(message)
    return None
