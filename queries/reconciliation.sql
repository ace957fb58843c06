-- reconciliation: every place where a document's stated total or percentage does not follow
--                 from its parts, with the stated and the computed figure side by side.
-- grain: one row per finding (a stated figure and the basis it was compared on).
-- params: none (materialised as a table at build).
-- sources: total_checks, percentage_checks.
with totals as (
    select
        programme_id,
        location,
        location_en,
        kind,
        measure,
        parts_basis,
        printed_text,
        stated_value,
        computed_value,
        difference,
        tolerance,
        note,
        source_file,
        source_line
    from total_checks
    where status = 'differs'
),

percentages as (
    select
        programme_id,
        location,
        location_en,
        'stated_percentage' as kind,
        'pct' as measure,
        numerator || '/' || denominator as parts_basis,
        printed_text,
        stated_pct as stated_value,
        computed_pct as computed_value,
        difference,
        tolerance,
        note,
        source_file,
        source_line
    from percentage_checks
    where status = 'differs'
),

final as (
    select * from totals
    union all
    select * from percentages
)

select * from final
order by programme_id, source_file, source_line, kind
