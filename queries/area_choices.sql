-- area_choices: the content areas and programme sections a user can filter on.
-- grain: one row per (mode, programme, code): common content areas once with no programme,
--        each programme's own sections once per programme.
-- params: none.
-- sources: content_areas (the latest list whose items the data holds), content_area_lists,
--          sections.
with latest as (
    select list_id
    from content_area_lists
    where list_known = 'yes'
    order by valid_from desc
    limit 1
),

common as (
    select 'content_area' as mode, null as programme_id, code, name_vi, name_en, code as sort_key
    from content_areas
    where list_id = (select list_id from latest)
),

own as (
    select
        'section' as mode,
        programme_id,
        section_code as code,
        section_name as name_vi,
        section_name as name_en,
        lpad(csv_line::varchar, 6, '0') as sort_key
    from sections
),

final as (
    select * from common
    union all
    select * from own
)

select * from final
order by mode, programme_id, sort_key
