-- period_programmes: the industrial-extension programmes of a province in a boundary view, each
--                    with the period it belongs to (data/reference/periods.csv) and where its
--                    planned budget is printed, for the period comparison.
-- grain: one row per programme of kind khuyen_cong.
-- params: $boundary, $province ('current': under the province since 1/7/2025, 'as_issued':
--         under the name it was issued by; a name in that view, e.g. 'Vĩnh Long', or null for
--         every province).
-- sources: programmes, programme_provinces, periods, budget_execution.
-- A programme belongs to the listed period its first year falls in (a 2018-2020 plan to
-- 2016-2020); one outside every listed period forms a period of its own years, so it is never
-- dropped. period_label stays the programme's own years; in_period_label is the period's.
with in_view as (
    select
        p.*,
        v.province as province_view,
        v.province_as_issued
    from programmes as p
    inner join programme_provinces as v
        on v.programme_id = p.programme_id and v.boundary = $boundary
    where p.kind = 'khuyen_cong' and ($province is null or v.province = $province)
),

spans as (
    select period_start, period_end from periods
    union
    -- a programme outside every listed period forms a period of its own years
    select
        i.period_start,
        max(i.period_end) as period_end
    from in_view as i
    where not exists (
        select 1 from periods as r
        where i.period_start between r.period_start and r.period_end
    )
    group by i.period_start
),

starts as (
    -- the latest span starting by the programme's first year that still contains it
    select
        i.programme_id,
        max(s.period_start) as in_period_start
    from in_view as i
    inner join spans as s on i.period_start between s.period_start and s.period_end
    group by i.programme_id
),

placed as (
    select
        t.programme_id,
        t.in_period_start,
        max(s.period_end) as in_period_end
    from starts as t
    inner join spans as s on s.period_start = t.in_period_start
    group by t.programme_id, t.in_period_start
),

counted as (
    select
        i.province_view,
        count(distinct s.in_period_start) as n_periods
    from in_view as i
    inner join placed as s using (programme_id)
    group by i.province_view
),

planned as (
    -- the whole-period plan of a results report (a yearly figure is one year's, not the plan)
    select programme_id, source_file, source_line
    from budget_execution
    where
        measure = 'planned'
        and year is null
        and section_code is null
        and task_code is null
),

final as (
    select
        i.programme_id,
        i.province_view as province,
        i.province_as_issued,
        i.period_start,
        i.period_end,
        i.period_start::varchar || '-' || i.period_end::varchar as period_label,
        s.in_period_start,
        s.in_period_end,
        s.in_period_start::varchar || '-' || s.in_period_end::varchar as in_period_label,
        i.title,
        i.title_en,
        i.stated_total_mvnd,
        coalesce(b.source_file, i.source_file) as budget_source_file,
        coalesce(b.source_line, i.source_line) as budget_source_line,
        c.n_periods
    from in_view as i
    inner join placed as s using (programme_id)
    inner join counted as c using (province_view)
    left join planned as b using (programme_id)
)

select * from final
order by province collate vi, period_start, programme_id
