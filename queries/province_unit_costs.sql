-- province_unit_costs: planned cost per unit of output (million VND per trainee, per
--                      establishment) where a task's budget and the quantity the same task
--                      promises can be set against each other.
-- grain: one row per pair (defined below), province-period (in the boundary view) and task that
--        meets the pair.
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all).
--         'current' = under the province since 1/7/2025, 'as_issued' = under the name each
--         programme was issued by (programme_provinces).
-- sources: programmes, programme_provinces, provinces, budget_lines, targets.
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
-- A series (province-period) is labelled as province_budget_per_year labels it: under 'current'
-- summed_from names the provinces as issued whose programmes it holds (null when it is the one
-- province under its own name) and missing_from the successor's old provinces with no
-- khuyến công programme in it (periods before 1/7/2025); both null under 'as_issued'. A cost
-- stays a task's own: nothing is summed across provinces.
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
        and ($provinces is null or list_contains($provinces, pp.province))
),

series as (
    select
        province,
        period_start,
        period_end,
        string_agg(
            distinct province_as_issued, ', ' order by province_as_issued collate vi
        ) as issued_names,
        max(before_merger) as before_merger
    from chosen
    -- the programmes the other province comparisons sum: those with budget lines
    where programme_id in (select programme_id from budget_lines)
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
                and c.programme_id in (select programme_id from budget_lines)
        )
    group by s.province, s.period_start, s.period_end
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
        case
            when $boundary = 'current' and s.issued_names != s.province then s.issued_names
        end as summed_from,
        x.missing_from,
        m.source_file
    from matched as m
    inner join chosen as c using (programme_id)
    inner join series as s using (province, period_start, period_end)
    left join missing as x using (province, period_start, period_end)
    where
        m.n_matches = 1
        and m.qualifier in ('exact', 'about')
        and m.quantity > 0
)

select * from final
order by pair_order, province collate vi, period_start, task_code
