-- support_by_year: support records per year: how many, the amount and the beneficiaries.
-- grain: one row per year with support records in the filter.
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

final as (
    select
        year,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by year
)

select * from final
order by year
