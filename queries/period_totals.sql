-- period_totals: the periods a province's programmes are compared over, in a boundary view: every
--                listed period (data/reference/periods.csv) from the province's first programme
--                on, with the programmes it holds, which provinces as issued they come from and
--                which provinces now in it have none.
-- grain: one row per province (in that view) and period.
-- params: $boundary, $province ('current' | 'as_issued'; a name in that view, or null for every
--         province).
-- sources: programmes, programme_provinces, periods, provinces.
-- A period with no programme (2026-2030 before it is adopted) is a row with n_programmes = 0:
-- the next period is a row of periods.csv, not code. summed_from: the provinces as issued whose
-- programmes the period sums (null when it is one province under its own name); missing_from:
-- the provinces now in the province with no programme in a period before 1/7/2025. Both are
-- null under 'as_issued'. Programmes are placed in periods as in period_programmes.
with in_view as (
    select
        p.programme_id,
        p.period_start,
        p.period_end,
        v.province,
        v.province_as_issued
    from programmes as p
    inner join programme_provinces as v
        on v.programme_id = p.programme_id and v.boundary = $boundary
    where p.kind = 'khuyen_cong' and ($province is null or v.province = $province)
),

merger as (
    -- ISO dates: the text of a period's first day compares with it as the date would
    select max(changed_on)::varchar as merger_on from provinces
),

members as (
    -- the provinces as issued now in each province: itself for the 11 unchanged
    select
        successor as province,
        province as member
    from provinces
),

member_list as (
    select
        province,
        count(*) as n_members,
        string_agg(member, ', ' order by member collate vi) as members
    from members
    group by province
),

spans as (
    select period_start, period_end from periods
    union
    -- a programme outside every listed period forms a period of its own years
    select
        i.period_start,
        max(i.period_end) as period_end
    from in_view as i
    where not exists (
        select 1 from periods as r
        where i.period_start between r.period_start and r.period_end
    )
    group by i.period_start
),

placed as (
    -- the latest span starting by the programme's first year that still contains it
    select
        i.programme_id,
        i.province,
        i.province_as_issued,
        max(s.period_start) as in_period_start
    from in_view as i
    inner join spans as s on i.period_start between s.period_start and s.period_end
    group by i.programme_id, i.province, i.province_as_issued
),

grid as (
    select
        v.province,
        s.period_start,
        s.period_end,
        s.period_start::varchar || '-01-01' < m.merger_on as before_merger
    from (select province, min(in_period_start) as first_start from placed group by province) as v
    inner join spans as s on s.period_start >= v.first_start
    cross join merger as m
),

held as (
    select
        province,
        in_period_start as period_start,
        count(*) as n_programmes,
        string_agg(programme_id, ', ' order by programme_id) as programme_ids,
        string_agg(distinct province_as_issued, ', ' order by province_as_issued collate vi)
            as issued_from,
        count(*) filter (where province_as_issued <> province) as n_renamed,
        count(distinct province_as_issued) as n_issued
    from placed
    group by province, in_period_start
),

absent as (
    select
        g.province,
        g.period_start,
        string_agg(m.member, ', ' order by m.member collate vi) as missing_from,
        count(*) as n_missing
    from grid as g
    inner join members as m using (province)
    where
        $boundary = 'current'
        and g.before_merger
        and not exists (
            select 1 from placed as p
            where
                p.province = g.province
                and p.in_period_start = g.period_start
                and p.province_as_issued = m.member
        )
    group by g.province, g.period_start
),

final as (
    select
        g.province,
        g.period_start,
        g.period_end,
        g.period_start::varchar || '-' || g.period_end::varchar as period_label,
        g.before_merger,
        coalesce(h.n_programmes, 0) as n_programmes,
        h.programme_ids,
        case
            when $boundary = 'current' and (h.n_issued > 1 or h.n_renamed > 0) then h.issued_from
        end as summed_from,
        a.missing_from,
        coalesce(a.n_missing, 0) as n_missing,
        coalesce(l.n_members, 1) as n_members,
        coalesce(l.members, g.province) as members
    from grid as g
    left join held as h using (province, period_start)
    left join absent as a using (province, period_start)
    left join member_list as l using (province)
)

select * from final
order by province collate vi, period_start
