-- support_by_province: support records per province: how many, how many distinct
--                      establishments, the amount, the beneficiaries and the province's share of
--                      the amount of all provinces in the filter.
-- grain: one row per province with support records in the filter.
-- params: $provinces (list of province names, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: support_cells and support_year_gaps, pre-aggregates of support_records joined with
--          content_area_map; tests/test_support.py checks the results against the records.
-- An establishment is a (province, establishment name). Rows are ordered by the amount rounded to
-- 1 đồng, so equal amounts keep the same order whatever order a sum was taken in.
with cells as (
    select * from support_cells
    where
        ($provinces is null or list_contains($provinces, province))
        and ($y0 is null or year >= $y0)
        and ($y1 is null or year <= $y1)
        and ($content_area is null or content_area = $content_area)
),

totals as (
    select
        province,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by province
),

establishments as (
    -- each establishment once, in the first year of the range it has records in
    select
        province,
        sum(establishments)::bigint as establishments
    from support_year_gaps
    where
        per_area = ($content_area is not null)
        and ($content_area is null or content_area = $content_area)
        and ($provinces is null or list_contains($provinces, province))
        and ($y0 is null or year >= $y0)
        and ($y1 is null or year <= $y1)
        and (prev_year is null or prev_year < $y0)
    group by province
),

final as (
    select
        t.province,
        t.records,
        e.establishments,
        t.amount_mvnd,
        t.beneficiaries,
        100 * t.amount_mvnd / nullif(sum(t.amount_mvnd) over (), 0) as share_pct
    from totals as t
    inner join establishments as e using (province)
)

select * from final
order by round(amount_mvnd, 6) desc, province collate vi
