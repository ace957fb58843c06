-- programme_support_years: a programme's support per year beside its plan's budget of the year:
--                          how much of each year's plan was paid to establishments.
-- grain: one row per year with budget lines or support records of the programme.
-- params: $programme_id (a programme).
-- sources: support_programme_cells (the pre-aggregate of support_records by programme, year,
--          status and file), budget_lines.
-- amount_mvnd and beneficiaries sum the records not cancelled (cancelled ones are counted in
-- cancelled_records, never summed); records counts those not cancelled. planned_mvnd is the
-- sum of the year's budget lines (null for a year the plan has no line for); executed_pct =
-- 100 * amount_mvnd / planned_mvnd (null when nothing or 0 is planned). source_file is the
-- plan's document, support_files the files the year's records were imported from.
with paid as (
    select
        year,
        coalesce(sum(records) filter (where status != 'cancelled'), 0)::bigint as records,
        coalesce(sum(records) filter (where status = 'cancelled'), 0)::bigint
            as cancelled_records,
        coalesce(sum(amount_mvnd) filter (where status != 'cancelled'), 0) as amount_mvnd,
        coalesce(sum(beneficiaries) filter (where status != 'cancelled'), 0)::bigint
            as beneficiaries,
        string_agg(distinct source_file, ', ' order by source_file) as support_files
    from support_programme_cells
    where programme_id = $programme_id
    group by year
),

planned as (
    select
        year,
        sum(amount_mvnd) as planned_mvnd,
        min(source_file) as source_file
    from budget_lines
    where programme_id = $programme_id
    group by year
),

years as (
    select year from paid
    union
    select year from planned
),

final as (
    select
        y.year,
        coalesce(s.records, 0) as records,
        coalesce(s.cancelled_records, 0) as cancelled_records,
        coalesce(s.amount_mvnd, 0) as amount_mvnd,
        coalesce(s.beneficiaries, 0) as beneficiaries,
        b.planned_mvnd,
        100.0 * coalesce(s.amount_mvnd, 0) / nullif(b.planned_mvnd, 0) as executed_pct,
        b.source_file,
        s.support_files
    from years as y
    left join paid as s using (year)
    left join planned as b using (year)
)

select * from final
order by year
