-- programme_budget_years: one programme's plan against what was allocated and disbursed, year
--                         by year: the ratios, the figures to date against the five-year plan
--                         and the document's own disbursement rate beside the computed one.
-- grain: one row per programme, scope ('programme', then each section a report gives) and year.
-- params: $programme_id (text or null for every programme).
-- sources: execution_years, sections.
-- planned_mvnd is the plan of what the figures cover (basis, covered); scope_planned_mvnd the
-- scope's whole plan. has_figures: whether any year of the scope is reported at all.
with chosen as (
    select * from execution_years
    where $programme_id is null or programme_id = $programme_id
),

final as (
    select
        c.programme_id,
        c.scope,
        c.section_code,
        s.section_name,
        c.year,
        c.basis,
        c.covered,
        c.scope_planned_mvnd,
        c.planned_mvnd,
        c.allocated_mvnd,
        c.disbursed_mvnd,
        c.allocated_pct_of_planned,
        c.disbursed_pct_of_planned,
        c.disbursed_pct_of_allocated,
        c.stated_pct_text,
        c.stated_disbursed_pct_of_allocated,
        c.stated_status,
        c.cum_planned_mvnd,
        c.cum_allocated_mvnd,
        c.cum_disbursed_mvnd,
        c.period_planned_mvnd,
        c.cum_disbursed_pct_of_planned,
        c.cum_disbursed_pct_of_allocated,
        c.cum_disbursed_pct_of_period,
        c.last_reported_year,
        c.last_reported_year is not null as has_figures,
        c.source_file,
        c.source_lines,
        c.section_order
    from chosen as c
    left join sections as s
        on s.programme_id = c.programme_id and s.section_code = c.section_code
)

select * from final
order by programme_id, scope, section_order, year
