-- province_shares: each province's khuyến công budget split over the common content areas
--                  (KC1..KC9), one series per province and period, for a side-by-side comparison.
-- grain: one row per (province in the boundary view, period) and content area; every content
--        area of the list the series is read with is listed (0 where no task is mapped to it).
-- params: $boundary ('current' | 'as_issued'), $provinces (names in that view, or null = all).
--         'current' = under the province since 1/7/2025, 'as_issued' = under the name each
--         programme was issued by (programme_provinces).
-- sources: programmes, programme_provinces, provinces, budget_lines, programme_content_lists,
--          content_areas, content_area_lists.
-- Every khuyến công programme with budget lines takes part, so an imported province appears by
-- itself; programmes of one province with the same period form one series. Under 'current' a
-- series sums the programmes of every old province now in the successor: summed_from names the
-- provinces as issued (null when it is the one province under its own name), missing_from the
-- successor's old provinces with no programme in the series (only for periods before
-- 1/7/2025). Both null under 'as_issued'. A series is read with the content-area list of its
-- programmes (programme_content_lists.list_id): the codes of every list its programmes use.
with chosen as (
    select
        p.programme_id,
        pp.province,
        pp.province_as_issued,
        pp.before_merger,
        p.period_start,
        p.period_end,
        pl.list_id
    from programmes as p
    inner join programme_provinces as pp
        on pp.programme_id = p.programme_id and pp.boundary = $boundary
    inner join programme_content_lists as pl on pl.programme_id = p.programme_id
    where
        p.kind = 'khuyen_cong'
        and p.programme_id in (select programme_id from budget_lines)
        and ($provinces is null or list_contains($provinces, pp.province))
),

series as (
    select
        province,
        period_start,
        period_end,
        province || ' ' || period_start || '-' || period_end as series_label,
        string_agg(programme_id, ', ' order by programme_id) as programme_ids,
        string_agg(
            distinct province_as_issued, ', ' order by province_as_issued collate vi
        ) as issued_names,
        max(before_merger) as before_merger
    from chosen
    group by province, period_start, period_end
),

missing as (
    select
        s.series_label,
        string_agg(r.province, ', ' order by r.province collate vi) as missing_from
    from series as s
    inner join provinces as r on r.successor = s.province
    where
        $boundary = 'current'
        and s.before_merger
        and not exists (
            select 1 from chosen as c
            where
                c.province = s.province
                and c.period_start = s.period_start
                and c.period_end = s.period_end
                and c.province_as_issued = r.province
        )
    group by s.series_label
),

amounts as (
    select
        c.province,
        c.period_start,
        c.period_end,
        l.content_area,
        sum(l.amount_mvnd) as amount_mvnd,
        string_agg(distinct l.source_file, ', ' order by l.source_file) as source_files
    from budget_lines as l
    inner join chosen as c using (programme_id)
    group by c.province, c.period_start, c.period_end, l.content_area
),

series_lists as (
    select distinct province, period_start, period_end, list_id from chosen
),

areas as (
    -- the codes of every list the series' programmes are read with; a code in two lists is
    -- named as the later list names it (pick = 1)
    select
        s.series_label,
        a.code as content_area,
        a.name_vi as area_name_vi,
        a.name_en as area_name_en,
        a.csv_line as area_order,
        row_number() over (
            partition by s.series_label, a.code order by k.valid_from desc
        ) as pick
    from series as s
    inner join series_lists as l
        on
            l.province = s.province
            and l.period_start = s.period_start
            and l.period_end = s.period_end
    inner join content_areas as a on a.list_id = l.list_id
    inner join content_area_lists as k on k.list_id = l.list_id
),

grid as (
    select
        s.*,
        a.content_area,
        a.area_name_vi,
        a.area_name_en,
        a.area_order
    from series as s
    inner join areas as a on a.series_label = s.series_label and a.pick = 1
),

final as (
    select
        g.series_label,
        g.province,
        g.period_start,
        g.period_end,
        g.programme_ids,
        g.content_area,
        g.area_name_vi,
        g.area_name_en,
        g.area_order,
        coalesce(m.amount_mvnd, 0) as amount_mvnd,
        100.0 * coalesce(m.amount_mvnd, 0) / nullif(
            sum(coalesce(m.amount_mvnd, 0)) over (partition by g.series_label), 0
        ) as share_pct,
        case
            when $boundary = 'current' and g.issued_names != g.province then g.issued_names
        end as summed_from,
        x.missing_from,
        m.source_files
    from grid as g
    left join amounts as m
        on
            m.province = g.province
            and m.period_start = g.period_start
            and m.period_end = g.period_end
            and m.content_area = g.content_area
    left join missing as x using (series_label)
)

select * from final
order by province collate vi, period_start, area_order
