-- percentage_checks: every stated percentage recomputed from the figures it says it compares.
-- grain: one row per stated percentage (of the budget execution, or of a reported result that
--        prints both its target and its percentage: achieved / target).
-- params: none (materialised as a table at build).
-- sources: stated_percentages, budget_execution, results.
-- tolerance: half a unit of the last printed decimal (94,5% -> 0.05).
-- A percentage compares the figures of its own year, section and task (all null: the whole
-- period, as 001:5's 2011-2015 figures), matched null to null: one row per percentage, never
-- one per year or section of the programme.
with sp as (
    select * from stated_percentages
),

budget as (
    select
        sp.programme_id,
        sp.location,
        sp.location_en,
        sp.numerator,
        sp.denominator,
        sp.printed_text,
        sp.stated_pct,
        100.0 * num.amount_mvnd / nullif(den.amount_mvnd, 0) as computed_pct,
        sp.stated_pct - 100.0 * num.amount_mvnd / nullif(den.amount_mvnd, 0) as difference,
        0.5 * pow(10, -sp.stated_pct_decimals) as tolerance,
        case
            when den.amount_mvnd is null or den.amount_mvnd = 0 then 'not_checkable'
            when abs(sp.stated_pct - 100.0 * num.amount_mvnd / den.amount_mvnd)
                <= 0.5 * pow(10, -sp.stated_pct_decimals) + 1e-9 then 'ok'
            else 'differs'
        end as status,
        sp.context,
        sp.note,
        sp.source_file,
        sp.source_line,
        sp.year,
        sp.section_code,
        sp.task_code
    from sp
    inner join budget_execution as num
        on
            num.programme_id = sp.programme_id
            and num.measure = sp.numerator
            and num.year is not distinct from sp.year
            and num.section_code is not distinct from sp.section_code
            and num.task_code is not distinct from sp.task_code
    inner join budget_execution as den
        on
            den.programme_id = sp.programme_id
            and den.measure = sp.denominator
            and den.year is not distinct from sp.year
            and den.section_code is not distinct from sp.section_code
            and den.task_code is not distinct from sp.task_code
),

-- a result without a printed target has its target derived from the percentage
-- (target_results): nothing to check; with both printed, the percentage must follow
checked_results as (
    select * from results
    where stated_pct is not null and target_printed is not null
),

result_pcts as (
    select
        programme_id,
        -- a yearly output is named with its year: one indicator reported in several years
        'Kết quả: ' || indicator || coalesce(' (' || year::varchar || ')', '') as location,
        'Result: ' || indicator_en || coalesce(' (' || year::varchar || ')', '') as location_en,
        'achieved' as numerator,
        'target' as denominator,
        stated_pct_text as printed_text,
        stated_pct,
        100.0 * achieved / nullif(target_printed, 0) as computed_pct,
        stated_pct - 100.0 * achieved / nullif(target_printed, 0) as difference,
        0.5 * pow(10, -stated_pct_decimals) as tolerance,
        case
            when target_printed = 0 then 'not_checkable'
            when abs(stated_pct - 100.0 * achieved / target_printed)
                <= 0.5 * pow(10, -stated_pct_decimals) + 1e-9 then 'ok'
            else 'differs'
        end as status,
        achieved_text || ' / ' || coalesce(target_text, '') as context,
        note,
        source_file,
        source_line,
        year,
        null as section_code,
        null as task_code
    from checked_results
),

final as (
    select * from budget
    union all
    select * from result_pcts
)

select * from final
order by programme_id, location
