-- target_page_programmes: every programme with how many reported results it has, for the
--                         targets page's programme choice and its "no results" notice.
-- grain: one row per programme.
-- params: none.
-- sources: programmes, target_results.
with counts as (
    select
        programme_id,
        count(*) as n_results,
        count(target_basis) as n_with_target
    from target_results
    group by programme_id
),

final as (
    select
        p.programme_id,
        p.province,
        p.title,
        p.title_en,
        p.period_start,
        p.period_end,
        coalesce(c.n_results, 0) as n_results,
        coalesce(c.n_with_target, 0) as n_with_target
    from programmes as p
    left join counts as c using (programme_id)
)

select * from final
order by province collate vi, period_start, programme_id
