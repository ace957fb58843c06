-- quality_unmapped_tasks: tasks that are not assigned to a common content area.
-- grain: one row per task without a content area.
-- params: $programme_id (text, or null for every programme).
-- sources: tasks, content_area_map, programmes.
with unmapped as (
    select t.*
    from tasks as t
    left join content_area_map as m using (programme_id, task_code)
    where m.content_area is null and ($programme_id is null or t.programme_id = $programme_id)
),

final as (
    select
        u.programme_id,
        p.province,
        u.section_code,
        u.task_code,
        u.task_name,
        u.source_file,
        u.source_lines
    from unmapped as u
    inner join programmes as p using (programme_id)
)

select * from final
order by programme_id, task_code
