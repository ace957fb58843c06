-- timeline_programmes: the programmes whose tasks carry months of execution (a plan timeline).
-- grain: one row per programme with at least one task with a start and an end month.
-- params: none.
-- sources: programmes, tasks.
with timed as (
    select programme_id, count(*) as n_tasks
    from tasks
    where month_start is not null and month_end is not null
    group by programme_id
),

final as (
    select
        p.programme_id,
        p.province,
        p.title,
        p.title_en,
        p.period_start,
        p.period_end,
        p.source_file,
        t.n_tasks
    from programmes as p
    inner join timed as t using (programme_id)
)

select * from final
order by province collate vi, period_start, programme_id
