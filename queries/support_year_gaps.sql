-- support_year_gaps: how many establishments of a province had support records in a year, by
--                    the previous year they had any (in any content area, or in the same area);
--                    lets support_by_province count distinct establishments for any year range
--                    without reading the records.
-- grain: one row per (boundary, province, per_area, content_area, year, prev_year); boundary
--        'as_issued' keys each record by the province written on it, 'current' by that
--        province's successor since 1/7/2025; per_area = false counts over all content areas
--        (content_area null), per_area = true within each content area (as in support_cells).
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map, provinces.
-- An establishment is its establishment_id (one across rows, years and imports); cancelled
-- records are not counted. It has records in [y0, y1] exactly when one of its record years lies
-- in the range with the previous record year before y0 (or none), so sum(establishments) over
-- year between y0 and y1 and (prev_year is null or prev_year < y0) counts each such
-- establishment once. Both views are kept, as one establishment may have records written under
-- an old province and under its successor (made before and since 1/7/2025): under 'current' it
-- is one establishment of the successor, under 'as_issued' one of each province.
with names as (
    select province as written, successor from provinces
),

records as (
    select
        r.province,
        coalesce(n.successor, r.province) as successor,
        r.establishment_id,
        r.year,
        coalesce(r.content_area, m.content_area) as content_area
    from support_records as r
    left join content_area_map as m using (programme_id, task_code)
    left join names as n on n.written = r.province
    where r.status != 'cancelled'
),

placed as (
    select distinct 'as_issued' as boundary, province, establishment_id, content_area, year
    from records
    union all
    select distinct 'current' as boundary, successor, establishment_id, content_area, year
    from records
),

any_area as (
    select
        boundary,
        province,
        year,
        lag(year) over (
            partition by boundary, province, establishment_id order by year
        ) as prev_year
    from (select distinct boundary, province, establishment_id, year from placed)
),

each_area as (
    select
        boundary,
        province,
        content_area,
        year,
        lag(year) over (
            partition by boundary, province, establishment_id, content_area order by year
        ) as prev_year
    from placed
),

final as (
    select
        boundary,
        province,
        false as per_area,
        null::varchar as content_area,
        year,
        prev_year,
        count(*) as establishments
    from any_area
    group by boundary, province, year, prev_year
    union all
    select
        boundary,
        province,
        true as per_area,
        content_area,
        year,
        prev_year,
        count(*) as establishments
    from each_area
    group by boundary, province, content_area, year, prev_year
)

select * from final
order by boundary, per_area, content_area, province, year, prev_year
