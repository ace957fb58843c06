-- target_results_by_year: the outputs a yearly report gives for one programme, year by year,
--                         added up to date against the yearly targets and the period target.
-- grain: one row per yearly result (target_results with a year), in indicator and year order.
-- params: $programme_id (text or null for every programme).
-- sources: target_results.
-- An indicator is its text and unit as written. The year's target is the row's own (printed,
-- or derived from its stated percentage); cum_target is null once a year to date has none.
-- The period target is that of a row of the same indicator without a year (a report's
-- "lũy kế … mục tiêu giai đoạn" row), when one exists.
with yearly as (
    select * from target_results
    where year is not null and ($programme_id is null or programme_id = $programme_id)
),

period_targets as (
    select
        programme_id,
        indicator,
        unit,
        max(target_point) as period_target
    from target_results
    where
        year is null
        and target_point is not null
        and ($programme_id is null or programme_id = $programme_id)
    group by programme_id, indicator, unit
),

cumulative as (
    select
        y.*,
        sum(y.achieved) over to_date as cum_achieved,
        case
            when count(y.target_point) over to_date = count(*) over to_date
                then sum(y.target_point) over to_date
        end as cum_target,
        min(try_cast(y.source_line as integer)) over (
            partition by y.programme_id, y.indicator, y.unit
        ) as indicator_order
    from yearly as y
    window to_date as (
        partition by y.programme_id, y.indicator, y.unit
        order by y.year, y.source_file, y.source_line
        rows between unbounded preceding and current row
    )
),

final as (
    select
        c.programme_id,
        c.result_code,
        c.content_area,
        c.indicator,
        c.indicator_en,
        c.unit,
        c.year,
        c.achieved,
        c.achieved_qualifier,
        c.achieved_text,
        c.target_basis,
        c.target_point,
        c.achievement_pct,
        c.stated_pct,
        c.stated_pct_text,
        c.cum_achieved,
        c.cum_target,
        100.0 * c.cum_achieved / nullif(c.cum_target, 0) as cum_pct_of_target,
        p.period_target,
        100.0 * c.cum_achieved / nullif(p.period_target, 0) as cum_pct_of_period_target,
        c.indicator_order,
        c.source_file,
        c.source_line
    from cumulative as c
    left join period_targets as p
        on p.programme_id = c.programme_id and p.indicator = c.indicator and p.unit = c.unit
)

select * from final
order by programme_id, indicator_order, indicator, unit, year, source_file, source_line
