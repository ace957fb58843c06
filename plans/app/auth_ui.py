"""The editor sign-in widget: name, password, sign-in and sign-out, kept in the session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from plans.auth import ENV_VAR, load_editors, sign_in
from plans.escape import markdown_literal
from plans.messages import t
from plans.numbers import format_number

SESSION_KEY = "auth_editor"


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
    name = str(st.session_state.get("auth_name", "")).strip()
    password = str(st.session_state.get("auth_password", ""))
    st.session_state["auth_password"] = ""
    # sessions run their callbacks in threads of their own: sign_in admits and counts an
    # attempt in one step, so parallel sessions cannot all pass before any failure counts
    outcome = sign_in(name, password, configured)
    if outcome.editor is not None:
        st.session_state[SESSION_KEY] = outcome.editor
        st.session_state.pop("auth_message", None)
        return
    seconds = _seconds(outcome.seconds, lang)
    st.session_state["auth_message"] = (
        t("auth_ui.wrong", lang, seconds=seconds)
        if outcome.checked
        else t("auth_ui.wait", lang, seconds=seconds)
    )


def _sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)


def require_editor(lang: str) -> str | None:
    """The signed-in editor's name, or None after showing the sign-in form (or why there is none).

    Only pages that write call this; viewers' pages never ask anyone to sign in.
    """
    configured = editors()
    name = st.session_state.get(SESSION_KEY)
    if name is not None and name not in configured:
        # the operator removed this editor since the sign-in: it no longer counts
        st.session_state.pop(SESSION_KEY, None)
        name = None
    if name is not None:
        left, right = st.columns([4, 1])
        left.markdown(t("auth_ui.signed_in", lang, name=markdown_literal(name)))
        right.button(t("auth_ui.sign_out", lang), key="auth_sign_out", on_click=_sign_out)
        return name
    if not configured:
        st.info(t("auth_ui.none", lang, env_var=ENV_VAR))
        return None
    st.markdown("**" + t("auth_ui.head", lang) + "**")
    st.caption(t("auth_ui.why", lang))
    c1, c2 = st.columns(2)
    c1.text_input(t("auth_ui.name", lang), key="auth_name", max_chars=80)
    c2.text_input(t("auth_ui.password", lang), key="auth_password", type="password", max_chars=200)
    st.button(
        t("auth_ui.sign_in", lang), key="auth_sign_in", on_click=_sign_in, args=(configured, lang)
    )
    message = st.session_state.pop("auth_message", None)
    if message:
        st.error(message)
    return None
