-- support_by_year: support records per year: how many, the amount and the beneficiaries.
-- grain: one row per year with support records in the filter.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_cells, the pre-aggregate of support_records joined with content_area_map;
--          tests/test_support.py checks the results against the records.
-- Cancelled records are not summed (support_cells leaves them out); a record's content area
-- is the one written on it, else its task's.
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
