-- programme_overview: headline figures of one programme and of the previous period of the
--                     same province and kind, for the overview's KPI cards and sentences.
-- grain: one row (the chosen programme).
-- params: $programme_id (text).
-- sources: programmes, budget_lines, budget_shares.
with chosen as (
    select * from programmes where programme_id = $programme_id
),

previous as (
    -- the programme of the same province and kind that ended just before this one began;
    -- of two with the same end (an import beside the document), the longer, then the first id
    select p.programme_id, p.period_start, p.period_end
    from programmes as p, chosen as c
    where p.province = c.province and p.kind = c.kind and p.period_end < c.period_start
    order by p.period_end desc, p.period_start, p.programme_id
    limit 1
),

lines as (
    select count(distinct task_code) as n_tasks, sum(amount_mvnd) as lines_total_mvnd
    from budget_lines
    where programme_id = $programme_id
),

largest as (
    select key, label, share_pct, amount_mvnd
    from budget_shares
    where programme_id = $programme_id and level = 'content_area'
    order by amount_mvnd desc, key
    limit 1
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
        c.source_file,
        c.source_line,
        l.n_tasks,
        l.lines_total_mvnd,
        g.key as largest_area,
        g.label as largest_area_label,
        g.share_pct as largest_area_share_pct,
        g.amount_mvnd as largest_area_mvnd,
        v.programme_id as previous_id,
        v.period_start as previous_start,
        v.period_end as previous_end
    from chosen as c
    cross join lines as l
    left join largest as g on true
    left join previous as v on true
)

select * from final
