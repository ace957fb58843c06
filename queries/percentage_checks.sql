-- percentage_checks: every stated percentage recomputed from the figures it says it compares.
-- grain: one row per stated percentage (of the budget execution, or of a reported result that
--        prints both its target and its percentage: achieved / target).
-- params: none (materialised as a table at build).
-- sources: stated_percentages, budget_execution, results.
-- tolerance: half a unit of the last printed decimal (94,5% -> 0.05).
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
        sp.source_line
    from sp
    inner join budget_execution as num
        on num.programme_id = sp.programme_id and num.measure = sp.numerator
    inner join budget_execution as den
        on den.programme_id = sp.programme_id and den.measure = sp.denominator
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
        'Kết quả: ' || indicator as location,
        'Result: ' || indicator_en as location_en,
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
        source_line
    from checked_results
),

final as (
    select * from budget
    union all
    select * from result_pcts
)

select * from final
order by programme_id, location
