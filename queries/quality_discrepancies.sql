-- quality_discrepancies: textual inconsistencies and layout artefacts of the documents, each
--                        with the two places that disagree.
-- grain: one row per discrepancy.
-- params: $programme_id (text, or null for every document).
-- sources: document_discrepancies, programmes (a programme's documents are its source files).
with files as (
    select source_file from programmes
    where $programme_id is null or programme_id = $programme_id
),

final as (
    select
        discrepancy_id,
        kind,
        source_file,
        source_line,
        printed,
        other_file,
        other_line,
        other_printed,
        note
    from document_discrepancies
    where
        $programme_id is null
        or source_file in (select source_file from files)
        or other_file in (select source_file from files)
)

select * from final
order by discrepancy_id
