-- support_establishment_sources: the rows of the uploaded files each establishment's records
--                                come from, per province written, content area and year; what
--                                support_top_establishments cites.
-- grain: one row per (establishment_no, province, content_area, year, source_file) of the
--        records not cancelled that have a row number (imports; synthetic records have none,
--        so they have no row here).
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map, support_establishments (the number).
-- source_lines: the user's row numbers (header = row 1) joined by ';', ascending, the form
-- plans.data.sources.cite reads. Stored by establishment_no so the rows of the few
-- establishments of a top list lie together.
with records as (
    select
        e.establishment_no,
        r.province,
        coalesce(r.content_area, m.content_area) as content_area,
        r.year,
        r.source_file,
        r.source_line
    from support_records as r
    inner join support_establishments as e using (establishment_id)
    left join content_area_map as m using (programme_id, task_code)
    where r.status != 'cancelled' and r.source_line is not null
),

final as (
    select
        establishment_no,
        province,
        content_area,
        year,
        source_file,
        string_agg(source_line::varchar, ';' order by source_line) as source_lines
    from records
    group by establishment_no, province, content_area, year, source_file
)

select * from final
order by establishment_no, province, content_area, year, source_file
