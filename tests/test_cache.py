"""The dashboard's shared caches (plans.app.cache): figures by their inputs, results as copies,
the sidebar's choices once per database file. Shared by every session, so a wrong key would
show one reader another's view: each test makes the cache miss where it must."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from plans.app import cache
from plans.charts.base import fit_narrow


@pytest.fixture(autouse=True)
def _empty_figures() -> None:
    cache._FIGURES.clear()


def bars(frame: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    bars.calls += 1
    return go.Figure(go.Bar(x=frame["amount_mvnd"], y=frame["name"], orientation="h"), {
        "title": {"text": title}
    })  # fmt: skip


bars.calls = 0

FRAME = pd.DataFrame({"name": ["KC1", "KC2"], "amount_mvnd": [126_300.0, 50_000.0]})


def test_the_same_inputs_share_one_figure_built_once() -> None:
    before = bars.calls
    first = cache.figure(bars, FRAME, "Cơ cấu", "vi")
    # an equal frame made anew (as a rerun's query copy is) finds the same figure
    again = cache.figure(bars, FRAME.copy(deep=True), "Cơ cấu", "vi")
    assert (1, True) == (bars.calls - before, first is again)


@pytest.mark.parametrize(
    ("frame", "title", "lang"),
    [
        (FRAME.assign(amount_mvnd=[126_300.0, 50_000.5]), "Cơ cấu", "vi"),  # one cell
        (FRAME.rename(columns={"name": "label"}).rename(columns={"label": "name"}).iloc[::-1],
         "Cơ cấu", "vi"),  # the rows in another order
        (FRAME.astype({"amount_mvnd": "int64"}), "Cơ cấu", "vi"),  # the same numbers, other type
        (FRAME, "Structure", "vi"),  # another title
        (FRAME, "Cơ cấu", "en"),  # another language
    ],
    ids=["cell", "order", "dtype", "title", "lang"],
)  # fmt: skip
def test_any_other_input_builds_its_own_figure(frame: pd.DataFrame, title: str, lang: str) -> None:
    first = cache.figure(bars, FRAME, "Cơ cấu", "vi")
    before = bars.calls
    other = cache.figure(bars, frame, title, lang)
    assert (1, False) == (bars.calls - before, other is first)


def test_keyword_arguments_are_part_of_the_key() -> None:
    first = cache.figure(bars, FRAME, title="Cơ cấu", lang="vi")
    other = cache.figure(bars, FRAME, title="Cơ cấu", lang="en")
    assert first is not other
    assert first is cache.figure(bars, FRAME, lang="vi", title="Cơ cấu")


def test_an_argument_it_cannot_key_on_is_refused_not_guessed() -> None:
    with pytest.raises(TypeError, match="object"):
        cache.figure(bars, FRAME, object(), "vi")


def test_the_figures_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "FIGURE_ENTRIES", 3)
    for i in range(5):
        cache.figure(bars, FRAME, f"title {i}", "vi")
    assert 3 == len(cache._FIGURES)
    before = bars.calls
    cache.figure(bars, FRAME, "title 0", "vi")  # the oldest went first: built again
    cache.figure(bars, FRAME, "title 4", "vi")  # the newest is kept
    assert 1 == bars.calls - before


def test_a_cached_figure_is_fitted_for_phones_once() -> None:
    long_title = "Kinh phí theo nội dung của chương trình khuyến công giai đoạn 2021-2025"
    fig = cache.figure(bars, FRAME, long_title, "vi")
    spec = fig.to_json()
    assert "<br>" in json.loads(spec)["layout"]["title"]["text"]
    # fitting it again (chart_with_data does, for figures it did not get from the cache)
    # changes nothing, and the mark never reaches the browser
    assert spec == fit_narrow(fig).to_json()
    assert "_fitted_narrow" not in spec


@pytest.mark.usefixtures("app_db")
def test_a_query_result_changed_by_a_page_leaves_the_cached_one_as_it_was() -> None:
    first = cache.query("filter_choices")
    expected = list(first["programme_id"])
    first["programme_id"] = "changed"  # as a page relabels a column of its copy
    first.loc[0, "title"] = "changed"
    again = cache.query("filter_choices")
    assert expected == list(again["programme_id"])
    assert "changed" not in set(again["title"])


@pytest.mark.usefixtures("app_db")
def test_the_sidebar_choices_are_those_of_the_programme_list() -> None:
    programmes = cache.query("filter_choices")
    offered = cache.sidebar()
    assert tuple(programmes["programme_id"]) == offered.choices.programmes
    # the latest khuyến công programme is the default view (data/programmes.csv)
    assert "HN-2021-2025" == offered.choices.default_programme
    assert {("Hà Nội", "Hà Nội"), ("Hưng Yên", "Hưng Yên")} == set(offered.pairs)
    titles = cache.programme_titles("province", ("Hưng Yên",), "en")
    assert ["HY-2018-2020"] == list(titles)
    areas = cache.query("area_choices")
    common = areas[areas["mode"] == "content_area"]
    assert dict(zip(common["code"], common["name_vi"], strict=True)) == cache.area_names(
        "content_area", "HN-2021-2025", "vi"
    )
    own = areas[(areas["mode"] == "section") & (areas["programme_id"] == "HN-2021-2025")]
    assert list(own["code"]) == list(cache.area_names("section", "HN-2021-2025", "en"))
