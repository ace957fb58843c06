-- programme_findings: the reconciliation findings of one programme, or of all when null.
-- grain: one row per finding.
-- params: $programme_id (text or null for every programme).
-- sources: reconciliation.
with findings as (
    select * from reconciliation
    where $programme_id is null or programme_id = $programme_id
),

final as (
    select
        programme_id,
        location,
        location_en,
        kind,
        printed_text,
        stated_value,
        computed_value,
        difference,
        note,
        source_file,
        source_line
    from findings
)

select * from final
order by programme_id, source_file, source_line
