-- support_yoy: each province's support amount per year beside the year before, and the change.
-- grain: one row per (province, year) with support records in the filter.
-- params: $provinces (list of province names, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: support_cells, the pre-aggregate of support_records joined with content_area_map;
--          tests/test_support.py checks the results against the records.
-- prev_amount_mvnd is the same province's amount in year - 1 within the filter (null when it has
-- no records that year, so also for the first year of the range); change_pct is null when there
-- is no previous amount or it is 0.
with cells as (
    select * from support_cells
    where
        ($provinces is null or list_contains($provinces, province))
        and ($y0 is null or year >= $y0)
        and ($y1 is null or year <= $y1)
        and ($content_area is null or content_area = $content_area)
),

yearly as (
    select
        province,
        year,
        sum(amount_mvnd) as amount_mvnd
    from cells
    group by province, year
),

final as (
    select
        y.province,
        y.year,
        y.amount_mvnd,
        p.amount_mvnd as prev_amount_mvnd,
        100 * (y.amount_mvnd - p.amount_mvnd) / nullif(p.amount_mvnd, 0) as change_pct
    from yearly as y
    left join yearly as p on p.province = y.province and p.year = y.year - 1
)

select * from final
order by province collate vi, year
