"""Damaged imports and the start-up recovery on the pages: what was set aside and why, and the
editor's restore or removal of it."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from plans.app.cache import startup
from plans.data.build import damage_lines
from plans.data.imports import damaged_imports, remove_damaged, restore
from plans.escape import markdown_literal
from plans.messages import N_, t

logger = logging.getLogger(__name__)
_DONE = "damaged_done"  # the outcome of the last restore or removal, shown after the rerun
_LONG = 2000  # a reason is shown whole (markdown_literal cuts at its limit)


def show_damaged(lang: str) -> list[dict[str, Any]]:
    """A warning per damaged import, naming it and saying why; returns them (oldest first)."""
    damaged = damaged_imports()
    if not damaged:
        return damaged
    st.subheader(t("damaged.head", lang))
    st.markdown(t("damaged.intro", lang))
    for record in damaged:
        head, *problems = damage_lines(record, lang)
        # the folder's name and its file name come from the disk: shown as text, never markup
        name = record.get("filename") or "—"
        st.warning(
            t("damaged.item", lang, id=markdown_literal(record["id"]), name=markdown_literal(name))
            + " "
            + markdown_literal(head, _LONG)
        )
        if problems:
            st.code("\n".join(problems), language=None, wrap_lines=True)
    return damaged


def damaged_actions(lang: str, damaged: list[dict[str, Any]], editor: str | None) -> None:
    """Restore (move back and rebuild) or remove a damaged import: a signed-in editor's."""
    done = st.session_state.pop(_DONE, None)
    if done:
        (st.success if done[0] else st.warning)(done[1])
    if not damaged or editor is None:
        return
    st.subheader(t("damaged.actions", lang))
    by_id = {r["id"]: r for r in damaged}
    chosen = st.selectbox(t("damaged.choose", lang), options=list(by_id), key="damaged_import")
    record = by_id[chosen]
    left, right = st.columns(2)
    # a folder still in place (its meta.json broke since the start) has nothing to restore
    if left.button(
        t("damaged.restore", lang),
        key="damaged_restore",
        disabled=record["place"] != "quarantine",
    ):
        with st.spinner(t("damaged.restoring", lang)):
            try:
                back = restore(chosen)
            except Exception:  # any failure: the reader gets a sentence, the log the details
                logger.exception("restore of damaged import %s failed", chosen)
                st.session_state[_DONE] = (
                    False,
                    t("damaged.failed", lang, id=markdown_literal(chosen)),
                )
            else:
                key = N_("damaged.restored") if back else N_("damaged.still_damaged")
                st.session_state[_DONE] = (back, t(key, lang, id=markdown_literal(chosen)))
        _reload()
    sure = right.checkbox(
        t("damaged.confirm", lang, id=markdown_literal(chosen)), key="damaged_confirm"
    )
    if right.button(
        t("damaged.remove", lang), key="damaged_remove", type="primary", disabled=not sure
    ):
        try:
            remove_damaged(chosen)
        except Exception:
            logger.exception("removal of damaged import %s failed", chosen)
            st.session_state[_DONE] = (
                False,
                t("damaged.failed", lang, id=markdown_literal(chosen)),
            )
        else:
            st.session_state[_DONE] = (
                True,
                t("damaged.removed", lang, id=markdown_literal(chosen)),
            )
        st.session_state.pop("damaged_confirm", None)
        _reload()


def _reload() -> None:
    # the database file may have been replaced: reopen it and forget cached results
    st.cache_data.clear()
    st.cache_resource.clear()
    st.rerun()


def show_startup(lang: str) -> None:
    """What this process's start found and repaired (imports.recover), and a refused build."""
    found = startup()
    lines = found.report.lines(lang, markdown_literal)
    if lines:
        st.info(t("recover.head", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines))
    if found.failed is not None:
        st.error(t("startup.build_failed", lang))
        st.code(found.failed.report(lang), language=None, wrap_lines=True)
