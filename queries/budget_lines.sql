-- budget_lines: the budget of every task for every year, with its section and content area.
-- grain: one row per programme, task, year and funding source (funding_source null = the
--        document does not say who pays the line).
-- params: none (materialised as a table at build).
-- sources: budget_amounts (printed or derived cells), tasks, sections, content_area_map.
with amounts as (
    select * from budget_amounts
),

tasks as (
    select * from tasks
),

final as (
    select
        a.programme_id,
        t.section_code,
        s.section_name,
        a.task_code,
        t.task_name,
        m.content_area,
        a.year,
        a.amount_mvnd,
        a.amount_printed,
        a.basis as amount_basis,
        a.funding_source,
        a.quantity,
        t.unit as quantity_unit,
        a.source_file,
        a.source_line,
        s.csv_line as section_order,
        t.csv_line as task_order
    from amounts as a
    inner join tasks as t using (programme_id, task_code)
    inner join sections as s using (programme_id, section_code)
    left join content_area_map as m using (programme_id, task_code)
)

select * from final
order by programme_id, section_order, task_order, year, funding_source
