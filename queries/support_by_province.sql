-- support_by_province: support records per province: how many, how many distinct
--                      establishments, the amount, the beneficiaries and the province's share of
--                      the amount of all provinces in the filter.
-- grain: one row per province (in the boundary view) with support records in the filter.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: provinces, support_cells and support_year_gaps, pre-aggregates of support_records
--          joined with content_area_map; tests/test_support.py checks the results against the
--          records.
-- Cancelled records are not counted (the pre-aggregates leave them out; support_status_counts
-- says how many there are). An establishment is its establishment_id, counted once per row:
-- one with records in two rows' provinces counts in each. Rows are ordered by the amount
-- rounded to 1 đồng, so equal amounts keep the same order whatever order a sum was taken in.
-- Records carry the province written on them; under 'current' each counts under that province's
-- successor since 1/7/2025 (provinces, 63 rows, joined at query time: the pre-aggregates stay
-- keyed by the written province), under 'as_issued' under the written name. Under 'current'
-- summed_from names the old provinces a row sums (null when it is the one province under its
-- own name) and missing_from the successor's old provinces with no record in the filter, when
-- the filter holds years before the merger's; both null under 'as_issued'. Records carry a year,
-- not a day, and those made since 1/7/2025 are written under the successor: a record is an old
-- province's when its name is not the row's, or when it is the row's own name in a year before
-- the merger's (2025 is left to the other names: its first half is the old provinces').
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),

merger as (
    -- the year of 1/7/2025 (written so that the benchmark's SQLite copy reads it too)
    select cast(substr(cast(max(changed_on) as varchar), 1, 4) as integer) as merger_year
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

totals as (
    select
        c.province,
        sum(c.records)::bigint as records,
        sum(c.amount_mvnd) as amount_mvnd,
        sum(c.beneficiaries)::bigint as beneficiaries,
        max(case when c.year < m.merger_year then 1 else 0 end) = 1 as before_merger
    from cells as c
    cross join merger as m
    group by c.province
),

old as (
    -- the old provinces each row holds records of (see above)
    select distinct c.province, c.written
    from cells as c
    cross join merger as m
    where c.written != c.province or c.year < m.merger_year
),

old_names as (
    select
        province,
        string_agg(written, ', ' order by written collate vi) as old_names
    from old
    group by province
),

missing as (
    select
        t.province,
        string_agg(r.province, ', ' order by r.province collate vi) as missing_from
    from totals as t
    inner join provinces as r on r.successor = t.province
    where
        $boundary = 'current'
        and t.before_merger
        and not exists (
            select 1 from old as o where o.province = t.province and o.written = r.province
        )
    group by t.province
),

gaps as (
    -- kept per boundary view: an establishment with records under an old province and its
    -- successor is one establishment of the successor
    select
        g.province,
        g.establishments
    from support_year_gaps as g
    where
        g.boundary = $boundary
        and g.per_area = ($content_area is not null)
        and ($content_area is null or g.content_area = $content_area)
        and ($y0 is null or g.year >= $y0)
        and ($y1 is null or g.year <= $y1)
        and (g.prev_year is null or g.prev_year < $y0)
),

establishments as (
    -- each establishment once, in the first year of the range it has records in
    select
        province,
        sum(establishments)::bigint as establishments
    from gaps
    where $provinces is null or list_contains($provinces, province)
    group by province
),

final as (
    select
        t.province,
        t.records,
        e.establishments,
        t.amount_mvnd,
        t.beneficiaries,
        100 * t.amount_mvnd / nullif(sum(t.amount_mvnd) over (), 0) as share_pct,
        case
            when $boundary = 'current' and o.old_names != t.province then o.old_names
        end as summed_from,
        x.missing_from
    from totals as t
    inner join establishments as e using (province)
    left join old_names as o using (province)
    left join missing as x using (province)
)

select * from final
order by round(amount_mvnd, 6) desc, province collate vi
