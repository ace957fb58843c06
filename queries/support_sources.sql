-- support_sources: the files the support records in the filter come from: per import and file,
--                  the records counted and the cancelled ones.
-- grain: one row per (import_id, source_file) with support records in the filter; import_id
--        null = synthetic records (plans.data.synth, source_file 'synthetic').
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_status_cells, the pre-aggregate of every support record joined
--          with content_area_map.
-- What the page's captions cite (plans.app.ui.cite_many: an import by its file name). Ordered
-- by import (the order they were made), then the file name.
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),

mapped as (
    select
        coalesce(n.province, c.province) as province,
        c.import_id,
        c.source_file,
        c.status,
        c.records
    from support_status_cells as c
    left join names as n on n.written = c.province
    where
        ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
),

cells as (
    select * from mapped
    where $provinces is null or list_contains($provinces, province)
),

final as (
    select
        import_id,
        source_file,
        sum(case when status != 'cancelled' then records else 0 end)::bigint as records,
        sum(case when status = 'cancelled' then records else 0 end)::bigint as cancelled
    from cells
    group by import_id, source_file
)

select * from final
order by import_id nulls first, source_file
