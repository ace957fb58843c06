-- province_funding_shares: each province's khuyến công budget split by funding source
--                          (khuyến công quốc gia, địa phương, đối ứng, khác, not stated), one
--                          series per province and period, for a side-by-side comparison.
-- grain: one row per (province in the boundary view, period) and funding source of its lines
--        (funding_source null = not stated in the document).
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all).
--         'current' = under the province since 1/7/2025, 'as_issued' = under the name each
--         programme was issued by (programme_provinces).
-- sources: programmes, programme_provinces, provinces, budget_lines.
-- The series are those of province_shares / province_budget_per_year: programmes of one
-- province and period form one series; under 'current' summed_from names the provinces as
-- issued it sums, missing_from the successor's old provinces it has no programme of (only for
-- periods before 1/7/2025). share_pct is of the series' lines, 'not stated' included (adds to
-- 100); n_stated_lines counts the lines of the series that state a source.
with chosen as (
    select
        p.programme_id,
        pp.province,
        pp.province_as_issued,
        pp.before_merger,
        p.period_start,
        p.period_end
    from programmes as p
    inner join programme_provinces as pp
        on pp.programme_id = p.programme_id and pp.boundary = $boundary
    where
        p.kind = 'khuyen_cong'
        and p.programme_id in (select programme_id from budget_lines)
        and ($provinces is null or list_contains($provinces, pp.province))
),

series as (
    select
        province,
        period_start,
        period_end,
        string_agg(programme_id, ', ' order by programme_id) as programme_ids,
        string_agg(
            distinct province_as_issued, ', ' order by province_as_issued collate vi
        ) as issued_names,
        max(before_merger) as before_merger
    from chosen
    group by province, period_start, period_end
),

missing as (
    select
        s.province,
        s.period_start,
        s.period_end,
        string_agg(r.province, ', ' order by r.province collate vi) as missing_from
    from series as s
    inner join provinces as r on r.successor = s.province
    where
        $boundary = 'current'
        and s.before_merger
        and not exists (
            select 1 from chosen as c
            where
                c.province = s.province
                and c.period_start = s.period_start
                and c.period_end = s.period_end
                and c.province_as_issued = r.province
        )
    group by s.province, s.period_start, s.period_end
),

amounts as (
    select
        c.province,
        c.period_start,
        c.period_end,
        l.funding_source,
        sum(l.amount_mvnd) as amount_mvnd,
        count(*) as n_lines,
        string_agg(distinct l.source_file, ', ' order by l.source_file) as source_files
    from budget_lines as l
    inner join chosen as c using (programme_id)
    group by c.province, c.period_start, c.period_end, l.funding_source
),

final as (
    select
        s.province || ' ' || s.period_start || '-' || s.period_end as series_label,
        s.province,
        s.period_start,
        s.period_end,
        s.programme_ids,
        a.funding_source,
        case a.funding_source
            when 'trung_uong' then 1
            when 'dia_phuong' then 2
            when 'doi_ung' then 3
            when 'khac' then 4
            else 5
        end as source_order,
        a.amount_mvnd,
        100.0 * a.amount_mvnd / nullif(
            sum(a.amount_mvnd) over (partition by s.province, s.period_start, s.period_end), 0
        ) as share_pct,
        a.n_lines,
        cast(sum(case when a.funding_source is null then 0 else a.n_lines end) over (
            partition by s.province, s.period_start, s.period_end
        ) as integer) as n_stated_lines,
        case
            when $boundary = 'current' and s.issued_names != s.province then s.issued_names
        end as summed_from,
        m.missing_from,
        a.source_files
    from series as s
    inner join amounts as a using (province, period_start, period_end)
    left join missing as m using (province, period_start, period_end)
)

select * from final
order by province collate vi, period_start, source_order
