-- programme_support_areas: a programme's support per common content area (KC1..KC9) beside the
--                          plan's budget of the area.
-- grain: one row per content area with support records of the programme not cancelled;
--        content_area null = records whose area is neither written nor their task's (last).
-- params: $programme_id (a programme).
-- sources: support_programme_cells (the pre-aggregate of support_records by programme, task,
--          content area as written and status), content_area_map, budget_lines.
-- A record's content area is the one written on it, else its task's (content_area_map).
-- Cancelled records are left out. share_pct is the area's share of the programme's support;
-- planned_mvnd the budget lines of the area over the whole period (null when none).
with records as (
    select
        coalesce(r.content_area, m.content_area) as content_area,
        r.records,
        r.amount_mvnd,
        r.beneficiaries
    from support_programme_cells as r
    left join content_area_map as m
        on m.programme_id = r.programme_id and m.task_code = r.task_code
    where r.programme_id = $programme_id and r.status != 'cancelled'
),

paid as (
    select
        content_area,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        coalesce(sum(beneficiaries), 0)::bigint as beneficiaries
    from records
    group by content_area
),

planned as (
    select
        content_area,
        sum(amount_mvnd) as planned_mvnd
    from budget_lines
    where programme_id = $programme_id and content_area is not null
    group by content_area
),

final as (
    select
        s.content_area,
        s.records,
        s.amount_mvnd,
        s.beneficiaries,
        100.0 * s.amount_mvnd / nullif(sum(s.amount_mvnd) over (), 0) as share_pct,
        b.planned_mvnd
    from paid as s
    left join planned as b on b.content_area = s.content_area
)

select * from final
order by content_area nulls last
