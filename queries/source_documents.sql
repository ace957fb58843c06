-- source_documents: each source document's metadata and the programmes read from it.
-- grain: one row per document.
-- params: none.
-- sources: documents, programmes.
with read_from as (
    select
        source_file,
        string_agg(programme_id, ', ' order by period_start, programme_id) as programme_ids
    from programmes
    group by source_file
),

final as (
    select
        d.source_file,
        d.doc_type,
        d.title,
        d.title_en,
        d.issuer,
        d.ref_printed,
        d.date_printed,
        d.number_style,
        d.source_line,
        r.programme_ids
    from documents as d
    left join read_from as r using (source_file)
)

select * from final
order by source_file
