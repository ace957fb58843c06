-- support_by_district: support records per district as written on them (and, for records
--                      without a district, per ward since 1/7/2025): how many, the amount, the
--                      beneficiaries, the share of the amount in the filter and in the province.
-- grain: one row per (province in the boundary view, province written, district, ward) with
--        support records in the filter. district as written; a record without one (since
--        1/7/2025 there are no districts) has district null and ward = the ward or commune it
--        belongs to since 1/7/2025 (else the commune as written); both null = no place written.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_district_cells, the pre-aggregate of support_records joined with
--          content_area_map; tests/test_support.py checks the results against the records.
-- Cancelled records are not summed; a record's content area is the one written on it, else its
-- task's. A district belongs to the province written on the record (two old provinces may both
-- have had a "Huyện Phú Tân"), so under 'current' an old province's districts stay apart under
-- its successor, province_written saying whose they were; under 'as_issued' province_written =
-- province. Rows are ordered by province, then the amount rounded to 1 đồng (largest first).
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
        c.district,
        c.ward,
        c.records,
        c.amount_mvnd,
        c.beneficiaries
    from support_district_cells as c
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

places as (
    select
        province,
        written as province_written,
        district,
        ward,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by province, written, district, ward
),

final as (
    select
        *,
        100 * amount_mvnd / nullif(sum(amount_mvnd) over (), 0) as share_pct,
        100 * amount_mvnd / nullif(sum(amount_mvnd) over (partition by province), 0)
            as province_share_pct
    from places
)

select * from final
order by province collate vi, round(amount_mvnd, 6) desc, province_written collate vi,
    district collate vi nulls last, ward collate vi nulls last
