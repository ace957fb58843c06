-- target_results: each reported result beside its target and the achievement ratio.
-- grain: one row per result indicator of a results report (e.g. Hanoi 2011-2015).
-- params: none (materialised as a table at build).
-- sources: results (achieved figures, stated "đạt X% kế hoạch", printed targets).
-- A target is 'printed' when the document gives it, 'derived' when only the achieved figure
-- and the stated percentage are given: target = achieved / stated %, and target_min/max span
-- every target consistent with the percentage's printed precision (71,2% means 71,15-71,25%).
with r as (
    select * from results
),

targets as (
    select
        r.*,
        case
            when target_printed is not null then 'printed'
            when stated_pct is not null and stated_pct > 0 then 'derived'
        end as target_basis,
        0.5 * pow(10, -coalesce(stated_pct_decimals, 0)) as half_unit
    from r
),

final as (
    select
        programme_id,
        result_code,
        content_area,
        indicator,
        indicator_en,
        unit,
        comparable_indicator,
        target_basis,
        case target_basis
            when 'printed' then target_printed
            when 'derived' then 100.0 * achieved / (stated_pct + half_unit)
        end as target_min,
        case target_basis
            when 'printed' then target_printed
            when 'derived' then 100.0 * achieved / (stated_pct - half_unit)
        end as target_max,
        case target_basis
            when 'printed' then target_printed
            when 'derived' then 100.0 * achieved / stated_pct
        end as target_point,
        achieved,
        achieved_qualifier,
        case target_basis
            when 'printed' then 100.0 * achieved / nullif(target_printed, 0)
            when 'derived' then stated_pct
        end as achievement_pct,
        stated_pct,
        stated_pct_text,
        achieved_text,
        target_text,
        note,
        source_file,
        source_line,
        year  -- the year of a yearly report's output; null: the whole period
    from targets
)

select * from final
order by programme_id, result_code
