-- budget_alloc_shares: shares of one programme's budget by section or common content area over a
--                      year range, with the section total the document prints beside the
--                      computed one.
-- grain: one row per section (or content area) of the chosen programme with lines in the years.
-- params: $programme_id (text), $area_mode ('section'|'content_area', null = 'section'), $area (code or null = all), $year_from (integer or null), $year_to (integer or null).
-- sources: budget_lines_grouped, stated_totals, programmes.
-- share_pct is of the filtered total (the chosen area only, when one is chosen);
-- programme_share_pct is of the whole programme in the same years. A stated section total
-- covers the whole period, so it is shown only in section mode and when the year range covers
-- the programme's period (a partial range would compare unlike things).
with grouped as (
    -- the lines of the chosen programme and years, under the chosen grouping
    select
        programme_id,
        group_key as key,
        group_label_vi as label_vi,
        group_label_en as label_en,
        group_order as sort_order,
        amount_mvnd,
        source_file
    from budget_lines_grouped
    where
        mode = coalesce($area_mode, 'section')
        and ($programme_id is null or programme_id = $programme_id)
        and ($year_from is null or year >= $year_from)
        and ($year_to is null or year <= $year_to)
),

totals as (
    select
        programme_id,
        key,
        any_value(label_vi) as label_vi,
        any_value(label_en) as label_en,
        any_value(sort_order) as sort_order,
        sum(amount_mvnd) as amount_mvnd,
        any_value(source_file) as source_file
    from grouped
    group by programme_id, key
),

shares as (
    select
        *,
        100.0 * amount_mvnd
        / nullif(sum(amount_mvnd) over (partition by programme_id), 0) as programme_share_pct
    from totals
),

filtered as (
    select
        *,
        100.0 * amount_mvnd
        / nullif(sum(amount_mvnd) over (partition by programme_id), 0) as share_pct
    from shares
    where $area is null or key = $area
),

stated as (
    select
        s.programme_id,
        s.section_code as key,
        s.stated_value as stated_mvnd,
        s.printed_text as stated_printed,
        regexp_replace(s.source_file, '^([0-9]{3})_[0-9a-f]+\.txt$', '\1') || ':' || s.source_line as stated_source
    from stated_totals as s
    inner join programmes as p using (programme_id)
    where
        s.scope = 'section'
        and s.year is null
        and s.measure = 'amount_mvnd'
        and s.funding_source is null  -- a section's total of one source is not its total
        and coalesce($area_mode, 'section') = 'section'
        and ($year_from is null or $year_from <= p.period_start)
        and ($year_to is null or $year_to >= p.period_end)
),

final as (
    select
        f.programme_id,
        f.key,
        f.label_vi,
        f.label_en,
        f.sort_order,
        f.amount_mvnd,
        f.share_pct,
        f.programme_share_pct,
        s.stated_mvnd,
        s.stated_printed,
        s.stated_mvnd - f.amount_mvnd as difference_mvnd,
        s.stated_source,
        f.source_file
    from filtered as f
    left join stated as s using (programme_id, key)
)

select * from final
order by programme_id, sort_order
