-- quality_findings: every reconciliation finding with the stated and the computed figure, the
--                   unit they are in and the source line they come from.
-- grain: one row per finding.
-- params: $programme_id (text, or null for every programme).
-- sources: reconciliation, programmes.
with findings as (
    select * from reconciliation
    where $programme_id is null or programme_id = $programme_id
),

final as (
    select
        f.programme_id,
        p.province,
        f.location,
        f.location_en,
        f.kind,
        f.measure,
        f.parts_basis,
        f.printed_text,
        f.stated_value,
        f.computed_value,
        f.difference,
        f.tolerance,
        f.note,
        f.source_file,
        f.source_line
    from findings as f
    inner join programmes as p using (programme_id)
)

select * from final
order by programme_id, source_file, source_line, kind
