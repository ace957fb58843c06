-- period_area_shares: each content area's amount and share of a province's budget lines per
--                     period, in a boundary view, nominal and in constant prices of one year.
-- grain: one row per province (in that view), period and content area (with its list).
-- params: $boundary, $province, $price_year ('current' | 'as_issued'; a name in that view, or
--         null for every province; a year, or null for the latest year with a CPI figure).
-- sources: budget_lines, programmes, programme_provinces, programme_content_lists,
--          content_areas, periods, provinces, cpi.
-- Real terms follow programme_budgets.sql word for word (cpi_index, price): each year's amount
-- x index(price_year) / index(year). A period with a year without a CPI figure has no real
-- amounts (null, the years in cpi_missing_years): a gap is shown, never filled. Shares are of
-- the document's cells by task, not of its stated total; a programme known only by a total has
-- no lines and no share. summed_from: the provinces as issued whose lines are summed (null for
-- one province under its own name); missing_from: provinces now in the province without lines
-- in a period before 1/7/2025 (no programme, or one without a budget by task). Both null under
-- 'as_issued'.
with cpi_index as (
    select 2010 as year, 1.0 as idx
    union all
    select
        year,
        exp(sum(ln(1 + cpi_change_pct / 100)) over (order by year)) as idx
    from cpi
),

price as (
    select coalesce($price_year, (select max(year) from cpi)) as price_year
),

in_view as (
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

lines as (
    select
        p.province,
        p.in_period_start,
        s.period_end as in_period_end,
        p.province_as_issued,
        l.programme_id,
        k.list_id,
        k.list_known,
        k.decree_in_force,
        k.decree_read,
        l.content_area,
        l.year,
        l.amount_mvnd,
        l.amount_mvnd * pi.idx / yi.idx as amount_real_mvnd,
        yi.idx is null or pi.idx is null as cpi_missing
    from budget_lines as l
    inner join placed as p using (programme_id)
    inner join spans as s on s.period_start = p.in_period_start
    inner join programme_content_lists as k using (programme_id)
    cross join price as pr
    left join cpi_index as yi on yi.year = l.year
    left join cpi_index as pi on pi.year = pr.price_year
),

periods_held as (
    select
        province,
        in_period_start,
        max(in_period_end) as in_period_end,
        sum(amount_mvnd) as period_total_mvnd,
        case when count(*) filter (where cpi_missing) = 0 then sum(amount_real_mvnd) end
            as period_total_real_mvnd,
        string_agg(
            distinct case when cpi_missing then year::varchar end,
            ','
            order by case when cpi_missing then year::varchar end
        ) as cpi_missing_years,
        string_agg(distinct programme_id, ', ' order by programme_id) as programme_ids,
        string_agg(distinct province_as_issued, ', ' order by province_as_issued collate vi)
            as issued_from,
        count(*) filter (where province_as_issued <> province) as n_renamed,
        count(distinct province_as_issued) as n_issued,
        count(*) filter (where not list_known) = 0 as list_known,
        string_agg(distinct decree_in_force, ', ' order by decree_in_force) as decree_in_force,
        string_agg(distinct decree_read, ', ' order by decree_read) as decree_read
    from lines
    group by province, in_period_start
),

absent as (
    -- provinces now in the province whose lines the period lacks (under 'current', before
    -- 1/7/2025): the successor's members from the provinces table
    select
        h.province,
        h.in_period_start,
        string_agg(r.province, ', ' order by r.province collate vi) as missing_from
    from periods_held as h
    inner join provinces as r on r.successor = h.province
    cross join merger as m
    where
        $boundary = 'current'
        and h.in_period_start::varchar || '-01-01' < m.merger_on
        and not exists (
            select 1 from lines as l
            where
                l.province = h.province
                and l.in_period_start = h.in_period_start
                and l.province_as_issued = r.province
        )
    group by h.province, h.in_period_start
),

areas as (
    select
        province,
        in_period_start,
        list_id,
        content_area,
        sum(amount_mvnd) as amount_mvnd,
        case when count(*) filter (where cpi_missing) = 0 then sum(amount_real_mvnd) end
            as amount_real_mvnd
    from lines
    group by province, in_period_start, list_id, content_area
),

final as (
    select
        a.province,
        a.in_period_start as period_start,
        h.in_period_end as period_end,
        a.in_period_start::varchar || '-' || h.in_period_end::varchar as period_label,
        a.list_id,
        a.content_area,
        c.name_vi as area_name_vi,
        c.name_en as area_name_en,
        coalesce(c.csv_line, 999) as area_order,
        a.amount_mvnd,
        a.amount_real_mvnd,
        100.0 * a.amount_mvnd / nullif(h.period_total_mvnd, 0) as share_pct,
        100.0 * a.amount_real_mvnd / nullif(h.period_total_real_mvnd, 0) as share_real_pct,
        h.period_total_mvnd,
        h.period_total_real_mvnd,
        h.cpi_missing_years,
        (select price_year from price) as price_year,
        h.programme_ids,
        case
            when $boundary = 'current' and (h.n_issued > 1 or h.n_renamed > 0) then h.issued_from
        end as summed_from,
        x.missing_from,
        h.list_known,
        h.decree_in_force,
        h.decree_read
    from areas as a
    inner join periods_held as h using (province, in_period_start)
    left join absent as x using (province, in_period_start)
    left join content_areas as c on c.code = a.content_area and c.list_id = a.list_id
)

select * from final
order by province collate vi, period_start, area_order, content_area
