-- support_yoy: each province's support amount per year beside the year before, and the change.
-- grain: one row per (province, year) with support records in the filter.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_cells, the pre-aggregate of support_records joined with content_area_map;
--          tests/test_support.py checks the results against the records.
-- Cancelled records are not summed (support_cells leaves them out); a record's content area
-- is the one written on it, else its task's.
-- prev_amount_mvnd is the same province's amount in year - 1 within the filter (null when it has
-- no records that year, so also for the first year of the range); change_pct is null when there
-- is no previous amount or it is 0.
-- Records carry the province written on them; under 'current' each counts under that province's
-- successor since 1/7/2025 (provinces, 63 rows, joined at query time: the pre-aggregates stay
-- keyed by the written province), under 'as_issued' under the written name.
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
        c.province as written,
        c.year,
        c.content_area,
        c.records,
        c.amount_mvnd,
        c.beneficiaries
    from support_cells as c
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
