-- budget_alloc_years: one programme's budget per year, split by section or common content area.
-- grain: one row per year and section (or content area) of the chosen programme.
-- params: $programme_id (text), $area_mode ('section'|'content_area', null = 'section'), $area (code or null = all), $year_from (integer or null), $year_to (integer or null).
-- sources: budget_lines, content_areas.
with lines as (
    select * from budget_lines
    where
        ($programme_id is null or programme_id = $programme_id)
        and ($year_from is null or year >= $year_from)
        and ($year_to is null or year <= $year_to)
),

grouped as (
    select
        l.programme_id,
        l.year,
        case when coalesce($area_mode, 'section') = 'content_area'
            then coalesce(l.content_area, '?') else l.section_code end as group_key,
        case when coalesce($area_mode, 'section') = 'content_area'
            then coalesce(a.name_vi, 'Chưa gán lĩnh vực') else l.section_name end as group_label_vi,
        case when coalesce($area_mode, 'section') = 'content_area'
            then coalesce(a.name_en, 'No content area') else l.section_name end as group_label_en,
        case when coalesce($area_mode, 'section') = 'content_area'
            then coalesce(a.csv_line, 999) else l.section_order end as group_order,
        l.amount_mvnd,
        l.amount_basis,
        l.source_file
    from lines as l
    left join content_areas as a on a.code = l.content_area
),

final as (
    select
        programme_id,
        year,
        group_key,
        any_value(group_label_vi) as group_label_vi,
        any_value(group_label_en) as group_label_en,
        any_value(group_order) as group_order,
        sum(amount_mvnd) as amount_mvnd,
        count(*) filter (where amount_basis = 'derived') as n_derived_cells,
        any_value(source_file) as source_file
    from grouped
    where $area is null or group_key = $area
    group by programme_id, year, group_key
)

select * from final
order by programme_id, year, group_order
