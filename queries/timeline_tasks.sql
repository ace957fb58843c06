-- timeline_tasks: the tasks of one programme with their months of execution, lead and
--                 coordinating units, section and common content area.
-- grain: one row per task with a start and an end month.
-- params: $programme_id (text or null = all), $section_code (text or null), $content_area (text or null).
-- sources: tasks, sections, content_area_map, programmes.
with timed as (
    select * from tasks
    where
        month_start is not null
        and month_end is not null
        and ($programme_id is null or programme_id = $programme_id)
        and ($section_code is null or section_code = $section_code)
),

final as (
    select
        t.programme_id,
        p.period_start as year,
        t.section_code,
        s.section_name,
        s.csv_line as section_order,
        t.task_code,
        t.task_no_printed,
        t.task_name,
        m.content_area,
        t.month_start,
        t.month_end,
        t.month_end - t.month_start + 1 as n_months,
        t.timing_text,
        t.lead_unit,
        t.coordinating_units,
        t.source_file,
        t.source_lines,
        t.csv_line as task_order
    from timed as t
    inner join programmes as p using (programme_id)
    inner join sections as s using (programme_id, section_code)
    left join content_area_map as m using (programme_id, task_code)
    where $content_area is null or m.content_area = $content_area
)

select * from final
order by programme_id, task_order
