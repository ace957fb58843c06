-- support_cells: support records summed by province, year, common content area and funding
--                source; the pre-aggregate the support_* queries read instead of the records.
-- grain: one row per (province, year, content_area, funding_source) of the records not
--        cancelled; content_area null = a record with no area of its own whose task has none in
--        content_area_map; funding_source null = not written.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map.
-- A record's content area is the one written on it, else its task's (content_area_map on
-- programme_id, task_code). A cancelled record is kept in support_records and counted by
-- support_status_cells, never summed here.
with records as (
    select
        r.province,
        r.year,
        coalesce(r.content_area, m.content_area) as content_area,
        r.funding_source,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join content_area_map as m using (programme_id, task_code)
    where r.status != 'cancelled'
),

final as (
    select
        province,
        year,
        content_area,
        funding_source,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by province, year, content_area, funding_source
)

select * from final
order by province, year, content_area, funding_source
