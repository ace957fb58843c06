-- programme_provinces: every programme under the province it was issued by and under the
--                      province it belongs to since 1/7/2025 (Nghị quyết 202/2025/QH15), so a
--                      comparison can be drawn "như văn bản" or "theo địa giới hiện nay".
-- grain: one row per programme and boundary view ('as_issued', 'current').
-- params: none (materialised as a table at build).
-- sources: programmes, provinces (vietnamadminunits).
-- A programme starting before 1/7/2025 is an old province's: under the current boundaries it
-- counts under that province's successor. One starting later names one of the 34 (checked at
-- build), whose successor is itself. `members` lists every old province now in the successor,
-- so a comparison can say which of them a summed figure lacks.
with merger as (
    select max(changed_on) as merger_date from provinces
),

members as (
    select successor, list(province order by province) as members
    from provinces
    group by successor
),

issued as (
    select
        p.programme_id,
        p.province as province_as_issued,
        r.code_before as code_as_issued,
        r.status,
        r.successor,
        r.successor_code,
        make_date(p.period_start, 1, 1) < m.merger_date as before_merger
    from programmes as p
    inner join provinces as r on r.province = p.province
    cross join merger as m
),

views as (
    select *, 'as_issued' as boundary, province_as_issued as province from issued
    union all
    select *, 'current' as boundary, successor as province from issued
),

final as (
    select
        v.programme_id,
        v.boundary,
        v.province,
        v.province_as_issued,
        v.code_as_issued,
        v.status,
        v.successor,
        v.successor_code,
        v.before_merger,
        m.members
    from views as v
    inner join members as m using (successor)
)

select * from final
