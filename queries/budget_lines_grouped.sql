-- budget_lines_grouped: every budget line twice, once under its programme section and once under
--                       its common content area, so pages group by either without repeating
--                       the logic.
-- grain: one row per programme, task, year and mode ('section' or 'content_area').
-- params: none (materialised as a table at build).
-- sources: budget_lines, content_areas, programme_content_lists.
with by_section as (
    select
        'section' as mode,
        l.*,
        l.section_code as group_key,
        l.section_name as group_label_vi,
        l.section_name as group_label_en,
        l.section_order as group_order
    from budget_lines as l
),

by_area as (
    select
        'content_area' as mode,
        l.*,
        coalesce(l.content_area, '?') as group_key,
        coalesce(a.name_vi, 'Chưa gán lĩnh vực') as group_label_vi,
        coalesce(a.name_en, 'No content area assigned') as group_label_en,
        coalesce(a.csv_line, 999) as group_order
    from budget_lines as l
    left join programme_content_lists as pl on pl.programme_id = l.programme_id
    -- the names of the content-area list the programme is read with
    left join content_areas as a on a.code = l.content_area and a.list_id = pl.list_id
),

final as (
    select * from by_section
    union all by name
    select * from by_area
)

select * from final
order by programme_id, mode, group_order, task_order, year
