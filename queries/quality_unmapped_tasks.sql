-- quality_unmapped_tasks: tasks whose common content area no person chose: none at all, or one
--                         suggested by the importer's model (plans.data.suggest).
-- grain: one row per task without a content area or with a suggested one.
-- params: $programme_id (text, or null for every programme).
-- sources: tasks, content_area_map (assigned_by 'suggested' = đề xuất tự động), programmes.
with listed as (
    select
        t.*,
        m.content_area,
        m.assigned_by,
        m.reason
    from tasks as t
    left join content_area_map as m using (programme_id, task_code)
    where
        (m.content_area is null or m.assigned_by = 'suggested')
        and ($programme_id is null or t.programme_id = $programme_id)
),

final as (
    select
        u.programme_id,
        p.province,
        u.section_code,
        u.task_code,
        u.task_name,
        case when u.assigned_by = 'suggested' then u.content_area end as suggested_area,
        case when u.assigned_by = 'suggested' then u.reason end as suggested_reason,
        u.source_file,
        u.source_lines
    from listed as u
    inner join programmes as p using (programme_id)
)

select * from final
order by programme_id, task_code
