-- province_budget_per_year: each province's khuyến công budget over its period and on average
--                           per year, so periods of different length can be set side by side.
-- grain: one row per (province, period) with budget lines.
-- params: $provinces (list of province names, or null for every province).
-- sources: programmes, budget_lines.
-- n_years is the length of the period the decision names (period_end - period_start + 1);
-- the total is the sum of the budget lines (the appendix cells), not the stated total.
with chosen as (
    select
        p.programme_id,
        p.province,
        p.period_start,
        p.period_end,
        p.stated_total_mvnd
    from programmes as p
    where
        p.kind = 'khuyen_cong'
        and p.programme_id in (select programme_id from budget_lines)
        and ($provinces is null or list_contains($provinces, p.province))
),

lines as (
    select
        programme_id,
        sum(amount_mvnd) as lines_total_mvnd,
        any_value(source_file) as source_file
    from budget_lines
    group by programme_id
),

final as (
    select
        c.province || ' ' || c.period_start || '-' || c.period_end as series_label,
        c.province,
        c.period_start,
        c.period_end,
        string_agg(c.programme_id, ', ' order by c.programme_id) as programme_ids,
        c.period_end - c.period_start + 1 as n_years,
        sum(l.lines_total_mvnd) as total_mvnd,
        sum(c.stated_total_mvnd) as stated_total_mvnd,
        sum(l.lines_total_mvnd) / (c.period_end - c.period_start + 1) as per_year_mvnd,
        string_agg(distinct l.source_file, ', ' order by l.source_file) as source_files
    from chosen as c
    inner join lines as l using (programme_id)
    group by c.province, c.period_start, c.period_end
)

select * from final
order by province collate vi, period_start
