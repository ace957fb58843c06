-- support_by_source: support records per funding source: how many, the amount, the
--                    beneficiaries and the source's share of the amount.
-- grain: one row per funding source with support records in the filter (trung_uong,
--        dia_phuong, doi_ung, khac, then null = not written, in that order).
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_cells, the pre-aggregate of support_records joined with
--          content_area_map; tests/test_support.py checks the results against the records.
-- A record is one funding source of one đề án (a row with several sources is stored as several
-- records), so the amounts add up to the đề án's. Cancelled records are not summed.
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
        c.funding_source,
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

sources as (
    select
        funding_source,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by funding_source
),

final as (
    select
        *,
        100 * amount_mvnd / nullif(sum(amount_mvnd) over (), 0) as share_pct
    from sources
)

select * from final
order by case funding_source
    when 'trung_uong' then 1 when 'dia_phuong' then 2 when 'doi_ung' then 3 when 'khac' then 4
    else 5
end
