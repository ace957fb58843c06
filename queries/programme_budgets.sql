-- programme_budgets: each programme's planned, allocated and disbursed budget, and the planned
--                    budget in constant prices of one year.
-- grain: one row per programme.
-- params: $price_year (integer, or null for the latest year with a CPI figure).
-- sources: programmes (stated totals), budget_execution, budget_lines, cpi, execution_years.
-- Real terms: each year's amount x index(price_year) / index(year), the index chaining the
-- annual CPI changes from 2010 = 1. A programme without yearly lines is spread evenly over its
-- period (real_basis says so). Years without a CPI figure are listed in cpi_missing_years and
-- then planned_real_mvnd is null: a gap is shown, never filled.
-- planned/allocated/disbursed_mvnd are a results report's whole-period figures (001:5); the
-- yearly figures (execution_years) give the *_to_date columns: the years reported so far, at
-- the scope they cover (execution_basis, execution_covered), against the plan of that scope.
with cpi_index as (
    select 2010 as year, 1.0 as idx
    union all
    select
        year,
        exp(sum(ln(1 + cpi_change_pct / 100)) over (order by year)) as idx
    from cpi
),

price as (
    select coalesce($price_year, (select max(year) from cpi)) as price_year
),

yearly as (
    -- programmes with task-year lines
    select programme_id, year, sum(amount_mvnd) as amount_mvnd, 'yearly_lines' as real_basis
    from budget_lines
    group by programme_id, year
    union all
    -- programmes known only by a total: even spread over the period (an assumption, labelled)
    select
        p.programme_id,
        y.year,
        coalesce(e.amount_mvnd, p.stated_total_mvnd) / (p.period_end - p.period_start + 1),
        'even_spread' as real_basis
    from programmes as p
    left join budget_execution as e
        on
            e.programme_id = p.programme_id
            and e.measure = 'planned'
            and e.year is null
            and e.section_code is null
            and e.task_code is null
    cross join lateral (select unnest(range(p.period_start, p.period_end + 1)) as year) as y
    where
        p.programme_id not in (select programme_id from budget_lines)
        and coalesce(e.amount_mvnd, p.stated_total_mvnd) is not null
),

real_terms as (
    select
        y.programme_id,
        any_value(y.real_basis) as real_basis,
        any_value(pr.price_year) as price_year,
        sum(y.amount_mvnd) as yearly_sum_mvnd,
        sum(y.amount_mvnd * pi.idx / yi.idx) as real_known_mvnd,
        string_agg(case when yi.idx is null or pi.idx is null then y.year::varchar end, ',' order by y.year)
            as cpi_missing_years
    from yearly as y
    cross join price as pr
    left join cpi_index as yi on yi.year = y.year
    left join cpi_index as pi on pi.year = pr.price_year
    group by y.programme_id
),

execution as (
    select
        programme_id,
        max(amount_mvnd) filter (where measure = 'planned') as planned_mvnd,
        max(amount_mvnd) filter (where measure = 'allocated') as allocated_mvnd,
        max(amount_mvnd) filter (where measure = 'disbursed') as disbursed_mvnd
    from budget_execution
    -- the whole period's figures; a year's, a section's or a task's are execution_years'
    where year is null and section_code is null and task_code is null
    group by programme_id
),

reported_years as (
    select
        programme_id,
        min(year) as first_year,
        max(year) as last_year
    from execution_years
    where scope = 'programme' and (allocated_mvnd is not null or disbursed_mvnd is not null)
    group by programme_id
),

to_date as (
    -- the yearly figures up to the last year reported
    select
        x.programme_id,
        x.basis as execution_basis,
        x.covered as execution_covered,
        r.first_year as execution_first_year,
        r.last_year as execution_last_year,
        x.cum_planned_mvnd as planned_to_date_mvnd,
        x.cum_allocated_mvnd as allocated_to_date_mvnd,
        x.cum_disbursed_mvnd as disbursed_to_date_mvnd,
        x.period_planned_mvnd as execution_period_planned_mvnd,
        x.cum_disbursed_pct_of_planned as disbursed_to_date_pct_of_planned,
        x.cum_disbursed_pct_of_period as disbursed_to_date_pct_of_period
    from execution_years as x
    inner join reported_years as r
        on r.programme_id = x.programme_id and r.last_year = x.year
    where x.scope = 'programme'
),

lines as (
    select programme_id, sum(amount_mvnd) as lines_total_mvnd
    from budget_lines
    group by programme_id
),

final as (
    select
        p.programme_id,
        p.province,
        p.period_start,
        p.period_end,
        -- a programme whose document states no total (an import, a plan table only) is planned
        -- at the sum of its budget lines; planned_basis says which
        coalesce(e.planned_mvnd, p.stated_total_mvnd, l.lines_total_mvnd) as planned_mvnd,
        case
            when e.planned_mvnd is not null then 'execution_report'
            when p.stated_total_mvnd is not null then 'stated_total'
            when l.lines_total_mvnd is not null then 'budget_lines'
        end as planned_basis,
        p.stated_total_mvnd,
        l.lines_total_mvnd,
        e.allocated_mvnd,
        e.disbursed_mvnd,
        100.0 * e.allocated_mvnd
        / nullif(coalesce(e.planned_mvnd, p.stated_total_mvnd, l.lines_total_mvnd), 0)
            as allocated_pct_of_planned,
        100.0 * e.disbursed_mvnd
        / nullif(coalesce(e.planned_mvnd, p.stated_total_mvnd, l.lines_total_mvnd), 0)
            as disbursed_pct_of_planned,
        100.0 * e.disbursed_mvnd / nullif(e.allocated_mvnd, 0) as disbursed_pct_of_allocated,
        case when r.cpi_missing_years is null then r.real_known_mvnd end as planned_real_mvnd,
        r.real_known_mvnd as planned_real_known_mvnd,
        r.cpi_missing_years,
        r.real_basis,
        coalesce(r.price_year, (select price_year from price)) as price_year,
        d.execution_basis,
        d.execution_covered,
        d.execution_first_year,
        d.execution_last_year,
        d.planned_to_date_mvnd,
        d.allocated_to_date_mvnd,
        d.disbursed_to_date_mvnd,
        d.execution_period_planned_mvnd,
        d.disbursed_to_date_pct_of_planned,
        d.disbursed_to_date_pct_of_period
    from programmes as p
    left join execution as e using (programme_id)
    left join lines as l using (programme_id)
    left join real_terms as r using (programme_id)
    left join to_date as d using (programme_id)
)

select * from final
order by programme_id
