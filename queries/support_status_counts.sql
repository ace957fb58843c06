-- support_status_counts: support records per status in the filter: how many and the amount
--                        written on them, cancelled ones included.
-- grain: one row per status with support records in the filter (approved, accepted,
--        cancelled, in that order).
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_status_cells, the pre-aggregate of every support record joined
--          with content_area_map; tests/test_support.py checks the results against the records.
-- Every other support query leaves cancelled records out; this one lets the page say how many
-- were cancelled and for how much, so none is dropped unseen.
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
        c.status,
        c.records,
        c.amount_mvnd
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
        status,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd
    from cells
    group by status
)

select * from final
order by case status when 'approved' then 1 when 'accepted' then 2 else 3 end
