-- source_figures: the figures of one programme that can be traced to their source lines:
--                 budget lines, stated totals, targets and reported results.
-- grain: one row per figure (figure_id is unique within a programme and kind).
-- params: $programme_id (text), $kind (text), $year_from (integer), $year_to (integer), $section_code (text); each may be null = no filter.
--         $kind is 'budget_line', 'stated_total', 'target' or 'result'.
-- sources: budget_lines, stated_totals, targets, tasks, target_results.
with budget as (
    select
        programme_id,
        'budget_line' as kind,
        task_code || '/' || year as figure_id,
        section_code,
        task_code as item_code,
        task_name as item_name,
        year,
        amount_mvnd as value,
        null::double as value_max,
        'mvnd' as unit,
        amount_printed as printed_text,
        amount_basis as basis,
        source_file,
        source_line,
        section_order * 1000000 + task_order * 10000 + year as sort_key
    from budget_lines
),

totals as (
    select
        programme_id,
        'stated_total' as kind,
        'total/' || csv_line as figure_id,
        section_code,
        coalesce(task_code, section_code, scope) as item_code,
        scope as item_name,
        year,
        stated_value as value,
        null::double as value_max,
        case when measure = 'amount_mvnd' then 'mvnd' else measure end as unit,
        printed_text,
        scope as basis,
        source_file,
        source_line,
        csv_line as sort_key
    from stated_totals
),

target_rows as (
    select
        g.programme_id,
        'target' as kind,
        g.source_kind || '/' || coalesce(g.task_code, g.goal_code) || '/' || g.target_no
            as figure_id,
        t.section_code,
        coalesce(g.task_code, g.goal_code) as item_code,
        g.indicator as item_name,
        null::integer as year,
        g.target_min as value,
        g.target_max as value_max,
        g.unit,
        g.quantity_text as printed_text,
        g.qualifier as basis,
        g.source_file,
        g.source_line,
        -- document order: the first cited line, then the target's place in its cell
        try_cast(regexp_extract(g.source_line, '^[0-9]+') as integer) * 100 + g.target_no
            as sort_key
    from targets as g
    left join tasks as t using (programme_id, task_code)
),

results as (
    select
        programme_id,
        'result' as kind,
        result_code as figure_id,
        null as section_code,
        result_code as item_code,
        indicator as item_name,
        null::integer as year,
        achieved as value,
        null::double as value_max,
        unit,
        achieved_text as printed_text,
        target_basis as basis,
        source_file,
        source_line,
        try_cast(regexp_extract(source_line, '^[0-9]+') as integer) as sort_key
    from target_results
),

unioned as (
    select * from budget
    union all
    select * from totals
    union all
    select * from target_rows
    union all
    select * from results
),

final as (
    select *
    from unioned
    where
        ($programme_id is null or programme_id = $programme_id)
        and ($kind is null or kind = $kind)
        and ($year_from is null or year is null or year >= $year_from)
        and ($year_to is null or year is null or year <= $year_to)
        and ($section_code is null or section_code = $section_code)
)

select * from final
order by programme_id, kind, sort_key, figure_id
