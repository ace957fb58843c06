-- support_top_establishments: the establishments with the largest support amount, with their
--                             rank, number of records and beneficiaries.
-- grain: one row per (written province, establishment) among the $limit largest amounts in the
--        filter; rank 1.. follows the order amount desc, written province, establishment.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all), $limit (how many establishments; null = all).
-- sources: provinces, support_cells, support_establishments, support_establishment_cells and
--          support_establishment_bounds, pre-aggregates of support_records joined with
--          content_area_map; tests/test_support.py checks the results against the records.
-- Summing millions of establishments per request is too slow. When the filter holds at most
-- 100 000 records (support_cells says how many), their establishment cells are summed directly.
-- Otherwise, in each chosen province, the 300 (or 10 x $limit) establishments with the largest
-- totals are summed first; the $limit-th best of those amounts is a floor the whole top must
-- reach, and an establishment whose total (or total in the chosen area) is below the floor
-- cannot reach it, so only the others are summed.
-- Amounts are compared rounded to 1 đồng (6 decimals of a million), so equal amounts keep the
-- same order whatever order a sum was taken in; the floor leaves room for that rounding.
-- Records carry the province written on them, and an establishment is a (written province,
-- name): under 'current' the chosen provinces are first turned into the written names they hold
-- (provinces, 63 rows), so the pre-aggregates are read by their own key as under 'as_issued';
-- `province` is then the successor since 1/7/2025 and `province_written` the name on the records.
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),

chosen as (
    -- the written names of the chosen provinces (support records name reference provinces:
    -- imports check them)
    select written from names
    where list_contains($provinces, province)
),

volume as (
    select coalesce(sum(records), 0) as records
    from support_cells
    where
        ($provinces is null or province in (select written from chosen))
        and ($y0 is null or year >= $y0)
        and ($y1 is null or year <= $y1)
        and ($content_area is null or content_area = $content_area)
),

lead_sums as (
    -- in each chosen province the 300 (or 10 x $limit) establishments with the largest
    -- totals, summed in the filter
    select
        c.establishment_id,
        round(sum(c.amount_mvnd), 6) as amount_mvnd
    from support_establishment_bounds as c
    where
        c.bound_rank <= greatest(300, 10 * coalesce($limit, 0))
        and ($provinces is null or c.province in (select written from chosen))
        and ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
    group by c.establishment_id
),

lead_best as (
    select amount_mvnd from lead_sums
    order by amount_mvnd desc
    limit $limit
),

cutoff as (
    -- no row (so no scan of the bounds) when the filter holds few records; with fewer than
    -- $limit leading establishments in the filter, every establishment is summed
    select
        case
            when count(*) = $limit then min(amount_mvnd) - 1e-6 - abs(min(amount_mvnd)) * 1e-9
            else '-infinity'::double
        end as amount_mvnd
    from lead_best
    having (select records from volume) > 100000
),

few as (
    select 1 as one from volume
    where records <= 100000
),

cells as (
    select
        c.establishment_id,
        c.records,
        c.amount_mvnd,
        c.beneficiaries
    from support_establishment_bounds as c
    inner join cutoff as f on c.bound_mvnd >= f.amount_mvnd
    where
        ($provinces is null or c.province in (select written from chosen))
        and ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
        and ($content_area is null or c.area_bound_mvnd >= f.amount_mvnd)
    union all
    select
        c.establishment_id,
        c.records,
        c.amount_mvnd,
        c.beneficiaries
    from support_establishment_cells as c, few
    where
        ($provinces is null or c.province in (select written from chosen))
        and ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
),

candidates as (
    select
        establishment_id,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by establishment_id
),

ranked as (
    -- establishment_id follows (province, establishment), so it breaks ties in that order
    select
        row_number() over (
            order by round(amount_mvnd, 6) desc, establishment_id
        ) as rank,
        *
    from (
        select * from candidates
        order by round(amount_mvnd, 6) desc, establishment_id
        limit $limit
    )
),

final as (
    select
        r.rank,
        coalesce(n.province, e.province) as province,
        e.establishment,
        r.records,
        r.amount_mvnd,
        r.beneficiaries,
        e.province as province_written
    from ranked as r
    inner join support_establishments as e using (establishment_id)
    left join names as n on n.written = e.province
)

select * from final
order by rank
