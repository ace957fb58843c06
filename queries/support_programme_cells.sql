-- support_programme_cells: every support record, cancelled ones too, counted by programme, year,
--                          task, funding source, content area as written, status and source
--                          (import and file); the pre-aggregate the programme-level support
--                          queries read instead of the records.
-- grain: one row per (programme_id, year, task_code, funding_source, content_area, status,
--        import_id, source_file); task_code null = a record naming only a content area;
--        content_area as written on the record (null = not written); funding_source null = not
--        written; import_id null = synthetic records (no import).
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records.
-- The content area is kept as written, not resolved through content_area_map: a query joins
-- the map on (programme_id, task_code) itself, so a plan imported later that maps its tasks
-- counts at once. beneficiaries null = none written in the cell. source_line is the cell's
-- lowest row number (header = row 1; null for synthetic records), so a query can cite each
-- file's first row. Cancelled records are counted here under their status; the queries leave
-- them out of every sum. Stored by programme, so a query for one programme reads its rows only.
with final as (
    select
        programme_id,
        year,
        task_code,
        funding_source,
        content_area,
        status,
        import_id,
        source_file,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries,
        min(source_line) as source_line
    from support_records
    group by
        programme_id, year, task_code, funding_source, content_area, status, import_id, source_file
)

select * from final
order by programme_id, year, task_code, funding_source, content_area, status, import_id,
    source_file
