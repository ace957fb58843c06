-- support_establishment_cells: support records summed per establishment, content area and year;
--                              the pre-aggregate support_top_establishments reads when the
--                              filter holds few records.
-- grain: one row per (establishment_id, content_area, year); content_area is null for records
--        whose task has no content area in content_area_map.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map, support_establishments (the number).
-- Stored by content area, province and year, so a scan for one area or one province skips most
-- of the table by its zone maps.
with records as (
    select
        e.establishment_id,
        r.province,
        m.content_area,
        r.year,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    inner join support_establishments as e using (province, establishment)
    left join content_area_map as m using (programme_id, task_code)
),

final as (
    select
        establishment_id,
        province,
        content_area,
        year,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by establishment_id, province, content_area, year
)

select * from final
order by content_area, province, year, establishment_id
