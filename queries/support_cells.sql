-- support_cells: support records summed by province, year and common content area; the
--                pre-aggregate the support_* queries read instead of the records themselves.
-- grain: one row per (province, year, content_area); content_area is null for records whose
--        task has no content area in content_area_map.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map.
-- A record's content area is its task's (content_area_map on programme_id, task_code).
with records as (
    select
        r.province,
        r.year,
        m.content_area,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join content_area_map as m using (programme_id, task_code)
),

final as (
    select
        province,
        year,
        content_area,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by province, year, content_area
)

select * from final
order by province, year, content_area
