-- percentage_checks: every stated percentage recomputed from the figures it says it compares.
-- grain: one row per stated percentage.
-- params: none (materialised as a table at build).
-- sources: stated_percentages, budget_execution.
-- tolerance: half a unit of the last printed decimal (94,5% -> 0.05).
with sp as (
    select * from stated_percentages
),

final as (
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
)

select * from final
order by programme_id, location
