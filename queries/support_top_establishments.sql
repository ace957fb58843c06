-- support_top_establishments: the establishments with the largest support amount, with their
--                             rank, number of records, beneficiaries and the rows of the
--                             uploaded files they come from.
-- grain: one row per establishment (establishment_id) among the $limit largest amounts in the
--        filter; rank 1.. follows the order amount desc, then establishment_no (the order of
--        the province and name it is shown under, support_establishments).
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all), $limit (how many establishments; null = all).
-- sources: provinces, support_cells, support_establishments, support_establishment_cells,
--          support_establishment_bounds and support_establishment_sources, pre-aggregates of
--          support_records joined with content_area_map; tests/test_support.py checks the
--          results against the records.
-- Cancelled records are not summed (the pre-aggregates leave them out). Summing millions of
-- establishments per request is too slow. When the filter holds at most 100 000 records
-- (support_cells says how many), their establishment cells are summed directly. Otherwise, in
-- each chosen province, the 300 (or 10 x $limit) establishments with the largest totals (and,
-- with a filter on years, those with the largest amounts in each of its years; with a filter
-- on an area, those with the largest totals in it) are summed first; the $limit-th best of
-- those amounts is a floor the whole top must reach (an establishment may be summed there over
-- part of its records in the filter only, in one province, in the years it leads, which only
-- lowers the floor), and an establishment whose total (or total in the chosen area, or in the
-- chosen year when the filter is one year) is below the floor cannot reach it, so only the
-- others are summed.
-- Amounts are compared rounded to 1 đồng (6 decimals of a million), so equal amounts keep the
-- same order whatever order a sum was taken in; the floor leaves room for that rounding.
-- Records carry the province written on them: under 'current' the chosen provinces are first
-- turned into the written names they hold (provinces, 63 rows), so the pre-aggregates are read
-- by their own key as under 'as_issued'. province_written = the provinces written on the
-- establishment's records in the filter (one, unless it has records made before and since
-- 1/7/2025 under an old province and its successor), province = their names in the view, both
-- joined by ', '. establishment = the name written on its most recent record. source_files and
-- source_lines: the files its records in the filter come from and, in the same order, each
-- file's row numbers (';'), both joined by '/' (never in a file name); null for synthetic
-- records, which have no rows.
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

lead_rows as (
    -- in each chosen province the 300 (or 10 x $limit) establishments with the largest
    -- totals, summed in the filter; with a filter on years also those with the largest amounts
    -- in each year of it, with a filter on an area those with the largest totals in the area
    select
        c.establishment_no,
        sum(c.amount_mvnd) as amount_mvnd
    from support_establishment_bounds as c
    where
        c.bound_rank <= greatest(300, 10 * coalesce($limit, 0))
        and ($provinces is null or c.province in (select written from chosen))
        and ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
    group by c.establishment_no
    union all
    select
        c.establishment_no,
        sum(c.amount_mvnd) as amount_mvnd
    from support_establishment_bounds as c
    where
        ($y0 is not null or $y1 is not null)
        and c.year_rank <= greatest(300, 10 * coalesce($limit, 0))
        and ($provinces is null or c.province in (select written from chosen))
        and ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
    group by c.establishment_no
    union all
    select
        c.establishment_no,
        sum(c.amount_mvnd) as amount_mvnd
    from support_establishment_bounds as c
    where
        $content_area is not null
        and c.area_rank <= greatest(300, 10 * coalesce($limit, 0))
        and ($provinces is null or c.province in (select written from chosen))
        and ($y0 is null or c.year >= $y0)
        and ($y1 is null or c.year <= $y1)
        and ($content_area is null or c.content_area = $content_area)
    group by c.establishment_no
),

lead_sums as (
    -- each sum above covers part of the establishment's records in the filter: the largest is
    -- still at most its amount in the filter
    select
        establishment_no,
        round(max(amount_mvnd), 6) as amount_mvnd
    from lead_rows
    group by establishment_no
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
        c.establishment_no,
        c.province,
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
        and ($y0 is null or $y1 is null or $y0 != $y1 or c.year_bound_mvnd >= f.amount_mvnd)
    union all
    select
        c.establishment_no,
        c.province,
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

by_province as (
    -- each candidate per province written on its records (nearly always one)
    select
        establishment_no,
        province,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from cells
    group by establishment_no, province
),

candidates as (
    select
        establishment_no,
        sum(records)::bigint as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from by_province
    group by establishment_no
),

ranked as (
    -- establishment_no follows (province, name), so it breaks ties in that order
    select
        row_number() over (
            order by round(amount_mvnd, 6) desc, establishment_no
        ) as rank,
        *
    from (
        select * from candidates
        order by round(amount_mvnd, 6) desc, establishment_no
        limit $limit
    )
),

written as (
    select
        p.establishment_no,
        string_agg(p.province, ', ' order by p.province collate vi) as province_written
    from by_province as p
    inner join ranked as r on r.establishment_no = p.establishment_no
    group by p.establishment_no
),

viewed as (
    select
        establishment_no,
        string_agg(province, ', ' order by province collate vi) as province
    from (
        select distinct
            p.establishment_no,
            coalesce(n.province, p.province) as province
        from by_province as p
        inner join ranked as r on r.establishment_no = p.establishment_no
        left join names as n on n.written = p.province
    )
    group by establishment_no
),

cited as (
    -- each file's rows of the ranked establishments' records in the filter
    select
        s.establishment_no,
        s.source_file,
        string_agg(
            s.source_lines, ';' order by s.year, s.province, s.content_area
        ) as source_lines
    from support_establishment_sources as s
    inner join ranked as r on r.establishment_no = s.establishment_no
    where
        ($provinces is null or s.province in (select written from chosen))
        and ($y0 is null or s.year >= $y0)
        and ($y1 is null or s.year <= $y1)
        and ($content_area is null or s.content_area = $content_area)
    group by s.establishment_no, s.source_file
),

refs as (
    select
        establishment_no,
        string_agg(source_file, '/' order by source_file) as source_files,
        string_agg(source_lines, '/' order by source_file) as source_lines
    from cited
    group by establishment_no
),

final as (
    select
        r.rank,
        v.province,
        e.establishment,
        r.records,
        r.amount_mvnd,
        r.beneficiaries,
        w.province_written,
        e.establishment_id,
        f.source_files,
        f.source_lines
    from ranked as r
    inner join support_establishments as e on e.establishment_no = r.establishment_no
    inner join written as w on w.establishment_no = r.establishment_no
    inner join viewed as v on v.establishment_no = r.establishment_no
    left join refs as f on f.establishment_no = r.establishment_no
)

select * from final
order by rank
