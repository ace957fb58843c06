-- province_support_vs_plan: the support paid in each province against the budget its
--                           khuyến công plans give for the same years: how much of what was
--                           planned was paid, where both are known.
-- grain: one row per province (in the boundary view) with at least one programme-year in the
--        filter that has both support records and budget lines.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all), $y0 and $y1 (first and last year, inclusive, or null = no bound), $content_area (a code such as 'KC1', or null = all).
-- sources: support_programme_cells (the pre-aggregate of support_records by programme, year,
--          task, content area as written and status), budget_lines, programmes,
--          programme_provinces, provinces, content_area_map.
-- A pair is a khuyến công programme and a year with support records not cancelled and budget
-- lines (with $content_area: records whose content area, as written or else their task's, is
-- that area, and the lines of that area). support_mvnd and planned_mvnd sum the pairs, so both
-- cover the same programme-years; unpaired_support_mvnd is the support of the province's other
-- programme-years in the filter (no budget line to set it against). A pair counts under its
-- programme's province in the boundary view (programme_provinces), so a record made after
-- 1/7/2025 under the successor's name stays with the plan it was paid from.
-- As province_budget_per_year: under 'current' summed_from names the provinces as issued whose
-- programmes the row sums (null when it is the one province under its own name), missing_from
-- the successor's old provinces with no pair in the row (programmes before 1/7/2025); both
-- null under 'as_issued'.
with chosen as (
    select
        p.programme_id,
        pp.province,
        pp.province_as_issued,
        pp.before_merger
    from programmes as p
    inner join programme_provinces as pp
        on pp.programme_id = p.programme_id and pp.boundary = $boundary
    where
        p.kind = 'khuyen_cong'
        and ($provinces is null or list_contains($provinces, pp.province))
),

areas as (
    select
        r.programme_id,
        r.year,
        r.records,
        r.amount_mvnd,
        coalesce(r.content_area, m.content_area) as content_area
    from support_programme_cells as r
    left join content_area_map as m
        on m.programme_id = r.programme_id and m.task_code = r.task_code
    where
        r.status != 'cancelled'
        and ($y0 is null or r.year >= $y0)
        and ($y1 is null or r.year <= $y1)
        and r.programme_id in (select programme_id from chosen)
),

paid as (
    select
        programme_id,
        year,
        sum(records)::bigint as records,
        sum(amount_mvnd) as support_mvnd
    from areas
    where $content_area is null or content_area = $content_area
    group by programme_id, year
),

planned as (
    select
        programme_id,
        year,
        sum(amount_mvnd) as planned_mvnd,
        min(source_file) as source_file
    from budget_lines
    where
        ($y0 is null or year >= $y0)
        and ($y1 is null or year <= $y1)
        and ($content_area is null or content_area = $content_area)
        and programme_id in (select programme_id from chosen)
    group by programme_id, year
),

pairs as (
    select
        c.province,
        c.province_as_issued,
        c.before_merger,
        s.programme_id,
        s.year,
        s.records,
        s.support_mvnd,
        b.planned_mvnd,
        b.source_file
    from paid as s
    inner join planned as b on b.programme_id = s.programme_id and b.year = s.year
    inner join chosen as c on c.programme_id = s.programme_id
),

unpaired as (
    select
        c.province,
        sum(s.support_mvnd) as unpaired_support_mvnd
    from paid as s
    inner join chosen as c on c.programme_id = s.programme_id
    where not exists (
        select 1 from planned as b where b.programme_id = s.programme_id and b.year = s.year
    )
    group by c.province
),

rows_ as (
    select
        province,
        string_agg(distinct programme_id, ', ' order by programme_id) as programme_ids,
        count(distinct year) as n_years,
        min(year) as first_year,
        max(year) as last_year,
        sum(records)::bigint as records,
        sum(support_mvnd) as support_mvnd,
        sum(planned_mvnd) as planned_mvnd,
        string_agg(
            distinct province_as_issued, ', ' order by province_as_issued collate vi
        ) as issued_names,
        max(case when before_merger then 1 else 0 end) as before_merger,
        string_agg(distinct source_file, ', ' order by source_file) as source_files
    from pairs
    group by province
),

missing as (
    select
        s.province,
        string_agg(r.province, ', ' order by r.province collate vi) as missing_from
    from rows_ as s
    inner join provinces as r on r.successor = s.province
    where
        $boundary = 'current'
        and s.before_merger = 1
        and not exists (
            select 1 from pairs as p
            where p.province = s.province and p.province_as_issued = r.province
        )
    group by s.province
),

final as (
    select
        s.province,
        s.programme_ids,
        s.n_years,
        s.first_year,
        s.last_year,
        s.records,
        s.support_mvnd,
        s.planned_mvnd,
        100.0 * s.support_mvnd / nullif(s.planned_mvnd, 0) as support_per_plan_pct,
        coalesce(u.unpaired_support_mvnd, 0) as unpaired_support_mvnd,
        case
            when $boundary = 'current' and s.issued_names != s.province then s.issued_names
        end as summed_from,
        m.missing_from,
        s.source_files
    from rows_ as s
    left join unpaired as u using (province)
    left join missing as m using (province)
)

select * from final
order by support_per_plan_pct desc nulls last, province collate vi
