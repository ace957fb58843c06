-- support_status_cells: every support record, cancelled ones too, counted by province, year,
--                       common content area, status and source (import and file); the
--                       pre-aggregate of support_status_counts and support_sources.
-- grain: one row per (province, year, content_area, status, import_id, source_file);
--        content_area as in support_cells; import_id null = synthetic records (no import).
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map.
-- The only pre-aggregate that holds cancelled records: the page says how many were cancelled
-- and for how much, so none is dropped unseen.
with records as (
    select
        r.province,
        r.year,
        coalesce(r.content_area, m.content_area) as content_area,
        r.status,
        r.import_id,
        r.source_file,
        r.amount_mvnd
    from support_records as r
    left join content_area_map as m using (programme_id, task_code)
),

final as (
    select
        province,
        year,
        content_area,
        status,
        import_id,
        source_file,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd
    from records
    group by province, year, content_area, status, import_id, source_file
)

select * from final
order by province, year, content_area, status, import_id, source_file
