-- programme_list: the programmes in the database with their headline budget figures.
-- grain: one row per programme.
-- params: none.
-- sources: programmes, programme_budgets, budget_lines, reconciliation.
with lines as (
    select programme_id, count(distinct task_code) as n_tasks, sum(amount_mvnd) as lines_total_mvnd
    from budget_lines
    group by programme_id
),

findings as (
    select programme_id, count(*) as n_findings
    from reconciliation
    group by programme_id
),

final as (
    select
        p.programme_id,
        p.province,
        p.kind,
        p.title,
        p.title_en,
        p.period_start,
        p.period_end,
        p.decision_ref,
        p.decision_date,
        p.stated_total_mvnd,
        l.lines_total_mvnd,
        coalesce(l.n_tasks, 0) as n_tasks,
        coalesce(f.n_findings, 0) as n_findings,
        p.source_file,
        p.source_line
    from programmes as p
    left join lines as l using (programme_id)
    left join findings as f using (programme_id)
)

select * from final
order by province collate vi, period_start, programme_id
