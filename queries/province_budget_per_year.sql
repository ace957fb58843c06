-- province_budget_per_year: each province's khuyến công budget over its period and on average
--                           per year, so periods of different length can be set side by side.
-- grain: one row per (province in the boundary view, period) with budget lines.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all).
--         'current' = under the province since 1/7/2025, 'as_issued' = under the name each
--         programme was issued by (programme_provinces).
-- sources: programmes, programme_provinces, provinces, budget_lines.
-- n_years is the length of the period the decision names (period_end - period_start + 1);
-- the total is the sum of the budget lines (the appendix cells), not the stated total.
-- Under 'current' a series sums the programmes of every old province now in the successor:
-- summed_from names the provinces as issued (null when it is the one province under its own
-- name), missing_from the successor's old provinces with no programme in the series (only for
-- periods before 1/7/2025), so a sum never passes for complete. Both null under 'as_issued'.
with chosen as (
    select
        p.programme_id,
        pp.province,
        pp.province_as_issued,
        pp.before_merger,
        p.period_start,
        p.period_end,
        p.stated_total_mvnd
    from programmes as p
    inner join programme_provinces as pp
        on pp.programme_id = p.programme_id and pp.boundary = $boundary
    where
        p.kind = 'khuyen_cong'
        and p.programme_id in (select programme_id from budget_lines)
        and ($provinces is null or list_contains($provinces, pp.province))
),

lines as (
    select
        programme_id,
        sum(amount_mvnd) as lines_total_mvnd,
        any_value(source_file) as source_file
    from budget_lines
    group by programme_id
),

series as (
    select
        c.province,
        c.period_start,
        c.period_end,
        string_agg(c.programme_id, ', ' order by c.programme_id) as programme_ids,
        string_agg(
            distinct c.province_as_issued, ', ' order by c.province_as_issued collate vi
        ) as issued_names,
        max(c.before_merger) as before_merger,
        sum(l.lines_total_mvnd) as total_mvnd,
        sum(c.stated_total_mvnd) as stated_total_mvnd,
        string_agg(distinct l.source_file, ', ' order by l.source_file) as source_files
    from chosen as c
    inner join lines as l using (programme_id)
    group by c.province, c.period_start, c.period_end
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

final as (
    select
        s.province || ' ' || s.period_start || '-' || s.period_end as series_label,
        s.province,
        s.period_start,
        s.period_end,
        s.programme_ids,
        s.period_end - s.period_start + 1 as n_years,
        s.total_mvnd,
        s.stated_total_mvnd,
        s.total_mvnd / (s.period_end - s.period_start + 1) as per_year_mvnd,
        case
            when $boundary = 'current' and s.issued_names != s.province then s.issued_names
        end as summed_from,
        m.missing_from,
        s.source_files
    from series as s
    left join missing as m using (province, period_start, period_end)
)

select * from final
order by province collate vi, period_start
