-- programme_overview: headline figures of one programme and of the previous period of the
--                     same province and kind, for the overview's KPI cards and sentences.
-- grain: one row (the chosen programme).
-- params: $programme_id (text).
-- sources: programmes, budget_lines, budget_shares (key '?' = tasks without a content area,
--          counted in unassigned_share_pct, never the largest area), programme_provinces,
--          programme_content_lists (the content-area list it is read with).
-- A merged province's programme after 1/7/2025 has no single predecessor: the programme of the
-- old province of the same name covered part of its territory only. Such a pair is not
-- compared here (`across_merger` says a comparison belongs to the period page, which sums the
-- members).
with issued as (
    select * from programme_provinces where boundary = 'as_issued'
),

chosen as (
    select p.*, i.before_merger, i.status, i.successor
    from programmes as p
    inner join issued as i using (programme_id)
    where p.programme_id = $programme_id
),

candidates as (
    select p.programme_id, p.period_start, p.period_end, i.before_merger, i.successor
    from programmes as p
    inner join issued as i using (programme_id)
    cross join chosen as c
    where p.kind = c.kind and p.period_end < c.period_start and p.programme_id != c.programme_id
),

previous as (
    -- the programme of the same province and kind that ended just before this one began;
    -- of two with the same end (an import beside the document), the longer, then the first id
    select d.programme_id, d.period_start, d.period_end
    from candidates as d, chosen as c, programmes as p
    where
        p.programme_id = d.programme_id
        and p.province = c.province
        and (d.before_merger = c.before_merger or c.status = 'unchanged')
    order by d.period_end desc, d.period_start, d.programme_id
    limit 1
),

across as (
    -- programmes of the old provinces now in this one, issued before the merger
    select count(*) > 0 as across_merger
    from candidates as d, chosen as c
    where
        not c.before_merger and c.status = 'new_2025' and d.before_merger
        and d.successor = c.successor
),

lines as (
    select count(distinct task_code) as n_tasks, sum(amount_mvnd) as lines_total_mvnd
    from budget_lines
    where programme_id = $programme_id
),

largest as (
    -- the largest content area assigned; tasks without one (key '?') are not an area
    select key, label, share_pct, amount_mvnd
    from budget_shares
    where programme_id = $programme_id and level = 'content_area' and key != '?'
    order by amount_mvnd desc, key
    limit 1
),

unassigned as (
    select coalesce(sum(share_pct), 0) as unassigned_share_pct
    from budget_shares
    where programme_id = $programme_id and level = 'content_area' and key = '?'
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
        u.unassigned_share_pct,
        v.programme_id as previous_id,
        v.period_start as previous_start,
        v.period_end as previous_end,
        a.across_merger,
        k.decree_in_force,
        k.list_known as content_list_known,
        k.decree_read
    from chosen as c
    cross join lines as l
    cross join across as a
    cross join unassigned as u
    left join largest as g on true
    left join previous as v on true
    left join programme_content_lists as k on k.programme_id = c.programme_id
)

select * from final
