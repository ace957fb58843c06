-- budget_alloc_years: one programme's budget per year, split by section or common content area.
-- grain: one row per year and section (or content area) of the chosen programme.
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
