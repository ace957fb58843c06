-- support_by_area: support records per common content area (KC1..KC9): how many, the amount,
--                  the beneficiaries and the area's share of the amount.
-- grain: one row per content area with support records in the filter; content_area null =
--        records whose task has no content area in content_area_map (listed last).
-- params: $provinces (list of province names, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: support_cells, the pre-aggregate of support_records joined with content_area_map;
--          tests/test_support.py checks the results against the records.
with cells as (
    select * from support_cells
    where
        ($provinces is null or list_contains($provinces, province))
        and ($y0 is null or year >= $y0)
        and ($y1 is null or year <= $y1)
        and ($content_area is null or content_area = $content_area)
),

areas as (
    select
        content_area,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by content_area
),

final as (
    select
        *,
        100 * amount_mvnd / nullif(sum(amount_mvnd) over (), 0) as share_pct
    from areas
)

select * from final
order by content_area nulls last
