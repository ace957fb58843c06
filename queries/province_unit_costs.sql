-- province_unit_costs: planned cost per unit of output (million VND per trainee, per
--                      establishment) where a task's budget and the quantity the same task
--                      promises can be set against each other.
-- grain: one row per pair (defined below), province-period and task that meets the pair.
-- params: $provinces (list of province names, or null for every province).
-- sources: programmes, budget_lines, targets.
-- Pairs are task-level on purpose: a task's own budget divided by the quantity printed for that
-- same task (its expected-result or quantity column), never a content area's whole budget divided
-- by one of its tasks' outputs. A task counts only when exactly one of its targets has a unit of
-- the pair and that target is a single figure (exact or "khoảng"); ranges and "trên ..." are left
-- out because they give no single cost. The pairs:
--   trainees  : content area KC1, unit lao động / người / học viên (people trained on the job);
--   machinery : content area KC3, a task about "máy móc thiết bị" (advanced machinery), unit
--               cơ sở (establishments supported).
-- The cost is the plan's budget over the whole period divided by the planned quantity; it says
-- what the plan budgets per unit, not what was spent.
with pairs as (
    select * from (
        values
        (
            1, 'trainees', 'KC1', ['lao động', 'người', 'học viên'], '%',
            'Đào tạo nghề, truyền nghề: triệu đồng/người', 'Vocational training: million VND/trainee'
        ),
        (
            2, 'machinery', 'KC3', ['cơ sở'], '%máy móc thiết bị%',
            'Hỗ trợ máy móc thiết bị: triệu đồng/cơ sở',
            'Machinery support: million VND/establishment'
        )
    ) as t (pair_order, pair, content_area, units, task_pattern, pair_label_vi, pair_label_en)
),

chosen as (
    select programme_id, province, period_start, period_end
    from programmes
    where
        kind = 'khuyen_cong'
        and ($provinces is null or list_contains($provinces, province))
),

tasks as (
    select
        l.programme_id,
        l.task_code,
        any_value(l.task_name) as task_name,
        any_value(l.content_area) as content_area,
        sum(l.amount_mvnd) as amount_mvnd,
        any_value(l.source_file) as source_file,
        string_agg(distinct l.source_line, ';' order by l.source_line) as budget_line
    from budget_lines as l
    inner join chosen as c using (programme_id)
    group by l.programme_id, l.task_code
),

matched as (
    select
        p.pair_order,
        p.pair,
        p.pair_label_vi,
        p.pair_label_en,
        t.*,
        g.target_min as quantity,
        g.unit,
        g.qualifier,
        g.quantity_text,
        g.source_line as target_line,
        count(*) over (partition by p.pair, t.programme_id, t.task_code) as n_matches
    from pairs as p
    inner join tasks as t
        on t.content_area = p.content_area and t.task_name ilike p.task_pattern
    inner join targets as g
        on
            g.programme_id = t.programme_id
            and g.task_code = t.task_code
            and g.source_kind in ('task', 'quantity')
            and list_contains(p.units, g.unit)
),

final as (
    select
        c.province || ' ' || c.period_start || '-' || c.period_end as series_label,
        c.province,
        c.period_start,
        c.period_end,
        m.programme_id,
        m.pair_order,
        m.pair,
        m.pair_label_vi,
        m.pair_label_en,
        m.task_code,
        m.task_name,
        m.content_area,
        m.amount_mvnd,
        m.quantity,
        m.unit,
        m.qualifier,
        m.quantity_text,
        m.amount_mvnd / m.quantity as unit_cost_mvnd,
        regexp_replace(m.source_file, '^([0-9]{3})_[0-9a-f]+\.txt$', '\1') || ':' || m.budget_line as budget_source,
        regexp_replace(m.source_file, '^([0-9]{3})_[0-9a-f]+\.txt$', '\1') || ':' || m.target_line as quantity_source,
        m.source_file
    from matched as m
    inner join chosen as c using (programme_id)
    where
        m.n_matches = 1
        and m.qualifier in ('exact', 'about')
        and m.quantity > 0
)

select * from final
order by pair_order, province collate vi, period_start, task_code
