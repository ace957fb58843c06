-- execution_years: each programme's plan year by year beside what its results reports say was
--                  allocated (kế hoạch vốn giao, dự toán giao) and disbursed (giải ngân) that
--                  year: the ratios, the figures to date against the five-year plan, and the
--                  document's own disbursement rate beside the computed one.
-- grain: one row per programme, scope and year. Scope 'programme' (section_code null): every
--        year of its plan or of a yearly figure; scope 'section': each section a report gives
--        figures for (its own rows or its tasks'), for the years of its plan or figures.
-- params: none (materialised as a table at build).
-- sources: budget_execution (rows with a year: allocated, disbursed), tasks, sections,
--          budget_lines, percentage_checks.
-- A scope's figures are its own rows where a report gives them, else the sum of its sections'
-- rows, else of its tasks' (basis: 'programme', 'section', 'task'; covered lists the sections or
-- tasks summed). They are set against the plan of exactly what they cover (planned_mvnd; the
-- scope's whole plan is scope_planned_mvnd): two sections reported are never compared with the
-- plan of five. The figures to date (cum_*) add the years up to this one and stop after the
-- last year reported; period_planned_mvnd is the plan of what is covered over every year. The
-- plan is the budget lines: a yearly 'planned' row of budget_execution is not read.
with reported as (
    select
        e.programme_id,
        e.year,
        coalesce(e.section_code, t.section_code) as section_code,
        e.task_code,
        case
            when e.task_code is not null then 2
            when coalesce(e.section_code, t.section_code) is not null then 1
            else 0
        end as level,
        e.measure,
        e.amount_mvnd,
        e.source_file,
        e.source_line
    from budget_execution as e
    left join tasks as t on t.programme_id = e.programme_id and t.task_code = e.task_code
    where e.year is not null and e.measure in ('allocated', 'disbursed')
),

scoped as (
    -- every row counts for its programme; a section's or a task's row for its section too
    select
        'programme' as scope,
        cast(null as varchar) as scope_code,
        r.*
    from reported as r
    union all
    select
        'section' as scope,
        r.section_code as scope_code,
        r.*
    from reported as r
    where r.level >= 1
),

levels as (
    -- the coarsest rows a scope is reported by: its own first
    select
        programme_id,
        scope,
        scope_code,
        min(level) as level
    from scoped
    group by programme_id, scope, scope_code
),

kept as (
    select s.*
    from scoped as s
    inner join levels as l
        on
            l.programme_id = s.programme_id
            and l.scope = s.scope
            and l.scope_code is not distinct from s.scope_code
            and l.level = s.level
),

covered as (
    -- what the kept rows cover: the whole programme, some sections or some tasks
    select distinct
        programme_id,
        scope,
        scope_code,
        level,
        section_code,
        task_code
    from kept
),

planned_covered as (
    select
        c.programme_id,
        c.scope,
        c.scope_code,
        b.year,
        sum(b.amount_mvnd) as planned_mvnd
    from covered as c
    inner join budget_lines as b
        on
            b.programme_id = c.programme_id
            and (
                c.level = 0
                or (c.level = 1 and b.section_code = c.section_code)
                or (c.level = 2 and b.task_code = c.task_code)
            )
    group by c.programme_id, c.scope, c.scope_code, b.year
),

scope_plan as (
    -- the whole plan of each scope, year by year
    select
        programme_id,
        'programme' as scope,
        cast(null as varchar) as scope_code,
        year,
        sum(amount_mvnd) as scope_planned_mvnd
    from budget_lines
    group by programme_id, year
    union all
    select
        b.programme_id,
        'section' as scope,
        b.section_code as scope_code,
        b.year,
        sum(b.amount_mvnd) as scope_planned_mvnd
    from budget_lines as b
    inner join levels as l
        on
            l.programme_id = b.programme_id
            and l.scope = 'section'
            and l.scope_code = b.section_code
    group by b.programme_id, b.section_code, b.year
),

figures as (
    select
        programme_id,
        scope,
        scope_code,
        year,
        sum(amount_mvnd) filter (where measure = 'allocated') as allocated_mvnd,
        sum(amount_mvnd) filter (where measure = 'disbursed') as disbursed_mvnd
    from kept
    group by programme_id, scope, scope_code, year
),

lines_cited as (
    select distinct
        programme_id,
        scope,
        scope_code,
        year,
        source_file,
        source_line
    from kept
),

cited as (
    -- the report's rows each year's figures come from (the user's row numbers of an import)
    select
        programme_id,
        scope,
        scope_code,
        year,
        min(source_file) as source_file,
        string_agg(source_line, ';' order by try_cast(source_line as integer), source_line)
            as source_lines
    from lines_cited
    group by programme_id, scope, scope_code, year
),

covered_codes as (
    -- the sections or tasks a scope's figures add up, where they are not its own rows
    select
        c.programme_id,
        c.scope,
        c.scope_code,
        string_agg(coalesce(c.task_code, c.section_code), ', ' order by s.csv_line, t.csv_line)
            as covered
    from covered as c
    left join sections as s
        on s.programme_id = c.programme_id and s.section_code = c.section_code
    left join tasks as t
        on t.programme_id = c.programme_id and t.task_code = c.task_code
    where c.level > case c.scope when 'programme' then 0 else 1 end
    group by c.programme_id, c.scope, c.scope_code
),

stated as (
    -- the document's own disbursement rate (giải ngân / vốn giao) of one scope and year; the
    -- worst status first when a report states two ('differs' < 'not_checkable' < 'ok')
    select
        programme_id,
        year,
        section_code,
        min(printed_text) as stated_pct_text,
        min(stated_pct) as stated_disbursed_pct_of_allocated,
        min(status) as stated_status
    from percentage_checks
    where
        numerator = 'disbursed'
        and denominator = 'allocated'
        and year is not null
        and task_code is null
    group by programme_id, year, section_code
),

spine as (
    select
        programme_id,
        scope,
        scope_code,
        year
    from scope_plan
    union
    select
        programme_id,
        scope,
        scope_code,
        year
    from figures
),

joined as (
    select
        y.programme_id,
        y.scope,
        y.scope_code as section_code,
        s.csv_line as section_order,
        y.year,
        case l.level when 0 then 'programme' when 1 then 'section' when 2 then 'task' end
            as basis,
        cc.covered,
        p.scope_planned_mvnd,
        -- a scope without figures is planned at its whole plan
        case when l.level is null then p.scope_planned_mvnd else pc.planned_mvnd end
            as planned_mvnd,
        f.allocated_mvnd,
        f.disbursed_mvnd,
        st.stated_pct_text,
        st.stated_disbursed_pct_of_allocated,
        st.stated_status,
        c.source_file,
        c.source_lines,
        max(f.year) over (partition by y.programme_id, y.scope, y.scope_code)
            as last_reported_year
    from spine as y
    left join levels as l
        on
            l.programme_id = y.programme_id
            and l.scope = y.scope
            and l.scope_code is not distinct from y.scope_code
    left join sections as s
        on s.programme_id = y.programme_id and s.section_code = y.scope_code
    left join scope_plan as p
        on
            p.programme_id = y.programme_id
            and p.scope = y.scope
            and p.scope_code is not distinct from y.scope_code
            and p.year = y.year
    left join planned_covered as pc
        on
            pc.programme_id = y.programme_id
            and pc.scope = y.scope
            and pc.scope_code is not distinct from y.scope_code
            and pc.year = y.year
    left join figures as f
        on
            f.programme_id = y.programme_id
            and f.scope = y.scope
            and f.scope_code is not distinct from y.scope_code
            and f.year = y.year
    left join covered_codes as cc
        on
            cc.programme_id = y.programme_id
            and cc.scope = y.scope
            and cc.scope_code is not distinct from y.scope_code
    left join cited as c
        on
            c.programme_id = y.programme_id
            and c.scope = y.scope
            and c.scope_code is not distinct from y.scope_code
            and c.year = y.year
    -- a stated rate belongs to a scope's own rows: the programme's, or the section's
    left join stated as st
        on
            st.programme_id = y.programme_id
            and st.year = y.year
            and st.section_code is not distinct from y.scope_code
            and l.level = case y.scope when 'programme' then 0 else 1 end
),

cumulative as (
    select
        *,
        sum(planned_mvnd) over (
            partition by programme_id, scope, section_code order by year
        ) as cum_planned_mvnd,
        case when year <= last_reported_year then sum(allocated_mvnd) over (
            partition by programme_id, scope, section_code order by year
        ) end as cum_allocated_mvnd,
        case when year <= last_reported_year then sum(disbursed_mvnd) over (
            partition by programme_id, scope, section_code order by year
        ) end as cum_disbursed_mvnd,
        sum(planned_mvnd) over (partition by programme_id, scope, section_code)
            as period_planned_mvnd
    from joined
),

final as (
    select
        programme_id,
        scope,
        section_code,
        section_order,
        year,
        basis,
        covered,
        scope_planned_mvnd,
        planned_mvnd,
        allocated_mvnd,
        disbursed_mvnd,
        100.0 * allocated_mvnd / nullif(planned_mvnd, 0) as allocated_pct_of_planned,
        100.0 * disbursed_mvnd / nullif(planned_mvnd, 0) as disbursed_pct_of_planned,
        100.0 * disbursed_mvnd / nullif(allocated_mvnd, 0) as disbursed_pct_of_allocated,
        stated_pct_text,
        stated_disbursed_pct_of_allocated,
        stated_status,
        cum_planned_mvnd,
        cum_allocated_mvnd,
        cum_disbursed_mvnd,
        period_planned_mvnd,
        100.0 * cum_disbursed_mvnd / nullif(cum_planned_mvnd, 0) as cum_disbursed_pct_of_planned,
        100.0 * cum_disbursed_mvnd / nullif(cum_allocated_mvnd, 0)
            as cum_disbursed_pct_of_allocated,
        100.0 * cum_disbursed_mvnd / nullif(period_planned_mvnd, 0)
            as cum_disbursed_pct_of_period,
        last_reported_year,
        source_file,
        source_lines
    from cumulative
)

select * from final
order by programme_id, scope, section_order, year
