-- support_establishment_cells: support records summed per establishment, province written,
--                              content area and year; the pre-aggregate
--                              support_top_establishments reads when the filter holds few
--                              records.
-- grain: one row per (establishment_no, province, content_area, year) of the records not
--        cancelled; content_area as in support_cells.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map, support_establishments (the number).
-- An establishment may have records written under two provinces (an old one before 1/7/2025,
-- its successor since), hence the province in the grain: a filter on provinces sums only the
-- records written there. Stored by content area, province and year, so a scan for one area or
-- one province skips most of the table by its zone maps.
with records as (
    select
        e.establishment_no,
        r.province,
        coalesce(r.content_area, m.content_area) as content_area,
        r.year,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    inner join support_establishments as e using (establishment_id)
    left join content_area_map as m using (programme_id, task_code)
    where r.status != 'cancelled'
),

final as (
    select
        establishment_no,
        province,
        content_area,
        year,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by establishment_no, province, content_area, year
)

select * from final
order by content_area, province, year, establishment_no
