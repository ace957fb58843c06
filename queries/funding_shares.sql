-- funding_shares: one programme's budget by funding source (khuyến công quốc gia, khuyến công
--                 địa phương, đối ứng của cơ sở, khác), the lines that do not say as a row of
--                 their own, so the shares add up to 100.
-- grain: one row per funding source of the programme's lines in the years (funding_source null
--        = not stated in the document).
-- params: $programme_id (text), $year_from (integer or null), $year_to (integer or null).
-- sources: budget_lines.
-- n_lines counts the task-year lines of the source; n_stated_lines, on every row, the lines of
-- the programme that state a source at all (0: the document does not split by source).
with lines as (
    select programme_id, funding_source, amount_mvnd
    from budget_lines
    where
        programme_id = $programme_id
        and ($year_from is null or year >= $year_from)
        and ($year_to is null or year <= $year_to)
),

totals as (
    select
        programme_id,
        funding_source,
        sum(amount_mvnd) as amount_mvnd,
        count(*) as n_lines
    from lines
    group by programme_id, funding_source
),

final as (
    select
        programme_id,
        funding_source,
        case funding_source
            when 'trung_uong' then 1
            when 'dia_phuong' then 2
            when 'doi_ung' then 3
            when 'khac' then 4
            else 5
        end as source_order,
        amount_mvnd,
        100.0 * amount_mvnd / nullif(sum(amount_mvnd) over (), 0) as share_pct,
        n_lines,
        cast(
            sum(case when funding_source is null then 0 else n_lines end) over () as integer
        ) as n_stated_lines
    from totals
)

select * from final
order by source_order
