-- quality_check_counts: how many stated totals and stated percentages were checked, by outcome.
-- grain: one row per programme and family of check ('total' or 'percentage').
-- params: $programme_id (text, or null for every programme).
-- sources: total_checks, percentage_checks, programmes.
with checks as (
    select programme_id, 'total' as family, status from total_checks
    union all
    select programme_id, 'percentage' as family, status from percentage_checks
),

final as (
    select
        c.programme_id,
        p.province,
        c.family,
        count(*) as n_checks,
        count(*) filter (where c.status = 'ok') as n_ok,
        count(*) filter (where c.status = 'differs') as n_differs,
        count(*) filter (where c.status = 'not_checkable') as n_not_checkable
    from checks as c
    inner join programmes as p using (programme_id)
    where $programme_id is null or c.programme_id = $programme_id
    group by c.programme_id, p.province, c.family
)

select * from final
order by programme_id, family
