-- filter_choices: the values the sidebar filters may take, read from the database.
-- grain: one row per programme (with its province as issued and since 1/7/2025, kind, period).
-- params: none.
-- sources: programmes, budget_lines, programme_provinces.
with years as (
    select programme_id, min(year) as first_year, max(year) as last_year
    from budget_lines
    group by programme_id
),

final as (
    select
        p.programme_id,
        p.province,
        n.province as province_now,
        p.kind,
        p.title,
        p.title_en,
        p.period_start,
        p.period_end,
        coalesce(y.first_year, p.period_start) as first_year,
        coalesce(y.last_year, p.period_end) as last_year,
        y.programme_id is not null as has_lines
    from programmes as p
    left join years as y using (programme_id)
    inner join programme_provinces as n
        on n.programme_id = p.programme_id and n.boundary = 'current'
)

select * from final
-- Vietnamese alphabetical order (ICU): "Đà Nẵng" after "Cần Thơ", not after "Yên Bái"
order by province collate vi, period_start, programme_id
