-- budget_alloc_programme: the chosen programme's period, stated total and whether its document
--                         has budget lines, for the allocation page's headline and notices.
-- grain: one row per programme (one row when $programme_id is given).
-- params: $programme_id (text or null for every programme), $year_from (integer or null), $year_to (integer or null).
-- sources: programmes, budget_lines.
with chosen as (
    select * from programmes
    where $programme_id is null or programme_id = $programme_id
),

lines as (
    select
        programme_id,
        count(*) as n_lines,
        sum(amount_mvnd) as lines_total_mvnd,
        sum(amount_mvnd) filter (
            where ($year_from is null or year >= $year_from) and ($year_to is null or year <= $year_to)
        ) as range_total_mvnd,
        count(distinct year) filter (
            where ($year_from is null or year >= $year_from) and ($year_to is null or year <= $year_to)
        ) as range_years
    from budget_lines
    group by programme_id
),

final as (
    select
        c.programme_id,
        c.province,
        c.title,
        c.title_en,
        c.period_start,
        c.period_end,
        c.stated_total_mvnd,
        c.stated_total_printed,
        c.source_file,
        c.source_line,
        coalesce(l.n_lines, 0) as n_lines,
        l.lines_total_mvnd,
        l.range_total_mvnd,
        coalesce(l.range_years, 0) as range_years
    from chosen as c
    left join lines as l using (programme_id)
)

select * from final
order by programme_id
