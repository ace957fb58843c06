-- support_district_cells: support records summed by the place written on them (province,
--                         district, and for a record without a district its ward), year and
--                         common content area; the pre-aggregate of support_by_district.
-- grain: one row per (province, district, ward, year, content_area) of the records not
--        cancelled; district as written (null = not written: since 1/7/2025 there are no
--        districts); ward only for a record without a district: the ward or commune it belongs
--        to since 1/7/2025 (ward_current), else the commune as written, else null.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map.
-- content_area as in support_cells. A record with a district is counted under that district
-- only (its commune is not a level of this table), so a province's rows sum to its records.
with records as (
    select
        r.province,
        r.district,
        case when r.district is null then coalesce(r.ward_current, r.commune) end as ward,
        r.year,
        coalesce(r.content_area, m.content_area) as content_area,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join content_area_map as m using (programme_id, task_code)
    where r.status != 'cancelled'
),

final as (
    select
        province,
        district,
        ward,
        year,
        content_area,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by province, district, ward, year, content_area
)

select * from final
order by province, year, content_area, district, ward
