-- period_programmes: the industrial-extension programmes (periods) of a province, with where
--                    their planned budget is printed, for the period comparison.
-- grain: one row per programme of kind khuyen_cong.
-- params: $province (text as written, e.g. 'Hà Nội', or null for every province).
-- sources: programmes, budget_execution.
with periods as (
    select * from programmes
    where kind = 'khuyen_cong' and ($province is null or province = $province)
),

planned as (
    select programme_id, source_file, source_line
    from budget_execution
    where measure = 'planned'
),

final as (
    select
        p.programme_id,
        p.province,
        p.period_start,
        p.period_end,
        p.period_start::varchar || '-' || p.period_end::varchar as period_label,
        p.title,
        p.title_en,
        p.stated_total_mvnd,
        coalesce(b.source_file, p.source_file) as budget_source_file,
        coalesce(b.source_line, p.source_line) as budget_source_line,
        count(*) over (partition by p.province) as n_periods
    from periods as p
    left join planned as b using (programme_id)
)

select * from final
order by province collate vi, period_start, programme_id
