-- period_comparable: comparable indicators across a province's periods: the 2011-2015 achieved
--                    figure (with its derived target) and the later periods' targets, plus the
--                    cost per unit of output where a task budget funds exactly that output.
-- grain: one row per comparable indicator and programme (data/comparable_targets.csv).
-- params: $boundary, $province ('current' | 'as_issued'; a name in that view, e.g. 'Hà Nội',
--         or null for every province).
-- sources: comparable_targets, programmes, programme_provinces, target_results, targets,
--          budget_lines.
-- A unit cost is computed only for an exact target with its own budget line (never a split
-- guessed from a programme total).
with mapping as (
    select m.*, v.province, v.province_as_issued, p.period_start, p.period_end
    from comparable_targets as m
    inner join programmes as p using (programme_id)
    inner join programme_provinces as v
        on v.programme_id = m.programme_id and v.boundary = $boundary
    where $province is null or v.province = $province
),

achieved as (
    select
        m.comparable_indicator,
        m.programme_id,
        'achieved' as measure,
        r.achieved as value_min,
        r.achieved as value_max,
        r.achieved_qualifier as qualifier,
        r.unit,
        r.achieved_text as value_text,
        r.target_basis,
        r.target_min,
        r.target_max,
        r.target_point,
        r.achievement_pct,
        r.stated_pct
    from mapping as m
    inner join target_results as r
        on r.programme_id = m.programme_id and r.result_code = m.result_code
),

planned as (
    select
        m.comparable_indicator,
        m.programme_id,
        'target' as measure,
        t.target_min as value_min,
        t.target_max as value_max,
        t.qualifier,
        t.unit,
        t.quantity_text as value_text,
        null::varchar as target_basis,
        null::double as target_min,
        null::double as target_max,
        null::double as target_point,
        null::double as achievement_pct,
        null::double as stated_pct
    from mapping as m
    inner join targets as t
        on
            t.programme_id = m.programme_id
            and t.unit = m.target_unit
            and (t.task_code = m.task_code or t.goal_code = m.goal_code)
),

budgets as (
    select m.comparable_indicator, m.programme_id, sum(l.amount_mvnd) as budget_mvnd
    from mapping as m
    inner join budget_lines as l
        on l.programme_id = m.programme_id and l.task_code = m.budget_task_code
    group by m.comparable_indicator, m.programme_id
),

values as (
    select * from achieved
    union all
    select * from planned
),

final as (
    select
        m.comparable_indicator,
        m.label_vi,
        m.label_en,
        m.programme_id,
        m.province,
        m.province_as_issued,
        m.period_start,
        m.period_end,
        m.period_start::varchar || '-' || m.period_end::varchar as period_label,
        v.measure,
        v.value_min,
        v.value_max,
        v.qualifier,
        v.unit,
        v.value_text,
        v.target_basis,
        v.target_min,
        v.target_max,
        v.target_point,
        v.achievement_pct,
        v.stated_pct,
        m.budget_task_code,
        b.budget_mvnd,
        case
            when v.qualifier = 'exact' and v.value_min = v.value_max and v.value_min > 0
                then b.budget_mvnd / v.value_min
        end as unit_cost_mvnd,
        m.reason,
        m.source_file,
        m.source_line,
        min(m.csv_line) over (partition by m.comparable_indicator) as indicator_order
    from mapping as m
    left join values as v using (comparable_indicator, programme_id)
    left join budgets as b using (comparable_indicator, programme_id)
)

select * from final
order by indicator_order, province collate vi, period_start
