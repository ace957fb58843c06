-- support_plan_checks: support paid under a programme set against what its plan budgets for the
--                      same year and task (and funding source where the plan states one), with a
--                      finding where the two disagree.
-- grain: one row per programme, year, task (null = records that name only a content area) and
--        funding source (null unless the plan's cells of that task and year state sources)
--        with support records.
-- params: $programme_id (a programme, or null = all).
-- sources: support_programme_cells (the pre-aggregate of support_records by programme, year,
--          task, source, status and file), budget_amounts, tasks.
-- amount_mvnd is the support of the records not cancelled; cancelled ones are counted in
-- cancelled_records, never summed. planned_mvnd is the plan's budget cells of the same task and
-- year (budget_amounts; 0 when the plan budgets the year but not the task in it), by funding
-- source when any cell of that task-year names one (a record without a source is then set
-- against the cells without one); null where nothing can be planned (see finding).
-- finding, the first that applies, only for groups with records not cancelled:
--   'no_plan_year'     the programme's plan has no budget cell in that year;
--   'no_task'          the records name no task, only a content area (one row per
--                      programme-year): they cannot be set against a task's budget;
--   'task_not_in_plan' the task code is not one of the programme's tasks;
--   'above_plan'       support above what is planned (compared rounded to 1 đồng);
--   null               within the plan.
-- executed_pct = 100 * support / planned (null when nothing or 0 is planned). source_file and
-- source_line cite the group's first record (the file first by name, its lowest row, header =
-- row 1); n_files counts the files, import_ids names the imports (null for synthetic records).
with records as (
    -- the records' sums by file: the rest reads these (a few per programme-year-task)
    select
        programme_id,
        year,
        task_code,
        funding_source,
        source_file,
        import_id,
        coalesce(sum(records) filter (where status != 'cancelled'), 0)::bigint as records,
        coalesce(sum(records) filter (where status = 'cancelled'), 0)::bigint
            as cancelled_records,
        sum(amount_mvnd) filter (where status != 'cancelled') as amount_mvnd,
        min(source_line) as source_line
    from support_programme_cells
    where $programme_id is null or programme_id = $programme_id
    group by programme_id, year, task_code, funding_source, source_file, import_id
),

cells as (
    -- the plan's budget of each task, year and funding source
    select
        programme_id,
        task_code,
        year,
        funding_source,
        sum(amount_mvnd) as planned_mvnd
    from budget_amounts
    where $programme_id is null or programme_id = $programme_id
    group by programme_id, task_code, year, funding_source
),

split as (
    -- the task-years whose cells say who pays: records are set against them source by source
    select
        programme_id,
        task_code,
        year,
        max(case when funding_source is null then 0 else 1 end) as by_source
    from cells
    group by programme_id, task_code, year
),

plan_years as (
    select distinct
        programme_id,
        year
    from cells
),

keyed as (
    select
        r.*,
        case when s.by_source = 1 then r.funding_source end as source_key
    from records as r
    left join split as s
        on s.programme_id = r.programme_id and s.task_code = r.task_code and s.year = r.year
),

groups as (
    select
        programme_id,
        year,
        task_code,
        source_key,
        sum(records)::bigint as records,
        sum(cancelled_records)::bigint as cancelled_records,
        coalesce(sum(amount_mvnd), 0) as amount_mvnd,
        count(distinct source_file) as n_files,
        string_agg(distinct import_id, ', ' order by import_id) as import_ids
    from keyed
    group by programme_id, year, task_code, source_key
),

files as (
    -- each group's files with their first row, the first file by name picked below
    select
        programme_id,
        year,
        task_code,
        source_key,
        source_file,
        min(source_line) as source_line,
        row_number() over (
            partition by programme_id, year, task_code, source_key
            order by source_file nulls last
        ) as pick
    from keyed
    group by programme_id, year, task_code, source_key, source_file
),

compared as (
    select
        g.programme_id,
        g.year,
        g.task_code,
        t.task_name,
        g.source_key as funding_source,
        g.records,
        g.cancelled_records,
        g.amount_mvnd,
        case
            when y.year is not null and t.task_code is not null
                then coalesce(c.planned_mvnd, 0)
        end as planned_mvnd,
        y.year is not null as plan_year,
        g.n_files,
        g.import_ids,
        f.source_file,
        f.source_line
    from groups as g
    left join plan_years as y on y.programme_id = g.programme_id and y.year = g.year
    left join tasks as t on t.programme_id = g.programme_id and t.task_code = g.task_code
    left join cells as c
        on
            c.programme_id = g.programme_id
            and c.task_code = g.task_code
            and c.year = g.year
            and c.funding_source is not distinct from g.source_key
    left join files as f
        on
            f.programme_id = g.programme_id
            and f.year = g.year
            and f.task_code is not distinct from g.task_code
            and f.source_key is not distinct from g.source_key
            and f.pick = 1
),

final as (
    select
        programme_id,
        year,
        task_code,
        task_name,
        funding_source,
        records,
        cancelled_records,
        amount_mvnd,
        planned_mvnd,
        amount_mvnd - planned_mvnd as difference_mvnd,
        100.0 * amount_mvnd / nullif(planned_mvnd, 0) as executed_pct,
        case
            when records = 0 then null
            when not plan_year then 'no_plan_year'
            when task_code is null then 'no_task'
            when planned_mvnd is null then 'task_not_in_plan'
            when round(amount_mvnd, 6) > round(planned_mvnd, 6) then 'above_plan'
        end as finding,
        n_files,
        import_ids,
        source_file,
        source_line
    from compared
)

select * from final
order by programme_id, year, task_code nulls first, funding_source nulls first
