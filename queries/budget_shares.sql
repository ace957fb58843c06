-- budget_shares: each section's and each common content area's share of a programme's budget.
-- grain: one row per programme, level ('section' or 'content_area') and key.
-- params: none (materialised as a table at build).
-- sources: budget_lines (computed from the document's cells, not from its stated totals),
--          content_areas and programme_content_lists (the names of the list each is read with).
with by_section as (
    select
        programme_id,
        'section' as level,
        section_code as key,
        any_value(section_name) as label,
        sum(amount_mvnd) as amount_mvnd
    from budget_lines
    group by programme_id, section_code
),

by_area as (
    select
        l.programme_id,
        'content_area' as level,
        coalesce(l.content_area, '?') as key,
        coalesce(any_value(a.name_vi), 'Chưa gán lĩnh vực') as label,
        sum(l.amount_mvnd) as amount_mvnd
    from budget_lines as l
    left join programme_content_lists as pl on pl.programme_id = l.programme_id
    -- the names of the content-area list the programme is read with
    left join content_areas as a on a.code = l.content_area and a.list_id = pl.list_id
    group by l.programme_id, coalesce(l.content_area, '?')
),

unioned as (
    select * from by_section
    union all
    select * from by_area
),

final as (
    select
        programme_id,
        level,
        key,
        label,
        amount_mvnd,
        100.0 * amount_mvnd / nullif(sum(amount_mvnd) over (partition by programme_id, level), 0)
            as share_pct
    from unioned
)

select * from final
order by programme_id, level, key
