-- quality_unprinted_cells: budget cells the document does not print: empty cells read as 0
--                          ('blank') and cells computed from the row total ('derived').
-- grain: one row per programme, task and year whose amount is not printed.
-- params: $programme_id (text, or null for every programme).
-- sources: budget_amounts, tasks, programmes.
with cells as (
    select * from budget_amounts
    where basis in ('blank', 'derived') and ($programme_id is null or programme_id = $programme_id)
),

final as (
    select
        c.programme_id,
        p.province,
        t.section_code,
        c.task_code,
        t.task_name,
        c.year,
        c.basis,
        c.amount_mvnd,
        c.note,
        c.source_file,
        c.source_line,
        t.csv_line as task_order
    from cells as c
    inner join tasks as t using (programme_id, task_code)
    inner join programmes as p using (programme_id)
)

select * from final
order by programme_id, task_order, year
