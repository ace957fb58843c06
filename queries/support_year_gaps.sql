-- support_year_gaps: how many establishments of a province had support records in a year, by
--                    the previous year they had any (in any content area, or in the same area);
--                    lets support_by_province count distinct establishments for any year range
--                    without reading the records.
-- grain: one row per (province, per_area, content_area, year, prev_year); per_area = false
--        counts over all content areas (content_area null), per_area = true within each
--        content area (null = records whose task has no content area).
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records, content_area_map.
-- An establishment (province, establishment name) has records in [y0, y1] exactly when one of
-- its record years lies in the range with the previous record year before y0 (or none), so
-- sum(establishments) over year between y0 and y1 and (prev_year is null or prev_year < y0)
-- counts each such establishment once.
with records as (
    select
        r.province,
        r.establishment,
        r.year,
        m.content_area
    from support_records as r
    left join content_area_map as m using (programme_id, task_code)
),

any_area as (
    select
        province,
        year,
        lag(year) over (partition by province, establishment order by year) as prev_year
    from (select distinct province, establishment, year from records)
),

each_area as (
    select
        province,
        content_area,
        year,
        lag(year) over (
            partition by province, establishment, content_area order by year
        ) as prev_year
    from (select distinct province, establishment, content_area, year from records)
),

final as (
    select
        province,
        false as per_area,
        null::varchar as content_area,
        year,
        prev_year,
        count(*) as establishments
    from any_area
    group by province, year, prev_year
    union all
    select
        province,
        true as per_area,
        content_area,
        year,
        prev_year,
        count(*) as establishments
    from each_area
    group by province, content_area, year, prev_year
)

select * from final
order by per_area, content_area, province, year, prev_year
