-- budget_alloc_tree: one programme's budget over a year range, task by task, under its section
--                    or common content area (the levels of the allocation treemap).
-- grain: one row per task of the chosen programme with a budget in the chosen years.
-- params: $programme_id (text), $area_mode ('section'|'content_area', null = 'section'), $area (code or null = all), $year_from (integer or null), $year_to (integer or null).
-- sources: budget_lines_grouped.
with grouped as (
    -- the lines of the chosen programme and years, under the chosen grouping
    select * from budget_lines_grouped
    where
        mode = coalesce($area_mode, 'section')
        and ($programme_id is null or programme_id = $programme_id)
        and ($year_from is null or year >= $year_from)
        and ($year_to is null or year <= $year_to)
),

final as (
    select
        programme_id,
        group_key,
        any_value(group_label_vi) as group_label_vi,
        any_value(group_label_en) as group_label_en,
        any_value(group_order) as group_order,
        section_code,
        task_code,
        any_value(task_name) as task_name,
        any_value(task_order) as task_order,
        min(year) as first_year,
        max(year) as last_year,
        sum(amount_mvnd) as amount_mvnd,
        any_value(source_file) as source_file,
        string_agg(distinct source_line, ';' order by source_line) as source_line
    from grouped
    where $area is null or group_key = $area
    group by programme_id, group_key, section_code, task_code
)

select * from final
order by programme_id, group_order, task_order
